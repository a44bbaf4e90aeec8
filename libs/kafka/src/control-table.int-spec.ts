import type { Admin, Kafka } from 'kafkajs';
import { testKafka, uniqueName } from '@streamgate/testing';
import { ControlTable, checkControlTables } from './control-table';
import { RecordProducer } from './producer';
import { provisionTopics } from './topic-provisioning';

describe('control tables and readiness', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: RecordProducer;

  beforeAll(async () => {
    kafka = testKafka('it-control-table', { quiet: true });
    admin = kafka.admin();
    producer = new RecordProducer(kafka);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('count against readiness from start() until caught up, and no longer once stopped', async () => {
    const topic = uniqueName('it.control.');
    await provisionTopics(admin, [{ topic, partitions: 1, compacted: true }]);
    await producer.send(topic, Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 10}`, value: JSON.stringify({ i }) })));
    const table = new ControlTable<{ i: number }>(kafka, admin, {
      topic,
      groupPrefix: uniqueName('it-control-'),
      parse: (value) => JSON.parse(value.toString('utf8')) as { i: number },
      maxWaitTimeInMs: 100,
    });
    // Made but not started: nothing to wait for.
    await expect(checkControlTables(kafka)).resolves.toBeUndefined();

    const started = table.start();
    await expect(checkControlTables(kafka)).rejects.toThrow(`${topic}: catching up`);
    // Another client's readiness does not count this client's tables.
    await expect(checkControlTables(testKafka('it-control-other'))).resolves.toBeUndefined();
    await started;
    expect(table.size).toBe(10);
    await expect(checkControlTables(kafka)).resolves.toBeUndefined();

    await table.stop();
    await expect(checkControlTables(kafka)).resolves.toBeUndefined();
  });
});
