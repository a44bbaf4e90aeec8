import { chunkBySize } from './producer';

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
