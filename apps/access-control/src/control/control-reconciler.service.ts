import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TopicName } from '@streamgate/contracts';
import { Topics } from '@streamgate/contracts';
import { ControlTable, KAFKA, KAFKA_ADMIN } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { ControlPublisher } from './control-publisher.service';

/**
 * Makes a control topic equal to the database at start-up: republishes rows that differ and
 * tombstones keys the database no longer has. Covers the one gap of publish-in-transaction
 * (Kafka acknowledged, then the commit failed).
 */
@Injectable()
export class ControlReconciler {
  private readonly logger = new Logger(ControlReconciler.name);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly topics: Topics,
    private readonly publisher: ControlPublisher,
  ) {}

  async reconcile(topic: TopicName, expected: Map<string, unknown>): Promise<void> {
    const table = new ControlTable<unknown>(this.kafka, this.admin, {
      topic: this.topics.name(topic),
      groupPrefix: `${this.topics.prefix}streamgate.access-control.reconcile`,
      parse: (value) => JSON.parse(value.toString('utf8')),
      // Read once and stopped right away: a stop waits for the fetch in flight.
      maxWaitTimeInMs: 100,
    });
    await table.start();
    const current = new Map(table.entries());
    await table.stop();
    const changes: Array<{ key: string; value: unknown | null }> = [];
    for (const [key, value] of expected) if (!isDeepStrictEqual(current.get(key), value)) changes.push({ key, value });
    for (const key of current.keys()) if (!expected.has(key)) changes.push({ key, value: null });
    if (changes.length > 0) {
      await this.publisher.publish(topic, changes);
      this.logger.log({ msg: 'control topic reconciled', topic, changes: changes.length });
    }
  }
}
