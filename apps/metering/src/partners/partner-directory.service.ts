import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KeyDirectory } from '@streamgate/auth';
import { TopicName, Topics, controlPartnersCodec } from '@streamgate/contracts';
import type { PartnerRecord } from '@streamgate/contracts';
import { ControlTable, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';

import { PartnerDirectoryRepository } from './partner-directory.repository';
import type { KnownPartner } from './partner-directory.repository';

export type { KnownPartner } from './partner-directory.repository';

/**
 * Partners as metering learns them from control.partners (never from access-control's tables),
 * kept in partner_directory so reports still name a partner after it was deleted. Also the
 * replicated API keys, for partners reading their own usage.
 */
@Injectable()
export class PartnerDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PartnerDirectory.name);
  private readonly partners: ControlTable<PartnerRecord>;
  private readonly known = new Map<string, KnownPartner>();
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners: Array<(partnerId: string) => void> = [];
  readonly keys: KeyDirectory;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(KAFKA_ADMIN) admin: Admin, topics: Topics, private readonly repository: PartnerDirectoryRepository) {
    this.partners = new ControlTable(kafka, admin, {
      topic: topics.name(TopicName.ControlPartners),
      groupPrefix: `${topics.prefix}streamgate.metering.control.partners`,
      parse: controlPartnersCodec.decodeValue,
      onChange: (id, partner) => this.remember(id, partner),
      onInvalid: (key, error) => this.logger.error({ msg: 'unreadable partner record', key, error: error.message }),
    });
    this.keys = new KeyDirectory({ kafka, admin, topics, app: 'metering' });
  }

  async onModuleInit(): Promise<void> {
    for (const row of await this.repository.all()) this.known.set(row.id, row);
    await Promise.all([this.partners.start(), this.keys.start()]);
    await this.writes;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.partners.stop(), this.keys.stop()]);
    await this.writes;
  }

  /** Called after a partner's record (plan, time zone, status) changed. */
  onChange(listener: (partnerId: string) => void): void {
    this.listeners.push(listener);
  }

  get(id: string): KnownPartner | undefined {
    return this.known.get(id);
  }

  all(): KnownPartner[] {
    return [...this.known.values()];
  }

  timeZoneOf(id: string): string {
    return this.known.get(id)?.timezone ?? 'UTC';
  }

  private remember(id: string, partner: PartnerRecord | undefined): void {
    const previous = this.known.get(id);
    const next: KnownPartner = partner ? { ...partner, deleted: false } : previous ? { ...previous, deleted: true } : { id, name: id, plan: null, timezone: 'UTC', status: 'active', deleted: true };
    this.known.set(id, next);
    for (const listener of this.listeners) listener(id);
    this.writes = this.writes.then(() =>
      this.repository
        .save(next)
        .catch((error: Error) => this.logger.error({ msg: 'partner directory write failed', partner: id, error: error.message })),
    );
  }
}
