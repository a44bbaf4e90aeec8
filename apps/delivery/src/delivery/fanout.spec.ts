import type { KafkaMessage } from '@streamgate/kafka';
import { fanoutBatch } from './fanout';
import { Positions } from './positions';

const envelope = (stream: string, id: string) => ({
  id,
  stream,
  key: null,
  time: '2026-11-28T11:59:00.000Z',
  ingestedAt: '2026-11-28T11:59:00.100Z',
  data: { n: id },
  meta: { enrichedAt: '2026-11-28T11:59:00.200Z' },
});
const message = (value: unknown, offset: string): KafkaMessage =>
  ({ key: null, value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), offset, timestamp: '0', attributes: 0 }) as KafkaMessage;

describe('fanoutBatch', () => {
  it('groups records by stream in offset order with their pos', () => {
    const { byStream, unreadable } = fanoutBatch({
      partition: 3,
      messages: [message(envelope('a', '1'), '10'), message(envelope('b', '2'), '11'), message(envelope('a', '3'), '12')],
    });
    expect(unreadable).toBe(0);
    expect(byStream.get('a')?.map((r) => [r.id, r.pos])).toEqual([
      ['1', '3:10'],
      ['3', '3:12'],
    ]);
    expect(byStream.get('b')?.[0]).toEqual({ stream: 'b', pos: '3:11', id: '2', key: null, time: '2026-11-28T11:59:00.000Z', data: { n: '2' }, meta: { enrichedAt: '2026-11-28T11:59:00.200Z' } });
  });

  it('counts what is not an envelope instead of pushing it', () => {
    const { byStream, unreadable } = fanoutBatch({ partition: 0, messages: [message('nope', '1'), message({ id: 'x' }, '2')] });
    expect(byStream.size).toBe(0);
    expect(unreadable).toBe(2);
  });
});

describe('Positions', () => {
  it('snapshots the last offset per partition', () => {
    const positions = new Positions();
    positions.set(0, -1);
    positions.set(1, 41);
    positions.set(1, 42);
    expect(positions.snapshot()).toEqual({ '0': -1, '1': 42 });
  });
});
