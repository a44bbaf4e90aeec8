import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@streamgate/contracts';
import { ConsumerHooks, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin } from '@streamgate/kafka';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';

/** The pattern of ingest's consumer: every source topic, found at run time. */
export const SOURCE_TOPICS = 'ingest.*';

/**
 * Which source topics ingest reads: every stream's, plus `ingest.*` topics no stream owns (their
 * records are dead-lettered as UNKNOWN_STREAM rather than left unread). Asked again when the
 * catalog changes and every SOURCE_DISCOVERY_INTERVAL; a change resubscribes the running consumer.
 */
@Injectable()
export class SourceDiscovery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SourceDiscovery.name);
  private sources: string[] = [];
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly topics: Topics,
    private readonly catalog: CatalogService,
    private readonly hooks: ConsumerHooks,
  ) {
    hooks.register(SOURCE_TOPICS, { topics: () => this.sources });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.catalog.onStreamsChanged(() => void this.refresh());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.SOURCE_DISCOVERY_INTERVAL);
  }

  // Before the transport stops the consumer: no resubscription may start it again.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
  }

  /** Serialized: one change at a time. */
  private refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      if (this.stopped) return;
      try {
        const existing = new Set(await this.admin.listTopics());
        const strays = [...existing].filter((t) => this.topics.streamOfSource(t) !== undefined);
        this.sources = [...new Set([...this.catalog.streams.sourceTopics(), ...strays])].filter((t) => existing.has(t)).sort();
        const consumer = this.hooks.consumer(SOURCE_TOPICS);
        if (!consumer || this.sources.join() === [...consumer.topics].sort().join()) return;
        this.logger.log({ msg: 'source topics changed', topics: this.sources });
        // Resubscribing stops the consumer, which waits for the fetch in flight (ingest polls every 100 ms).
        await consumer.resubscribe(this.sources);
      } catch (error) {
        this.logger.warn({ msg: 'source refresh failed', error: (error as Error).message });
      }
    });
    return this.refreshing;
  }
}
