import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { METERING_CONFIG } from '../config/metering.config';
import type { MeteringConfig } from '../config/metering.config';
import { UsageRepository } from './usage.repository';

/**
 * Forgets counted event ids older than USAGE_ID_RETENTION (default 40 days, beyond the 30-day
 * retention of usage.events): an event older than that cannot be redelivered by Kafka, so the
 * dedupe window always covers any possible replay.
 */
@Injectable()
export class UsageIdsPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageIdsPruner.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
    private readonly usage: UsageRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), 3_600_000);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.USAGE_ID_RETENTION).toISOString();
    try {
      const pruned = await this.usage.forgetIdsBefore(cutoff);
      this.logger.log({ msg: 'pruned counted event ids', before: cutoff, pruned });
    } catch (error) {
      this.logger.error({ msg: 'pruning event ids failed', error: (error as Error).message });
    }
  }
}
