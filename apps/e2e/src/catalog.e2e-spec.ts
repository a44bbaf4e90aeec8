import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient } from '@streamgate/testing';
import { entitle, partnerKey } from './e2e-helpers';

// The stream catalog and reference tables of access-control, and how fast the data path learns them.
describe('stream catalog and reference tables (access-control admin API)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'ingest'] });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses every admin endpoint without the admin token (401), also with a wrong one', async () => {
    for (const client of [httpClient(platform.url('access-control')), httpClient(platform.url('access-control'), 'not-the-admin-token')]) {
      for (const res of [await client.get('/v1/streams'), await client.post('/v1/streams', { name: 'x' }), await client.put('/v1/reference/t/k', {}), await client.get('/v1/partners')]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      }
    }
  });

  it('creates, reads, replaces and deletes a stream, raising its version', async () => {
    const created = await platform.admin.post('/v1/streams', { name: 'quotes', schema: { type: 'object' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'quotes', schema: { type: 'object' }, source: { topic: 'ingest.quotes' }, enrich: [], version: 1, updatedAt: expect.any(String) });
    expect((await platform.admin.get('/v1/streams')).body).toEqual([created.body]);
    const replaced = await platform.admin.put('/v1/streams/quotes', { enrich: [{ op: 'pick', paths: ['data.bid'] }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'quotes', version: 2, enrich: [{ op: 'pick', paths: ['data.bid'] }] });
    expect((await platform.admin.get('/v1/streams/quotes')).body).toEqual(replaced.body);
    expect((await platform.admin.delete('/v1/streams/quotes')).status).toBe(204);
    expect((await platform.admin.get('/v1/streams/quotes')).status).toBe(404);
  });

  it.each([
    ['an invalid JSON Schema', { name: 'bad1', schema: { type: 'banana' } }, 'INVALID_SCHEMA'],
    ['an unknown op', { name: 'bad2', enrich: [{ op: 'pick', paths: ['data.a'] }, { op: 'teleport' }] }, 'UNKNOWN_OP'],
    ['a bad expression', { name: 'bad3', enrich: [{ op: 'derive', into: 'data.x', expr: 'data.a +' }] }, 'INVALID_EXPRESSION'],
    ['a bad name', { name: 'Bad Name' }, 'INVALID_STREAM_NAME'],
  ])('refuses %s with 400 %s, naming the step where there is one', async (_what, body, code) => {
    const res = await platform.admin.post<{ error: { code: string; details: Array<{ step?: number }> } }>('/v1/streams', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    if (code === 'UNKNOWN_OP') expect(res.body.error.details[0]?.step).toBe(1);
    if (code === 'INVALID_EXPRESSION') expect(res.body.error.details[0]).toMatchObject({ step: 0, position: expect.any(Number) });
  });

  it('answers 409 for a duplicate name or a source topic another stream reads, 404 for unknown streams', async () => {
    expect((await platform.admin.post('/v1/streams', { name: 'dup' })).status).toBe(201);
    expect((await platform.admin.post('/v1/streams', { name: 'dup' })).body).toMatchObject({ error: { code: 'STREAM_EXISTS' } });
    expect((await platform.admin.post('/v1/streams', { name: 'dup2', source: { topic: 'ingest.dup' } })).body).toMatchObject({ error: { code: 'SOURCE_IN_USE' } });
    expect((await platform.admin.put('/v1/streams/nope', {})).status).toBe(404);
    expect((await platform.admin.delete('/v1/streams/nope')).status).toBe(404);
  });

  it('manages reference rows', async () => {
    expect((await platform.admin.put('/v1/reference/instruments/ACME', { name: 'Acme Corp', venue: 'XNAS' })).status).toBe(200);
    expect((await platform.admin.put('/v1/reference/instruments/BETA', { name: 'Beta' })).status).toBe(200);
    expect((await platform.admin.get('/v1/reference/instruments')).body).toEqual([
      { table: 'instruments', key: 'ACME', row: { name: 'Acme Corp', venue: 'XNAS' } },
      { table: 'instruments', key: 'BETA', row: { name: 'Beta' } },
    ]);
    expect((await platform.admin.put('/v1/reference/instruments/ACME', [1, 2])).status).toBe(400);
    expect((await platform.admin.delete('/v1/reference/instruments/BETA')).status).toBe(204);
    expect((await platform.admin.delete('/v1/reference/instruments/BETA')).status).toBe(404);
    expect((await platform.admin.get('/v1/reference/instruments')).body).toHaveLength(1);
  });

  it('reaches ingest within a second of the change, without a restart', async () => {
    const { key, partnerId } = await partnerKey(platform, ['publish']);
    const publisher = httpClient(platform.url('ingest'), key);
    // The key itself travels the same way (control.keys): wait for it on a stream that exists.
    await platform.admin.post('/v1/streams', { name: 'warmup' });
    await entitle(platform, partnerId, 'warmup', { publish: true });
    await expectEventually(async () => expect((await publisher.post('/v1/streams/warmup/records', { data: {} })).status).toBe(202));

    expect((await publisher.post('/v1/streams/fresh/records', { data: {} })).status).toBe(404);
    const started = Date.now();
    expect((await platform.admin.post('/v1/streams', { name: 'fresh' })).status).toBe(201);
    // Publishing needs a grant on the stream, which travels the same way (control.entitlements).
    await entitle(platform, partnerId, 'fresh', { publish: true });
    await expectEventually(async () => expect((await publisher.post('/v1/streams/fresh/records', { data: {} })).status).toBe(202), { intervalMs: 20 });
    const elapsed = Date.now() - started;
    process.stdout.write(`catalog propagation to ingest: ${elapsed} ms\n`);
    expect(elapsed).toBeLessThanOrEqual(1_000);

    expect((await platform.admin.delete('/v1/streams/fresh')).status).toBe(204);
    await expectEventually(async () => expect((await publisher.post('/v1/streams/fresh/records', { data: {} })).status).toBe(404), { timeoutMs: 1_000, intervalMs: 20 });
  });
});
