import type { SubscribeRequest } from '@streamgate/contracts';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, httpClient } from '@streamgate/testing';

/** Creates a stream through the admin API and fails the test with the API's answer if refused. */
export async function createStream(platform: TestPlatform, definition: Record<string, unknown>): Promise<void> {
  const res = await platform.admin.post('/v1/streams', definition);
  if (res.status !== 201) throw new Error(`POST /v1/streams → ${res.status} ${JSON.stringify(res.body)}`);
}

/** Creates a partner and a key with the given scopes. */
export async function partnerKey(platform: TestPlatform, scopes: string[], name = 'Acme Partner'): Promise<{ partnerId: string; key: string; keyId: string }> {
  const partner = await platform.admin.post<{ id: string }>('/v1/partners', { name });
  if (partner.status !== 201) throw new Error(`POST /v1/partners → ${partner.status} ${JSON.stringify(partner.body)}`);
  const key = await platform.admin.post<{ id: string; key: string }>(`/v1/partners/${partner.body.id}/keys`, { scopes });
  if (key.status !== 201) throw new Error(`POST keys → ${key.status} ${JSON.stringify(key.body)}`);
  return { partnerId: partner.body.id, key: key.body.key, keyId: key.body.id };
}

export async function entitle(platform: TestPlatform, partnerId: string, stream: string, policy: Record<string, unknown> = {}): Promise<void> {
  const res = await platform.admin.put(`/v1/partners/${partnerId}/entitlements/${stream}`, policy);
  if (res.status !== 200) throw new Error(`PUT entitlement → ${res.status} ${JSON.stringify(res.body)}`);
}

/** Connects with the credentials once delivery has learned them (control topics take a moment). */
export async function connect(platform: TestPlatform, auth: Record<string, string>): Promise<TestSubscriber> {
  return expectEventually(() => TestSubscriber.connect(platform.url('delivery'), auth));
}

/** Subscribes once delivery has learned the stream and the entitlement. */
export async function subscribeWhenReady(subscriber: TestSubscriber, request: SubscribeRequest): Promise<void> {
  await expectEventually(async () => expect(await subscriber.subscribe(request)).toMatchObject({ ok: true }));
}

/** A subscriber of a partner entitled to the whole stream, subscribed. */
export async function subscribed(platform: TestPlatform, request: SubscribeRequest, policy: Record<string, unknown> = {}): Promise<TestSubscriber> {
  const { partnerId, key } = await partnerKey(platform, ['subscribe'], `Viewer of ${request.stream}`);
  await entitle(platform, partnerId, request.stream, policy);
  const subscriber = await connect(platform, { apiKey: key });
  await subscribeWhenReady(subscriber, request);
  return subscriber;
}

/** A row of GET /v1/usage, with the counters these tests read. */
export interface CurrentUsageRow {
  partnerId: string;
  stream: string | null;
  recordsDelivered: number;
  bytesDelivered: number;
}

/** Metering's usage rows of this month ± a day (finance token), optionally for one stream. */
export async function currentUsage(platform: TestPlatform, stream?: string): Promise<CurrentUsageRow[]> {
  const finance = httpClient(platform.url('metering'), String(platform.env.FINANCE_TOKEN));
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const res = await finance.get<CurrentUsageRow[]>(`/v1/usage?granularity=month${stream ? `&stream=${stream}` : ''}&from=${from}&to=${to}`);
  if (res.status !== 200) throw new Error(`GET /v1/usage → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
