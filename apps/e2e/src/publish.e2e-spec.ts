import { TopicName, Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader, expectEventually, httpClient, testKafka } from '@streamgate/testing';
import type { HttpClient, TestSubscriber } from '@streamgate/testing';
import { createStream, entitle, partnerKey, subscribed } from './e2e-helpers';

// POST /v1/streams/:stream/records on the ingest process: every status code of the contract.
describe('HTTP publish (ingest)', () => {
  let platform: TestPlatform;
  let publisher: HttpClient;
  let partnerId: string;
  let subscriber: TestSubscriber;
  let reader: TopicReader;

  beforeAll(async () => {
    platform = await startPlatform();
    await createStream(platform, { name: 'telemetry', schema: { type: 'object', required: ['temp'], properties: { temp: { type: 'number' } } } });
    const publish = await partnerKey(platform, ['publish']);
    partnerId = publish.partnerId;
    await entitle(platform, partnerId, 'telemetry', { publish: true });
    publisher = httpClient(platform.url('ingest'), publish.key);
    reader = await TopicReader.start(testKafka('e2e-publish'), [new Topics(platform.prefix).name(TopicName.UsageEvents)]);
    subscriber = await subscribed(platform, { stream: 'telemetry' });
    await expectEventually(async () => expect((await publisher.post('/v1/streams/telemetry/records', { data: { temp: 0 }, id: 'warm-up' })).status).toBe(202));
  });

  afterAll(async () => {
    subscriber?.close();
    await reader?.stop();
    await platform?.stop();
  });

  it('202: accepts one record or a batch after Kafka acknowledged them; they take the Kafka path to subscribers', async () => {
    const one = await publisher.post('/v1/streams/telemetry/records', { data: { temp: 21.5 }, id: 'r-1', key: 'sensor-1', time: '2026-11-28T08:00:00Z' });
    // Ids live in the publisher's namespace: the Envelope id is <partnerId>:<id>.
    expect(one).toMatchObject({ status: 202, body: { accepted: 1, ids: [`${partnerId}:r-1`] } });
    const batch = await publisher.post<{ accepted: number; ids: string[] }>('/v1/streams/telemetry/records', {
      records: [{ data: { temp: 1 }, key: 'sensor-2' }, { data: { temp: 2 }, key: 'sensor-2' }],
    });
    expect(batch.status).toBe(202);
    expect(batch.body.accepted).toBe(2);
    const ids = [`${partnerId}:r-1`, ...batch.body.ids];
    await expectEventually(() => expect(ids.every((id) => subscriber.ids().includes(id))).toBe(true), { timeoutMs: 30_000 });
    expect(subscriber.records.find((r) => r.id === `${partnerId}:r-1`)).toMatchObject({ key: 'sensor-1', time: '2026-11-28T08:00:00.000Z', data: { temp: 21.5 } });
    const sensor2 = subscriber.records.filter((r) => r.key === 'sensor-2').map((r) => r.data.temp);
    expect(sensor2).toEqual([1, 2]);
  });

  it('emits publish usage for the partner to usage.events', async () => {
    await publisher.post('/v1/streams/telemetry/records', { records: [{ data: { temp: 5 } }, { data: { temp: 6 } }, { data: { temp: 7 } }] });
    const usage = await expectEventually(() => {
      const events = reader.payloads(new Topics(platform.prefix), TopicName.UsageEvents).filter((e) => e.counters.recordsPublished === 3);
      expect(events).toHaveLength(1);
      return events[0]!;
    });
    expect(usage).toMatchObject({ partnerId, stream: 'telemetry', source: 'ingest', counters: { recordsPublished: 3, bytesPublished: 3 * '{"temp":5}'.length } });
    expect(usage.id).toMatch(/^publish:/);
  });

  it('400 for malformed JSON, an empty body, and bad records listed by index (nothing published)', async () => {
    const malformed = await publisher.post('/v1/streams/telemetry/records', '{"data": {"temp": ');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect((await publisher.post('/v1/streams/telemetry/records', { records: [] })).status).toBe(400);
    const bad = await publisher.post('/v1/streams/telemetry/records', {
      records: [{ data: { temp: 1 }, id: 'never-1' }, { data: { temp: 'hot' } }, { data: 'x' }, { data: { temp: 1 }, time: 'soon' }],
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'INVALID_RECORDS',
          details: [
            { index: 1, reason: 'SCHEMA_VIOLATION', detail: '/temp must be number' },
            { index: 2, reason: 'INVALID_RECORD' },
            { index: 3, reason: 'BAD_HEADER' },
          ],
        },
      },
    });
    await publisher.post('/v1/streams/telemetry/records', { data: { temp: 3 }, id: 'after-bad' });
    await expectEventually(() => expect(subscriber.ids()).toContain(`${partnerId}:after-bad`), { timeoutMs: 30_000 });
    expect(subscriber.ids()).not.toContain(`${partnerId}:never-1`);
  });

  it('401 without a key, with an unknown one, or a revoked one; 403 without the publish scope', async () => {
    const path = '/v1/streams/telemetry/records';
    const body = { data: { temp: 1 } };
    expect(await httpClient(platform.url('ingest')).post(path, body)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect((await httpClient(platform.url('ingest'), 'sg_live_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').post(path, body)).status).toBe(401);
    const subscribeOnly = await partnerKey(platform, ['subscribe'], 'Reader');
    await expectEventually(async () =>
      expect(await httpClient(platform.url('ingest'), subscribeOnly.key).post(path, body)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } }),
    );
    const revoked = await partnerKey(platform, ['publish'], 'Soon revoked');
    await entitle(platform, revoked.partnerId, 'telemetry', { publish: true });
    const client = httpClient(platform.url('ingest'), revoked.key);
    await expectEventually(async () => expect((await client.post(path, body)).status).toBe(202));
    expect((await platform.admin.delete(`/v1/partners/${revoked.partnerId}/keys/${revoked.keyId}`)).status).toBe(204);
    await expectEventually(async () => expect((await client.post(path, body)).status).toBe(401), { timeoutMs: 2_000 });
  });

  it('404 for an unknown stream', async () => {
    expect(await publisher.post('/v1/streams/nope/records', { data: {} })).toMatchObject({ status: 404, body: { error: { code: 'STREAM_NOT_FOUND' } } });
  });

  it('413 above 500 records or 5 MiB', async () => {
    const many = await publisher.post('/v1/streams/telemetry/records', { records: Array.from({ length: 501 }, () => ({ data: { temp: 1 } })) });
    expect(many).toMatchObject({ status: 413, body: { error: { code: 'TOO_MANY_RECORDS' } } });
    const huge = await publisher.post('/v1/streams/telemetry/records', { records: [{ data: { temp: 1, pad: 'x'.repeat(5 * 1024 * 1024) } }] });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
