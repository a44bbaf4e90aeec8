export { bootstrapService, runService } from './bootstrap';
export type { ServiceOptions } from './bootstrap';
export { ObservabilityModule } from './observability.module';
export { HealthRegistry } from './health.registry';
export type { HealthCheck, HealthReport } from './health.registry';
export { Metrics, LATENCY_BUCKETS } from './metrics';
export { ApiError } from './api-error';
export { ApiErrorFilter } from './api-error.filter';
export { AppConfigModule } from './app-config.module';
