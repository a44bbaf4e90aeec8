import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KeyDirectory } from '@streamgate/auth';
import { TopicName, Topics, controlEntitlementsCodec, controlQuotasCodec } from '@streamgate/contracts';
import type { PartnerEntitlements, QuotaState } from '@streamgate/contracts';
import { ControlTable, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { StreamCatalog } from '@streamgate/streams';

type Listener = () => void;

/** What ingest learns from the control plane: stream definitions, publishing keys, grants, quotas. */
@Injectable()
export class CatalogService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogService.name);
  private readonly listeners: Listener[] = [];
  readonly streams: StreamCatalog;
  readonly keys: KeyDirectory;
  /** Partners' quota states from metering: over the hard limit, HTTP publishes are refused. */
  readonly quotas: ControlTable<QuotaState>;
  /** Partners' entitlements: HTTP publishing needs a publish grant on the stream. */
  readonly entitlements: ControlTable<PartnerEntitlements>;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(KAFKA_ADMIN) admin: Admin, topics: Topics) {
    this.streams = new StreamCatalog({
      kafka,
      admin,
      topics,
      app: 'ingest',
      onChange: () => this.listeners.forEach((listener) => listener()),
      onInvalid: (key, error) => this.logger.error({ msg: 'unreadable stream definition', stream: key, error: error.message }),
    });
    this.keys = new KeyDirectory({ kafka, admin, topics, app: 'ingest' });
    this.quotas = new ControlTable(kafka, admin, {
      topic: topics.name(TopicName.ControlQuotas),
      groupPrefix: `${topics.prefix}streamgate.ingest.control.quotas`,
      parse: controlQuotasCodec.decodeValue,
    });
    this.entitlements = new ControlTable(kafka, admin, {
      topic: topics.name(TopicName.ControlEntitlements),
      groupPrefix: `${topics.prefix}streamgate.ingest.control.entitlements`,
      parse: controlEntitlementsCodec.decodeValue,
    });
  }

  onStreamsChanged(listener: Listener): void {
    this.listeners.push(listener);
  }

  // Every table is read to the end before any consumer or HTTP request is served.
  async onModuleInit(): Promise<void> {
    await Promise.all([this.streams.start(), this.keys.start(), this.quotas.start(), this.entitlements.start()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.streams.stop(), this.keys.stop(), this.quotas.stop(), this.entitlements.stop()]);
  }
}
