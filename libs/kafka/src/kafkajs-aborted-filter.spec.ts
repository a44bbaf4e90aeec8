import filterAbortedMessages = require('./kafkajs-aborted-filter');

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);
const record = (offset: number, producerId: string, key: Buffer | null = null, inTransaction = true) => ({ offset: String(offset), key, batchContext: { producerId, inTransaction } });
const kept = (messages: ReturnType<typeof record>[], aborted: Array<{ firstOffset: string; producerId: string }>) =>
  filterAbortedMessages({ messages, abortedTransactions: aborted }).map((m) => `${m.offset}${m.batchContext.producerId}`);

describe('the aborted-record filter (kafkajs 2.2.4, fixed)', () => {
  it('drops the records of every aborted transaction that started before the fetch, not only the first', () => {
    // A fenced member left two transactions open (producers A and B) on this partition; both were
    // aborted. The fetch starts after both began: kafkajs let B's records through.
    const messages = [record(5, 'B'), record(6, 'A'), record(7, 'C'), record(8, 'A', ABORT), record(9, 'B', ABORT), record(10, 'C', COMMIT), record(11, 'B')];
    const aborted = [{ firstOffset: '2', producerId: 'A' }, { firstOffset: '3', producerId: 'B' }];
    expect(kept(messages, aborted)).toEqual(['7C', '8A', '9B', '10C', '11B']);
    // kafkajs's own entered one aborted transaction per record: B's record 5 went through.
    const original = require('kafkajs/src/consumer/filterAbortedMessages.js') as typeof filterAbortedMessages;
    expect(original({ messages, abortedTransactions: aborted }).map((m) => `${m.offset}${m.batchContext.producerId}`)).toContain('5B');
  });

  it('keeps committed and non-transactional records, and records after an abort marker', () => {
    const messages = [record(0, 'A'), record(1, 'X', null, false), record(2, 'A', ABORT), record(3, 'A')];
    expect(kept(messages, [{ firstOffset: '0', producerId: 'A' }])).toEqual(['1X', '2A', '3A']);
    expect(kept(messages, [])).toEqual(['0A', '1X', '2A', '3A']);
  });

  it("is the filter kafkajs's batches use (Jest maps it; the preload does outside Jest)", () => {
    const Batch = require('kafkajs/src/consumer/batch.js') as new (topic: string, fetchedOffset: string, data: unknown) => { messages: Array<{ offset: string }> };
    const messages = [record(5, 'B'), record(6, 'A'), record(7, 'C')];
    const batch = new Batch('t', '5', { partition: 0, highWatermark: '8', messages, abortedTransactions: [{ firstOffset: '2', producerId: 'A' }, { firstOffset: '3', producerId: 'B' }] });
    expect(batch.messages.map((m) => m.offset)).toEqual(['7']);
  });
});
