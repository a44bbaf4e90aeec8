import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ShutdownLog } from './shutdown-log';

/** GET /health and GET /metrics for every app; global so any module can register a link or a metric. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthRegistry, Metrics, ShutdownLog],
  exports: [HealthRegistry, Metrics],
})
export class ObservabilityModule {}
