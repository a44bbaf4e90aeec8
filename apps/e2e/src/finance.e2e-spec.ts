import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { TopicName, Topics, usageEventsCodec } from '@streamgate/contracts';
import type { UsageEvent, UsageReportRow } from '@streamgate/contracts';
import { repoRoot, startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient, testKafka } from '@streamgate/testing';
import type { HttpClient } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

type Row = UsageReportRow;

interface Invoice {
  partnerId: string;
  status: string;
  lines: Array<{ kind: string; quantity: string; amountCents: number; description: string }>;
  subtotalCents: number;
  minimumTopUpCents: number;
  totalCents: number;
}

// Reports, periods in partner time zones, CSV, invoices in integer cents, period close with
// adjustments, quotas, and who may read what — against the running metering app.
describe('finance: reports, invoices, quotas', () => {
  let platform: TestPlatform;
  let producer: Producer;
  let finance: HttpClient;
  let admin: HttpClient;
  let paris: { partnerId: string; key: string };

  const usage = (partnerId: string, id: string, windowStart: string, counters: UsageEvent['counters'], stream: string | null = 'ticks'): UsageEvent => ({
    id,
    partnerId,
    stream,
    source: 'test',
    windowStart,
    windowEnd: windowStart,
    counters,
  });
  const send = (...events: UsageEvent[]) =>
    producer.send({ topic: new Topics(platform.prefix).name(TopicName.UsageEvents), acks: -1, messages: events.map((e) => usageEventsCodec.encode(e)) });

  beforeAll(async () => {
    platform = await startPlatform({ env: { USAGE_WINDOW: '1s' } });
    producer = testKafka('e2e-finance').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    finance = httpClient(platform.url('metering'), String(platform.env.FINANCE_TOKEN));
    admin = httpClient(platform.url('metering'), String(platform.env.ADMIN_TOKEN));
    expect(
      (await admin.post('/v1/plans', { id: 'pro', name: 'Pro', currency: 'USD', pricePerMillionRecords: '12.50', pricePerGb: '0.09', includedRecords: 1000, monthlyMinimumCents: 5000 })).status,
    ).toBe(201);
    const partner = await platform.admin.post<{ id: string }>('/v1/partners', { name: 'Paris Desk', plan: 'pro', timezone: 'Europe/Paris' });
    const key = await platform.admin.post<{ key: string }>(`/v1/partners/${partner.body.id}/keys`, { scopes: ['usage:read'] });
    paris = { partnerId: partner.body.id, key: key.body.key };
    await send(
      usage(paris.partnerId, 'oct-last-ms', '2026-10-31T22:59:59.999Z', { recordsDelivered: 1000, bytesDelivered: 1_000_000 }),
      usage(paris.partnerId, 'nov-first-ms', '2026-10-31T23:00:00.000Z', { recordsDelivered: 2_501_000, bytesDelivered: 3_500_000_000 }),
      usage(paris.partnerId, 'dst-early', '2026-10-24T22:30:00.000Z', { recordsDelivered: 7 }),
      usage(paris.partnerId, 'dst-late', '2026-10-25T22:30:00.000Z', { recordsDelivered: 5 }),
      usage(paris.partnerId, 'dst-late', '2026-10-25T22:30:00.000Z', { recordsDelivered: 5 }),
      usage(paris.partnerId, 'conn', '2026-11-02T10:00:00.000Z', { connectionSeconds: 90, peakConnections: 2 }, null),
    );
    await expectEventually(async () => {
      const rows = (await finance.get<Row[]>(`/v1/usage?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&granularity=month&partner=${paris.partnerId}`)).body;
      expect(rows.reduce((n, r) => n + r.recordsDelivered, 0)).toBe(2_502_012);
      expect(rows[0]?.partnerName).toBe('Paris Desk');
    }, { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  it('cuts months in the partner time zone, half-open: 23:59:59.999 local is October, 00:00 is November', async () => {
    const rows = (await finance.get<Row[]>(`/v1/usage?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&granularity=month&partner=${paris.partnerId}`)).body;
    expect(rows.filter((r) => r.stream === 'ticks')).toEqual([
      expect.objectContaining({ periodStart: '2026-09-30T22:00:00.000Z', periodEnd: '2026-10-31T23:00:00.000Z', recordsDelivered: 1012, bytesDelivered: 1_000_000 }),
      expect.objectContaining({ periodStart: '2026-10-31T23:00:00.000Z', periodEnd: '2026-11-30T23:00:00.000Z', recordsDelivered: 2_501_000, bytesDelivered: 3_500_000_000 }),
    ]);
    expect(rows.find((r) => r.stream === null)).toMatchObject({ connectionMinutes: 1.5, recordsDelivered: 0 });
    const utc = (await finance.get<Row[]>(`/v1/usage?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&granularity=month&partner=${paris.partnerId}&tz=UTC`)).body;
    expect(utc.filter((r) => r.stream === 'ticks').map((r) => [r.periodStart, r.recordsDelivered])).toEqual([['2026-10-01T00:00:00.000Z', 2_502_012]]);
  });

  it('makes the day of a DST change 25 hours long, and counts a duplicated event once', async () => {
    const rows = (await finance.get<Row[]>(`/v1/usage?from=2026-10-24&to=2026-10-27&tz=Europe/Paris&granularity=day&partner=${paris.partnerId}&stream=ticks`)).body;
    expect(rows).toEqual([expect.objectContaining({ periodStart: '2026-10-24T22:00:00.000Z', periodEnd: '2026-10-25T23:00:00.000Z', recordsDelivered: 12 })]);
  });

  it('exports the same rows as CSV, with local and UTC bounds; the sums equal the JSON', async () => {
    const query = `from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&granularity=day&partner=${paris.partnerId}`;
    const json = (await finance.get<Row[]>(`/v1/usage?${query}`)).body;
    const csv = await fetch(`${platform.url('metering')}/v1/usage.csv?${query}`, { headers: { authorization: `Bearer ${platform.env.FINANCE_TOKEN}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('partnerId,partnerName,stream,timezone,periodStartLocal,periodEndLocal,periodStartUtc,periodEndUtc,recordsDelivered,bytesDelivered,recordsPublished,recordsReplayed,connectionMinutes');
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells).toHaveLength(json.length);
    const sum = (column: number) => cells.reduce((n, c) => n + Number(c[column]), 0);
    expect(sum(8)).toBe(json.reduce((n, r) => n + r.recordsDelivered, 0));
    expect(sum(9)).toBe(json.reduce((n, r) => n + r.bytesDelivered, 0));
    expect(sum(12)).toBeCloseTo(json.reduce((n, r) => n + r.connectionMinutes, 0), 6);
    const oct25 = cells.find((c) => c[6] === '2026-10-24T22:00:00.000Z');
    expect(oct25?.slice(3, 8)).toEqual(['Europe/Paris', '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  });

  it('prices an open month in integer cents: included records, per-line half-up rounding, minimum top-up', async () => {
    const [invoice] = (await finance.get<Invoice[]>('/v1/invoices?period=2026-11')).body.filter((i) => i.partnerId === paris.partnerId);
    expect(invoice).toMatchObject({ status: 'open', subtotalCents: 3157, minimumTopUpCents: 1843, totalCents: 5000 });
    expect(invoice!.lines.map((l) => [l.kind, l.quantity, l.amountCents])).toEqual([
      ['records', '2500000', 3125],
      ['bytes', '3500000000', 32],
      ['minimum', '1', 1843],
    ]);
  });

  it('freezes a closed period; later usage for it becomes an adjustment line of the next open period', async () => {
    const october = (await finance.get<Invoice[]>('/v1/invoices?period=2026-10')).body.find((i) => i.partnerId === paris.partnerId);
    expect(october).toMatchObject({ status: 'open', totalCents: 5000 });
    expect((await finance.post('/v1/periods/2026-10/close')).status).toBe(200);
    expect((await finance.post('/v1/periods/2026-10/close')).body).toMatchObject({ error: { code: 'PERIOD_CLOSED' } });
    expect((await finance.post('/v1/periods/2999-01/close')).body).toMatchObject({ error: { code: 'PERIOD_NOT_ENDED' } });

    await send(usage(paris.partnerId, 'late-october', '2026-10-15T12:00:00.000Z', { recordsDelivered: 4_000_000 }));
    const november = await expectEventually(async () => {
      const invoice = (await finance.get<Invoice[]>('/v1/invoices?period=2026-11')).body.find((i) => i.partnerId === paris.partnerId)!;
      expect(invoice.lines.some((l) => l.kind === 'adjustment-records')).toBe(true);
      return invoice;
    });
    expect(november.lines.find((l) => l.kind === 'adjustment-records')).toMatchObject({ quantity: '4000000', amountCents: 5000, description: expect.stringContaining('2026-10') });
    expect(november).toMatchObject({ subtotalCents: 8157, minimumTopUpCents: 0, totalCents: 8157 });
    const frozen = (await finance.get<Invoice[]>('/v1/invoices?period=2026-10')).body.find((i) => i.partnerId === paris.partnerId);
    expect(frozen).toEqual({ ...october, status: 'final' });
    const rows = (await finance.get<Row[]>(`/v1/usage?period=2026-10&granularity=month&partner=${paris.partnerId}&stream=ticks`)).body;
    expect(rows.map((r) => r.recordsDelivered)).toEqual([1012]);
  });

  it('lets a partner key read only its own usage; everyone else gets 401 or 403', async () => {
    const own = httpClient(platform.url('metering'), paris.key);
    const mine = await own.get<Row[]>('/v1/usage?from=2026-10-01&to=2026-12-01&granularity=month');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.map((r) => r.partnerId))).toEqual(new Set([paris.partnerId]));
    expect((await own.get(`/v1/usage?partner=someone-else`)).status).toBe(403);
    expect((await own.get('/v1/invoices?period=2026-11')).body).toHaveLength(1);
    expect((await own.post('/v1/periods/2026-09/close')).status).toBe(403);
    expect((await own.get('/v1/plans')).status).toBe(403);
    const subscriber = await partnerKey(platform, ['subscribe'], 'No usage scope');
    await expectEventually(async () => expect((await httpClient(platform.url('metering'), subscriber.key).get('/v1/usage')).status).toBe(403));
    expect((await httpClient(platform.url('metering')).get('/v1/usage')).status).toBe(401);
    expect((await httpClient(platform.url('metering'), 'not-a-token-at-all').get('/v1/usage.csv')).status).toBe(401);
    expect((await finance.post('/v1/plans', { id: 'x', name: 'x', pricePerMillionRecords: '1', pricePerGb: '1' })).status).toBe(403);
  });

  it('serves the finance CLI (npm run usage / npm run invoices)', () => {
    const env = { ...process.env, METERING_URL: platform.url('metering'), FINANCE_TOKEN: String(platform.env.FINANCE_TOKEN) };
    const run = (script: string, args: string[]) => spawnSync(process.execPath, [join(repoRoot(), 'tools/dist/finance', script), ...args], { env, encoding: 'utf8', timeout: 30_000 });
    const csv = run('usage.js', ['--period', '2026-10', '--partner', paris.partnerId, '--format', 'csv']);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^partnerId,partnerName,stream,timezone,/);
    expect(csv.stdout).toContain(`${paris.partnerId},Paris Desk,ticks,Europe/Paris,2026-10-01T00:00:00+02:00,2026-11-01T00:00:00+01:00`);
    const json = run('usage.js', ['--period', '2026-11', '--format', 'json']);
    expect(JSON.parse(json.stdout).some((r: Row) => r.partnerId === paris.partnerId && r.recordsDelivered === 2_501_000)).toBe(true);
    const invoices = run('invoices.js', ['--period', '2026-11']);
    expect(invoices.status).toBe(0);
    expect(invoices.stdout).toContain('Paris Desk');
    expect(invoices.stdout).toMatch(/total\s+\d+\.\d{2} USD/);
    expect(run('usage.js', [])).toMatchObject({ status: 1, stderr: expect.stringContaining('--period YYYY-MM is required') });
  });

  it('refuses malformed plans and periods with 400', async () => {
    expect((await admin.post('/v1/plans', { id: 'bad', name: 'Bad', pricePerMillionRecords: '1e3', pricePerGb: '-1' })).body).toMatchObject({ error: { code: 'INVALID_PLAN' } });
    expect((await admin.post('/v1/plans', { id: 'pro', name: 'Again', pricePerMillionRecords: '1', pricePerGb: '1' })).status).toBe(409);
    expect((await finance.get('/v1/invoices?period=2026-13')).body).toMatchObject({ error: { code: 'INVALID_PERIOD' } });
    expect((await finance.get('/v1/usage?granularity=week')).body).toMatchObject({ error: { code: 'INVALID_QUERY' } });
  });

  it('warns at the soft limit once, and stops subscriptions and HTTP publishes at the hard limit within 5 s', async () => {
    expect((await admin.post('/v1/plans', { id: 'capped', name: 'Capped', pricePerMillionRecords: '1', pricePerGb: '1', softLimitRecords: 30, hardLimitRecords: 60 })).status).toBe(201);
    await createStream(platform, { name: 'metered' });
    const capped = await partnerKey(platform, ['subscribe', 'publish'], 'Capped');
    await platform.admin.patch(`/v1/partners/${capped.partnerId}`, { plan: 'capped' });
    await entitle(platform, capped.partnerId, 'metered', { publish: true });
    const sub = await connect(platform, { apiKey: capped.key });
    await subscribeWhenReady(sub, { stream: 'metered' });
    const publisher = httpClient(platform.url('ingest'), capped.key);
    const publish = (n: number, from: number) => publisher.post('/v1/streams/metered/records', { records: Array.from({ length: n }, (_, i) => ({ data: { i: from + i } })) });
    await expectEventually(async () => expect((await publish(1, 0)).status).toBe(202));
    expect((await publish(39, 1)).status).toBe(202);
    await expectEventually(() => expect(sub.eventsNamed('quota').map((e) => e.payload)).toEqual([{ state: 'soft', used: expect.any(Number), limit: 60 }]), { timeoutMs: 15_000 });
    expect((await publish(30, 40)).status).toBe(202);
    const crossed = await expectEventually(() => {
      expect(sub.records.length).toBeGreaterThanOrEqual(60);
      return Date.now();
    }, { timeoutMs: 15_000, intervalMs: 20 });
    const revoked = await expectEventually(() => {
      const event = sub.eventsNamed('revoked').find((e) => (e.payload as { reason: string }).reason === 'QUOTA_EXCEEDED');
      expect(event).toBeDefined();
      return event!;
    }, { timeoutMs: 10_000, intervalMs: 20 });
    process.stdout.write(`quota hard stop: ${revoked.at - crossed} ms after the limit was delivered\n`);
    expect(revoked.at - crossed).toBeLessThanOrEqual(5_000);
    expect(sub.eventsNamed('quota')).toHaveLength(1);
    await expectEventually(async () => expect(await publish(1, 100)).toMatchObject({ status: 429, body: { error: { code: 'QUOTA_EXCEEDED' } } }));
    expect(await sub.subscribe({ stream: 'metered' })).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
    sub.close();
  });
});
