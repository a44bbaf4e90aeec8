import type { KafkaMessage } from '@streamgate/kafka';
import { enrichBatch } from './enrich';

const envelope = {
  id: 'x-1',
  stream: 'trades',
  key: 'ACME',
  time: '2026-11-28T11:59:00.000Z',
  ingestedAt: '2026-11-28T11:59:00.100Z',
  data: { price: 1 },
  meta: { source: 'desk-7' },
};

const message = (value: string, offset = '0'): KafkaMessage =>
  ({ key: Buffer.from('trades/ACME'), value: Buffer.from(value), offset, timestamp: '0', attributes: 0, headers: { stream: Buffer.from('trades') } }) as KafkaMessage;

describe('enrichBatch', () => {
  it('stamps meta.enrichedAt, keeps the rest and the key', () => {
    const { enriched, dead } = enrichBatch({ topic: 'records.validated', partition: 0, messages: [message(JSON.stringify(envelope))] }, '2026-11-28T12:00:00.000Z');
    expect(dead).toHaveLength(0);
    expect(enriched[0]?.key).toEqual(Buffer.from('trades/ACME'));
    expect(JSON.parse(String(enriched[0]?.value))).toEqual({ ...envelope, meta: { source: 'desk-7', enrichedAt: '2026-11-28T12:00:00.000Z' } });
  });

  it('dead-letters what is not an envelope as BAD_ENVELOPE, with its coordinates', () => {
    const { enriched, dead } = enrichBatch(
      { topic: 'records.validated', partition: 4, messages: [message('{"id":1}', '9'), message('garbage', '10')] },
      '2026-11-28T12:00:00.000Z',
    );
    expect(enriched).toHaveLength(0);
    expect(dead.map((d) => [String(d.headers?.reason), String(d.headers?.['source-partition']), String(d.headers?.['source-offset'])])).toEqual([
      ['BAD_ENVELOPE', '4', '9'],
      ['BAD_ENVELOPE', '4', '10'],
    ]);
    expect(String(dead[0]?.headers?.stream)).toBe('trades');
  });
});
