import { Topics } from '@streamgate/contracts';
import type { ApiKeyRecord, EntitlementPolicy } from '@streamgate/contracts';
import type { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import type { CatalogService } from '../catalog/catalog.service';
import type { IngestConfig } from '../config/ingest.config';
import { PublishMetrics } from './publish-metrics';
import { PublishService, publishUsageId } from './publish.service';

describe('publishUsageId', () => {
  it('is deterministic and tells partners, streams and id lists apart', () => {
    const base = publishUsageId('p1', 'trades', ['1', '2', '3']);
    expect(publishUsageId('p1', 'trades', ['1', '2', '3'])).toBe(base);
    expect(publishUsageId('p2', 'trades', ['1', '2', '3'])).not.toBe(base);
    expect(publishUsageId('p1', 'quotes', ['1', '2', '3'])).not.toBe(base);
    expect(publishUsageId('p1', 'trades', ['a\nb'])).not.toBe(publishUsageId('p1', 'trades', ['a', 'b']));
  });
});

type Batch = Parameters<RecordProducer['sendBatch']>[0];

describe('PublishService', () => {
  const trades = compileStream({ name: 'trades', schema: {}, source: { topic: 'ingest.trades' }, enrich: [], version: 1, updatedAt: '' }, { ajv: createSchemaCompiler(), hashKey: '' });
  const key: ApiKeyRecord = { id: 'k1', partnerId: 'ptn_a', hash: '', scopes: ['publish'], createdAt: '' };

  function service(grants: Record<string, EntitlementPolicy> | undefined) {
    const sent: Batch[] = [];
    const catalog = {
      quotas: { get: () => undefined },
      streams: { get: (name: string) => (name === 'trades' ? trades : undefined) },
      entitlements: { get: (partnerId: string) => (partnerId === 'ptn_a' && grants ? { partnerId, streams: grants, updatedAt: '' } : undefined) },
    } as unknown as CatalogService;
    const producer = { sendBatch: async (batch: Batch) => void sent.push(batch) } as unknown as RecordProducer;
    return { sent, publishing: new PublishService({ MAX_RECORD_BYTES: 1024 } as IngestConfig, catalog, producer, new Topics(''), new PublishMetrics(new Metrics())) };
  }

  it.each([
    ['no entitlement at all', undefined],
    ['a publish grant on another stream', { quotes: { publish: true } }],
    ['a subscribe-only entitlement', { trades: {} }],
    ['publish: false', { trades: { publish: false } }],
  ])('refuses %s with NOT_ENTITLED and writes nothing', async (_what, grants) => {
    const { sent, publishing } = service(grants as Record<string, EntitlementPolicy> | undefined);
    await expect(publishing.publish(key, 'trades', { data: { n: 1 } })).rejects.toMatchObject({ code: 'NOT_ENTITLED' });
    expect(sent).toHaveLength(0);
  });

  it('answers STREAM_NOT_FOUND for an unknown stream', async () => {
    await expect(service({}).publishing.publish(key, 'nope', { data: {} })).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
  });

  it("writes with a publish grant, ids in the publisher's namespace and the publisher header", async () => {
    const { sent, publishing } = service({ trades: { publish: true, subscribe: false } });
    const result = await publishing.publish(key, 'trades', { records: [{ data: { n: 1 }, id: 't-1001' }, { data: { n: 2 } }] });
    expect(result).toEqual({ accepted: 2, ids: ['ptn_a:t-1001', expect.stringMatching(/^ptn_a:[0-9a-f-]{36}$/)] });
    const [source, usage] = sent[0]!;
    expect(source?.topic).toBe('ingest.trades');
    expect(source?.messages.map((m) => m.headers)).toEqual([
      { id: 'ptn_a:t-1001', publisher: 'ptn_a' },
      { id: result.ids[1], publisher: 'ptn_a' },
    ]);
    expect(JSON.parse(String(usage?.messages[0]?.value))).toMatchObject({ partnerId: 'ptn_a', stream: 'trades', counters: { recordsPublished: 2 } });
  });
});
