import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TopicName, Topics, isJsonObject } from '@streamgate/contracts';
import { BatchConsumer, BatchConsumers } from '@streamgate/kafka';
import type { Batch } from '@streamgate/kafka';

/**
 * Keeps each API key's "last used" from usage.events (ingest and delivery report the key the
 * work was done for), so the admin API can show it without any call on the data path.
 */
@Injectable()
export class KeyUsageConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(KeyUsageConsumer.name);
  private readonly consumer: BatchConsumer;

  constructor(
    topics: Topics,
    private readonly dataSource: DataSource,
    consumers: BatchConsumers,
  ) {
    this.consumer = consumers.create('key-usage', {
      groupId: `${topics.prefix}streamgate.access-control.key-usage`,
      topics: [topics.name(TopicName.UsageEvents)],
      fromBeginning: false,
      handle: (batches) => this.handle(batches),
      onCrash: (error) => this.logger.error({ msg: 'consumer crashed', error: error.message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async handle(batches: Batch[]): Promise<void> {
    const lastUsed = new Map<string, string>();
    for (const message of batches.flatMap((batch) => batch.messages)) {
      try {
        const event = JSON.parse(message.value?.toString('utf8') ?? '') as unknown;
        if (isJsonObject(event) && typeof event.keyId === 'string' && typeof event.windowEnd === 'string') {
          const seen = lastUsed.get(event.keyId);
          if (!seen || seen < event.windowEnd) lastUsed.set(event.keyId, event.windowEnd);
        }
      } catch {
        // Not ours to judge: metering dead-letters malformed usage events.
      }
    }
    if (lastUsed.size === 0) return;
    await this.dataSource.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
      [[...lastUsed.keys()], [...lastUsed.values()]],
    );
  }
}
