import type { Admin, Batch, Kafka } from 'kafkajs';
import { TopicReader, expectEventually, testKafka, uniqueName } from '@streamgate/testing';
import { PartitionTransactions, ProducerFencedError } from './partition-transactions';
import { provisionTopics } from './topic-provisioning';

/** A fetched batch as the transactions see it: its partition and offsets. */
function batch(topic: string, partition: number, first: number, last: number): Batch {
  return { topic, partition, firstOffset: () => String(first), lastOffset: () => String(last) } as unknown as Batch;
}

const out = (topic: string, ...values: string[]) => [{ topic, messages: values.map((value) => ({ key: value, value })) }];

describe('PartitionTransactions against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const open: PartitionTransactions[] = [];
  let input: string;
  let output: string;
  let groupId: string;

  const member = () => {
    const t = new PartitionTransactions(kafka, admin, { groupId, transactionalIdPrefix: groupId, transactionTimeoutMs: 10_000 });
    open.push(t);
    return t;
  };
  const committedOffset = async () => (await admin.fetchOffsets({ groupId, topics: [input] }))[0]?.partitions.find((p) => p.partition === 0)?.offset;

  beforeAll(async () => {
    kafka = testKafka('it-transactions', { quiet: true });
    admin = kafka.admin();
    await admin.connect();
    // A fresh broker creates __transaction_state on the first transactional id (50 partitions):
    // slower than a test's first transaction should wait on.
    const warm = kafka.producer({ transactionalId: uniqueName('it-tx-warm-'), idempotent: true, maxInFlightRequests: 1, retry: { retries: 30, maxRetryTime: 2_000 } });
    await warm.connect();
    await (await warm.transaction()).abort();
    await warm.disconnect();
  });

  beforeEach(async () => {
    input = uniqueName('tx-in.');
    output = uniqueName('tx-out.');
    groupId = uniqueName('tx-group.');
    await provisionTopics(admin, [
      { topic: input, partitions: 2, compacted: false },
      { topic: output, partitions: 2, compacted: false },
    ]);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it("writes a batch's output and its next offset in one transaction, visible to read_committed readers", async () => {
    const a = member();
    await a.assigned({ [input]: [0] });
    expect(await a.commit(batch(input, 0, 0, 4), out(output, 'r0', 'r1'), () => undefined)).toBe('committed');
    // The offset is written to __consumer_offsets with the commit marker, just after EndTxn returns.
    await expectEventually(async () => expect(await committedOffset()).toBe('5'));
    const reader = await TopicReader.start(kafka, [output]);
    await expectEventually(() => expect(reader.on(output).map((m) => m.key).sort()).toEqual(['r0', 'r1']));
    await reader.stop();
  });

  it('fences the previous owner when a partition moves: its next transaction fails and writes nothing', async () => {
    const a = member();
    await a.assigned({ [input]: [0, 1] });
    await a.commit(batch(input, 0, 0, 0), out(output, 'a-0'), () => undefined);
    // A rebalance gave partition 0 to b while a was paused: a still believes it owns it.
    const b = member();
    await b.assigned({ [input]: [0] });
    const fenced = await a.commit(batch(input, 0, 1, 1), out(output, 'zombie'), () => undefined).catch((e: Error) => e);
    expect(fenced).toBeInstanceOf(ProducerFencedError);
    // Dropped, not retried: until it rejoins, a refuses the partition without touching b's producer.
    await expect(a.commit(batch(input, 0, 1, 1), out(output, 'zombie-again'), () => undefined)).rejects.toBeInstanceOf(ProducerFencedError);
    expect(await b.commit(batch(input, 0, 1, 1), out(output, 'b-1'), () => undefined)).toBe('committed');
    // a's other partition is not affected.
    expect(await a.commit(batch(input, 1, 0, 0), out(output, 'a-p1'), () => undefined)).toBe('committed');

    const reader = await TopicReader.start(kafka, [output]);
    await expectEventually(() => expect(reader.on(output).map((m) => m.key).sort()).toEqual(['a-0', 'a-p1', 'b-1']));
    await reader.stop();
    await expectEventually(async () => expect(await committedOffset()).toBe('2'));
  });

  it('finds a batch fetched before the committed position stale, and says where to seek', async () => {
    const a = member();
    await a.assigned({ [input]: [0] });
    await a.commit(batch(input, 0, 0, 9), out(output, 'first'), () => undefined);
    // The next owner's consumer resolved its offset before a's transaction committed.
    const b = member();
    await b.assigned({ [input]: [0] });
    const seeks: string[] = [];
    expect(await b.commit(batch(input, 0, 0, 9), out(output, 'again'), (position) => seeks.push(position))).toBe('stale');
    expect(seeks).toEqual(['10']);
    expect(await b.commit(batch(input, 0, 10, 12), out(output, 'next'), () => undefined)).toBe('committed');
    const reader = await TopicReader.start(kafka, [output]);
    await expectEventually(() => expect(reader.on(output).map((m) => m.key).sort()).toEqual(['first', 'next']));
    await reader.stop();
  });

  it("aborts what a member left open when it died: the next owner's producer ends it at once", async () => {
    // A transaction left open (the process died between its writes and its commit).
    const producer = kafka.producer({ transactionalId: `${groupId}.${input}.0`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const left = await producer.transaction();
    await left.send({ topic: output, messages: [{ key: 'never', value: 'never' }] });
    const started = Date.now();
    const next = member();
    await next.assigned({ [input]: [0] });
    expect(await next.commit(batch(input, 0, 0, 0), out(output, 'after'), () => undefined)).toBe('committed');
    // Well before its 60 s transaction timeout: the open transaction was aborted by the fence.
    expect(Date.now() - started).toBeLessThan(30_000);
    const reader = await TopicReader.start(kafka, [output]);
    await expectEventually(() => expect(reader.on(output).map((m) => m.key)).toEqual(['after']));
    await reader.stop();
    await producer.disconnect();
  });
});
