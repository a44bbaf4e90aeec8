import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KeyDirectory } from '@streamgate/auth';
import { TopicName, Topics, controlEntitlementsCodec, controlQuotasCodec } from '@streamgate/contracts';
import type { EntitlementPolicy, PartnerEntitlements, QuotaState } from '@streamgate/contracts';
import { ControlTable, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { StreamCatalog } from '@streamgate/streams';

export interface AccessListener {
  keyRevoked(keyId: string): void;
  entitlementsChanged(partnerId: string): void;
  streamDeleted(stream: string): void;
  quotaChanged(partnerId: string): void;
}

/**
 * Everything delivery enforces, followed live from the compacted control topics: streams,
 * active API keys (hashes) and each partner's entitlements. Delivery never calls access-control.
 */
@Injectable()
export class AccessDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AccessDirectory.name);
  private readonly listeners: AccessListener[] = [];
  readonly streams: StreamCatalog;
  readonly keys: KeyDirectory;
  private readonly entitlements: ControlTable<PartnerEntitlements>;
  private readonly quotas: ControlTable<QuotaState>;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(KAFKA_ADMIN) admin: Admin, topics: Topics) {
    const onInvalid = (key: string, error: Error) => this.logger.error({ msg: 'unreadable control record', key, error: error.message });
    this.streams = new StreamCatalog({ kafka, admin, topics, app: 'delivery', onInvalid });
    this.streams.onDelete = (stream) => this.listeners.forEach((l) => l.streamDeleted(stream));
    this.keys = new KeyDirectory({
      kafka,
      admin,
      topics,
      app: 'delivery',
      onChange: (keyId, key) => {
        if (!key) this.listeners.forEach((l) => l.keyRevoked(keyId));
      },
    });
    this.entitlements = new ControlTable(kafka, admin, {
      topic: topics.name(TopicName.ControlEntitlements),
      groupPrefix: `${topics.prefix}streamgate.delivery.control.entitlements`,
      parse: controlEntitlementsCodec.decodeValue,
      onChange: (partnerId) => this.listeners.forEach((l) => l.entitlementsChanged(partnerId)),
      onInvalid,
    });
    this.quotas = new ControlTable(kafka, admin, {
      topic: topics.name(TopicName.ControlQuotas),
      groupPrefix: `${topics.prefix}streamgate.delivery.control.quotas`,
      parse: controlQuotasCodec.decodeValue,
      onChange: (partnerId) => this.listeners.forEach((l) => l.quotaChanged(partnerId)),
      onInvalid,
    });
  }

  listen(listener: AccessListener): void {
    this.listeners.push(listener);
  }

  hasStream(stream: string): boolean {
    return this.streams.get(stream) !== undefined;
  }

  policy(partnerId: string, stream: string): EntitlementPolicy | undefined {
    return this.entitlements.get(partnerId)?.streams[stream];
  }

  quota(partnerId: string): QuotaState | undefined {
    return this.quotas.get(partnerId);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.streams.start(), this.keys.start(), this.entitlements.start(), this.quotas.start()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.streams.stop(), this.keys.stop(), this.entitlements.stop(), this.quotas.stop()]);
  }
}
