import { KafkaJSNonRetriableError } from 'kafkajs';
import type { Admin, Batch, Kafka } from 'kafkajs';
import { expectEventually, testKafka, uniqueName } from '@streamgate/testing';
import { BatchConsumer } from './batch-consumer';
import { RecordProducer } from './producer';
import { provisionTopics } from './topic-provisioning';

describe('kafka lib against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: RecordProducer;

  beforeAll(async () => {
    kafka = testKafka('it-kafka-lib', { quiet: true });
    admin = kafka.admin();
    producer = new RecordProducer(kafka);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('provisions partitions, compaction and retention, idempotently, and only ever grows partitions', async () => {
    const data = uniqueName('records.');
    const table = uniqueName('control.');
    const specs = [
      { topic: data, partitions: 3, compacted: false, retentionMs: 3_600_000 },
      { topic: table, partitions: 1, compacted: true },
    ];
    expect((await provisionTopics(admin, specs)).created.sort()).toEqual([data, table].sort());
    expect((await provisionTopics(admin, specs)).created).toEqual([]);
    await provisionTopics(admin, [{ ...specs[0]!, partitions: 6 }]);
    const metadata = await admin.fetchTopicMetadata({ topics: [data] });
    expect(metadata.topics[0]?.partitions).toHaveLength(6);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 2, name: data, configNames: ['cleanup.policy', 'retention.ms'] },
        { type: 2, name: table, configNames: ['cleanup.policy'] },
      ],
    });
    const value = (name: string, key: string) =>
      configs.resources.find((r) => r.resourceName === name)?.configEntries.find((e) => e.configName === key)?.configValue;
    expect(value(data, 'cleanup.policy')).toBe('delete');
    expect(value(data, 'retention.ms')).toBe('3600000');
    expect(value(table, 'cleanup.policy')).toBe('compact');
  });

  it('commits a batch only after its handler resolved, so a failed batch is redelivered', async () => {
    const topic = uniqueName('it.batches.');
    const groupId = uniqueName('it-group-');
    await provisionTopics(admin, [{ topic, partitions: 1, compacted: false }]);
    await producer.send(topic, Array.from({ length: 20 }, (_, i) => ({ value: `v${i}` })));

    const seen: string[] = [];
    let failedOnce = false;
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      fromBeginning: true,
      handle: async (batches) => {
        if (!failedOnce) {
          failedOnce = true;
          throw new Error('simulated failure before the outputs were written');
        }
        seen.push(...batches.flatMap((b) => b.messages.map((m) => String(m.value))));
      },
    });
    await consumer.start();
    await expectEventually(() => expect(new Set(seen).size).toBe(20), { timeoutMs: 30_000 });
    await consumer.stop();
    expect(failedOnce).toBe(true);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions[0]?.offset).toBe('20');

    // A new member of the group starts after the committed position: nothing is handled twice.
    await producer.send(topic, [{ value: 'v20' }]);
    const after: string[] = [];
    const next = new BatchConsumer(kafka, { groupId, topics: [topic], fromBeginning: true, handle: async (batches) => void after.push(...batches.flatMap((b) => b.messages.map((m) => String(m.value)))) });
    await next.start();
    await expectEventually(() => expect(after).toEqual(['v20']), { timeoutMs: 30_000 });
    await next.stop();
  });

  it('hands every partition of a fetch to one handler call', async () => {
    const topic = uniqueName('it.fetch.');
    await provisionTopics(admin, [{ topic, partitions: 6, compacted: false }]);
    // (kafkajs may write a record twice when it retries a send to a topic this new: count values.)
    await producer.send(topic, Array.from({ length: 12 }, (_, i) => ({ value: `v${i}`, partition: i % 6 })));
    const calls: number[][] = [];
    const values = new Set<string>();
    const consumer = new BatchConsumer(kafka, {
      groupId: uniqueName('it-group-'),
      topics: [topic],
      fromBeginning: true,
      handle: async (batches) => {
        calls.push(batches.map((b) => b.partition));
        for (const batch of batches) batch.messages.forEach((m) => values.add(String(m.value)));
      },
    });
    await consumer.start();
    try {
      await expectEventually(() => expect(values.size).toBe(12), { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
    }
    // All six partitions had records before the first fetch: one call with all of them.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('commits handled offsets on its interval and at a clean stop, not after every batch', async () => {
    const topic = uniqueName('it.commits.');
    const groupId = uniqueName('it-group-');
    await provisionTopics(admin, [{ topic, partitions: 2, compacted: false }]);
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return Object.fromEntries((offsets?.partitions ?? []).map((p) => [p.partition, p.offset]));
    };
    const ends = async () => Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.offset]));
    const handled = new Set<string>();
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      fromBeginning: true,
      commitIntervalMs: 60_000,
      handle: async (batches) => batches.forEach((b) => b.messages.forEach((m) => handled.add(String(m.value)))),
    });
    await consumer.start();
    try {
      // One record at a time: each is its own batch, and kafkajs's autoCommit would commit each.
      for (let i = 0; i < 10; i += 1) {
        await producer.send(topic, [{ value: `v${i}`, partition: i % 2 }]);
        await expectEventually(() => expect(handled.has(`v${i}`)).toBe(true), { timeoutMs: 30_000 });
      }
      expect(await committed()).toEqual({ 0: '-1', 1: '-1' });
    } finally {
      await consumer.stop();
    }
    expect(await committed()).toEqual(await ends());

    // With a short interval, positions are committed while the consumer runs.
    const running = new BatchConsumer(kafka, { groupId, topics: [topic], fromBeginning: true, commitIntervalMs: 100, handle: async () => undefined });
    await running.start();
    try {
      await producer.send(topic, [{ value: 'v10', partition: 0 }]);
      await expectEventually(async () => expect(await committed()).toEqual(await ends()), { timeoutMs: 30_000 });
    } finally {
      await running.stop();
    }
  });

  it('commits the batch in flight at stop before leaving the group', async () => {
    const topic = uniqueName('it.stop.');
    const groupId = uniqueName('it-group-');
    await provisionTopics(admin, [{ topic, partitions: 1, compacted: false }]);
    await producer.send(topic, Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })));
    let working = false;
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      fromBeginning: true,
      commitIntervalMs: 60_000,
      // A handler still working (1 s) when stop() is called: kafkajs no longer runs by then.
      handle: async () => {
        working = true;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      },
    });
    await consumer.start();
    await expectEventually(() => expect(working).toBe(true), { timeoutMs: 30_000, intervalMs: 20 });
    await consumer.stop();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets?.partitions[0]?.offset).toBe((await admin.fetchTopicOffsets(topic))[0]?.offset);
  });

  it('commits what it handled when the group rebalances, so the next owner of a partition does not handle it again', async () => {
    const topic = uniqueName('it.rebalance.');
    const groupId = uniqueName('it-group-');
    await provisionTopics(admin, [{ topic, partitions: 4, compacted: false }]);
    const values = (batches: Batch[]) => batches.flatMap((b) => b.messages.map((m) => String(m.value)));
    const first = new Set<string>();
    const second = new Set<string>();
    // A long interval: only the rebalance (or a stop) commits.
    const options = { groupId, topics: [topic], fromBeginning: true, commitIntervalMs: 60_000 };
    let handledByA = 0;
    const a = new BatchConsumer(kafka, {
      ...options,
      handle: async (batches) => values(batches).forEach((v) => void (first.add(v), (handledByA += 1))),
    });
    const b = new BatchConsumer(kafka, { ...options, handle: async (batches) => values(batches).forEach((v) => second.add(v)) });
    await a.start();
    try {
      await producer.send(topic, Array.from({ length: 8 }, (_, i) => ({ value: `before${i}`, partition: i % 4 })));
      // Everything in the topic (kafkajs may write a record twice when it retries a send to a new topic).
      const written = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.offset), 0);
      await expectEventually(() => expect(handledByA).toBe(written), { timeoutMs: 30_000 });
      await b.start();
      await producer.send(topic, Array.from({ length: 8 }, (_, i) => ({ value: `after${i}`, partition: i % 4 })));
      await expectEventually(() => expect(new Set([...first, ...second].filter((v) => v.startsWith('after'))).size).toBe(8), { timeoutMs: 30_000 });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    // b took over partitions a had read: it starts after what a handled, not from the beginning.
    expect(second.size).toBeGreaterThan(0);
    expect([...second].filter((v) => v.startsWith('before'))).toEqual([]);
  });

  it('restarts after kafkajs gives up on an error, reporting the crash on its health check meanwhile', async () => {
    const topic = uniqueName('it.crash.');
    await provisionTopics(admin, [{ topic, partitions: 1, compacted: false }]);
    await producer.send(topic, [{ value: 'a' }, { value: 'b' }]);
    const seen: string[] = [];
    let poisoned = false;
    const consumer = new BatchConsumer(kafka, {
      groupId: uniqueName('it-group-'),
      topics: [topic],
      fromBeginning: true,
      handle: async (batches) => {
        if (!poisoned) {
          poisoned = true;
          throw new KafkaJSNonRetriableError('not retriable');
        }
        seen.push(...batches.flatMap((b) => b.messages.map((m) => String(m.value))));
      },
    });
    await consumer.start();
    await expectEventually(() => expect(poisoned).toBe(true), { timeoutMs: 30_000 });
    await expect(consumer.check()).rejects.toThrow(/crashed: not retriable/);
    await expectEventually(() => expect(seen).toEqual(['a', 'b']), { timeoutMs: 30_000 });
    await expect(consumer.check()).resolves.toBeUndefined();
    await consumer.stop();
  });

  it('resubscribes to a changed topic list without losing the group position', async () => {
    const first = uniqueName('it.sources.a.');
    const second = uniqueName('it.sources.b.');
    await provisionTopics(admin, [first, second].map((topic) => ({ topic, partitions: 2, compacted: false })));
    const seen = new Set<string>();
    const consumer = new BatchConsumer(kafka, {
      groupId: uniqueName('it-group-'),
      topics: [first],
      fromBeginning: true,
      handle: async (batches) => batches.forEach((b) => b.messages.forEach((m) => seen.add(`${b.topic}:${String(m.value)}`))),
    });
    await consumer.start();
    await producer.send(first, [{ value: 'one' }]);
    await expectEventually(() => expect(seen.has(`${first}:one`)).toBe(true), { timeoutMs: 30_000 });
    await producer.send(second, [{ value: 'two' }]);
    await consumer.resubscribe([first, second]);
    await expectEventually(() => expect(seen.has(`${second}:two`)).toBe(true), { timeoutMs: 30_000 });
    await consumer.stop();
    expect(seen.size).toBe(2);
  });
});
