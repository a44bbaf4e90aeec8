import type { Kafka } from 'kafkajs';
import { BatchConsumer } from './batch-consumer';

// Seen in the noisy-neighbour benchmark: on a broker still loading its group coordinator,
// kafkajs's run returned with the group not up and the start-up seek threw "Consumer group was
// not initialized": delivery exited. The seek now waits for the group to join.
describe('BatchConsumer start-up positions', () => {
  it('applies a seek the not-yet-running group refused when the group joins, instead of failing the start', async () => {
    const listeners = new Map<string, Array<(event: unknown) => void>>();
    let joined = false;
    const seeks: unknown[] = [];
    const consumer = {
      events: { CRASH: 'crash', FETCH: 'fetch', GROUP_JOIN: 'join', REBALANCING: 'rebalancing', END_BATCH_PROCESS: 'end' },
      on: (event: string, listener: (event: unknown) => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async () => undefined,
      seek: (position: unknown) => {
        if (!joined) throw new Error('Consumer group was not initialized, consumer#run must be called first');
        seeks.push(position);
      },
    };
    const kafka = { consumer: () => consumer } as unknown as Kafka;
    const batches = new BatchConsumer(kafka, { groupId: 'g', topics: ['t'], fromBeginning: false, transactional: true, handle: async () => undefined });
    const position = { topic: 't', partition: 0, offset: '42' };
    await expect(batches.start({ seek: [position] })).resolves.toBeUndefined();
    expect(seeks).toEqual([]);
    joined = true;
    for (const listener of listeners.get('join') ?? []) listener({ payload: { memberAssignment: { t: [0] } } });
    expect(seeks).toEqual([position]);
  });
});
