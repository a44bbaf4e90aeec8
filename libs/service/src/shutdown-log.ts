import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from './health.registry';

/** Marks the start and end of a graceful shutdown in the logs; readiness fails from its start. */
@Injectable()
export class ShutdownLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('shutdown');

  constructor(private readonly health: HealthRegistry) {}

  beforeApplicationShutdown(signal?: string): void {
    this.health.markStopping();
    this.logger.log({ msg: 'shutting down', signal });
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log({ msg: 'shut down', signal });
  }
}
