import type { Message } from 'kafkajs';
import { SteadyProducer } from './steady-producer';
import type { BatchSender } from './steady-producer';

class FakeSender implements BatchSender {
  readonly sent: Message[][] = [];
  failures = 0;
  hold?: Promise<void>;

  async send({ messages }: { messages: Message[] }): Promise<void> {
    await this.hold;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker unavailable');
    }
    this.sent.push(messages);
  }
}

describe('SteadyProducer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends perTick records every interval, with ids, keys and values', async () => {
    const sender = new FakeSender();
    const pump = new SteadyProducer(sender, { topic: 't', idPrefix: 'c', perTick: 3, intervalMs: 100, keys: 2 });
    pump.start();
    await jest.advanceTimersByTimeAsync(250);
    await pump.stop();
    expect(pump.produced).toBe(6);
    expect(pump.acked).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
    expect(sender.sent[1]?.[0]).toEqual({ key: 'k1', value: '{"n":3}', headers: { id: 'c-3' } });
  });

  it('sends a refused batch again with the same ids until it is acknowledged', async () => {
    const sender = new FakeSender();
    sender.failures = 3;
    const pump = new SteadyProducer(sender, { topic: 't', idPrefix: 'c', perTick: 2, intervalMs: 100, retryDelayMs: 50 });
    pump.start();
    await jest.advanceTimersByTimeAsync(100);
    const stopped = pump.stop();
    await jest.advanceTimersByTimeAsync(500);
    await stopped;
    expect(pump.retried).toBe(3);
    expect(sender.sent).toHaveLength(1);
    expect(pump.acked).toEqual(['c-0', 'c-1']);
  });

  it('keeps producing while a send hangs, one send at a time, the backlog in batches of maxBatch', async () => {
    const sender = new FakeSender();
    let release = () => undefined as void;
    sender.hold = new Promise<void>((resolve) => (release = resolve));
    const pump = new SteadyProducer(sender, { topic: 't', idPrefix: 'c', perTick: 1, intervalMs: 100, maxBatch: 2 });
    pump.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(pump.produced).toBe(5);
    expect(pump.acked).toEqual([]);
    let done = false;
    const stopped = pump.stop().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    release();
    await stopped;
    expect(sender.sent.map((batch) => batch.length)).toEqual([1, 2, 2]);
    expect(pump.acked).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
  });

  it('gives up waiting at the deadline of stop', async () => {
    const sender = new FakeSender();
    sender.hold = new Promise<void>(() => undefined);
    const pump = new SteadyProducer(sender, { topic: 't', idPrefix: 'c', perTick: 3, intervalMs: 100 });
    pump.start();
    await jest.advanceTimersByTimeAsync(100);
    const stopped = expect(pump.stop({ timeoutMs: 1_000 })).rejects.toThrow('3 records still not acknowledged after 1000 ms');
    await jest.advanceTimersByTimeAsync(1_000);
    await stopped;
  });
});
