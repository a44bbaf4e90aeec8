import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health.registry';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ShutdownLog } from './shutdown-log';

/**
 * The health registry and GET /metrics for every app; global so any module can register a
 * link or a metric. The /health endpoints are mounted by bootstrapService, ahead of Nest.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [HealthRegistry, Metrics, ShutdownLog],
  exports: [HealthRegistry, Metrics],
})
export class ObservabilityModule {}
