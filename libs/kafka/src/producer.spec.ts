import { RecordProducer, chunkBySize } from './producer';

const message = (n: number, bytes: number) => ({ key: `k${n}`, value: 'x'.repeat(bytes) });

describe('chunkBySize', () => {
  it('keeps small writes in one request', () => {
    const chunks = chunkBySize([{ topic: 'a', messages: [message(1, 10)] }, { topic: 'b', messages: [message(2, 10)] }], 1_000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.map((t) => t.topic)).toEqual(['a', 'b']);
  });

  it('splits large writes into requests under the limit, in order, and drops empty topics', () => {
    const messages = Array.from({ length: 10 }, (_, n) => message(n, 300));
    const chunks = chunkBySize([{ topic: 'a', messages }, { topic: 'empty', messages: [] }], 1_000);
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([
      ['k0', 'k1', 'k2'],
      ['k3', 'k4', 'k5'],
      ['k6', 'k7', 'k8'],
      ['k9'],
    ]);
    expect(chunks.flat().every((t) => t.topic === 'a')).toBe(true);
  });

  it('sends a message larger than the limit alone', () => {
    const chunks = chunkBySize([{ topic: 'a', messages: [message(1, 10), message(2, 5_000), message(3, 10)] }], 1_000);
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([['k1'], ['k2'], ['k3']]);
  });
});

describe('RecordProducer', () => {
  // A stand-in for kafkajs's producer: each sendBatch waits until the test releases it.
  function fakeKafka() {
    const requests: Array<{ keys: string[]; release: (error?: Error) => void }> = [];
    const producer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: ({ topicMessages }: { topicMessages: Array<{ topic: string; messages: Array<{ key?: unknown }> }> }) =>
        new Promise<unknown[]>((resolve, reject) => {
          const keys = topicMessages.flatMap((t) => t.messages.map((m) => `${t.topic}/${String(m.key)}`));
          requests.push({ keys, release: (error) => (error ? reject(error) : resolve([])) });
        }),
    };
    return { kafka: { producer: () => producer } as unknown as ConstructorParameters<typeof RecordProducer>[0], requests };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('sends the first write at once and coalesces the writes made meanwhile into the next request, in call order', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new RecordProducer(kafka);
    const done: string[] = [];
    const first = producer.send('a', [message(1, 10)]).then(() => done.push('first'));
    await settle();
    expect(requests.map((r) => r.keys)).toEqual([['a/k1']]);
    const second = producer.sendBatch([{ topic: 'a', messages: [message(2, 10)] }, { topic: 'b', messages: [message(3, 10)] }]).then(() => done.push('second'));
    const third = producer.send('a', [message(4, 10)]).then(() => done.push('third'));
    await settle();
    expect(requests).toHaveLength(1);
    requests[0]?.release();
    await settle();
    expect(done).toEqual(['first']);
    expect(requests.map((r) => r.keys)).toEqual([['a/k1'], ['a/k2', 'a/k4', 'b/k3']]);
    requests[1]?.release();
    await Promise.all([first, second, third]);
    expect(done).toEqual(['first', 'second', 'third']);
  });

  it('rejects every caller whose messages a failed request carried, and goes on with later writes', async () => {
    const { kafka, requests } = fakeKafka();
    const producer = new RecordProducer(kafka);
    const first = producer.send('a', [message(1, 10)]);
    await settle();
    const second = producer.send('a', [message(2, 10)]);
    const third = producer.send('a', [message(3, 10)]);
    requests[0]?.release();
    await first;
    await settle();
    requests[1]?.release(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(second).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await expect(third).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    const fourth = producer.send('a', [message(4, 10)]);
    await settle();
    expect(requests[2]?.keys).toEqual(['a/k4']);
    requests[2]?.release();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('resolves a write of no messages without a request', async () => {
    const { kafka, requests } = fakeKafka();
    await new RecordProducer(kafka).sendBatch([{ topic: 'a', messages: [] }]);
    expect(requests).toHaveLength(0);
  });
});
