import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationShutdown } from '@nestjs/common';

/** Marks the start and end of a graceful shutdown in the logs. */
@Injectable()
export class ShutdownLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('shutdown');

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log({ msg: 'shutting down', signal });
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log({ msg: 'shut down', signal });
  }
}
