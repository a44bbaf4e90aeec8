import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually } from '@streamgate/testing';
import type { SubscribeRequest } from '@streamgate/contracts';

/** Creates a stream through the admin API and fails the test with the API's answer if refused. */
export async function createStream(platform: TestPlatform, definition: Record<string, unknown>): Promise<void> {
  const res = await platform.admin.post('/v1/streams', definition);
  if (res.status !== 201) throw new Error(`POST /v1/streams → ${res.status} ${JSON.stringify(res.body)}`);
}

/** A subscriber whose subscription was acknowledged (delivery may learn the stream a moment later). */
export async function subscribed(platform: TestPlatform, request: SubscribeRequest, auth: Record<string, string> = {}): Promise<TestSubscriber> {
  const subscriber = await TestSubscriber.connect(platform.url('delivery'), auth);
  await expectEventually(async () => expect(await subscriber.subscribe(request)).toMatchObject({ ok: true }));
  return subscriber;
}

/** Creates a partner and a key with the given scopes; returns the key string. */
export async function partnerKey(platform: TestPlatform, scopes: string[], name = 'Acme Partner'): Promise<{ partnerId: string; key: string; keyId: string }> {
  const partner = await platform.admin.post<{ id: string }>('/v1/partners', { name });
  if (partner.status !== 201) throw new Error(`POST /v1/partners → ${partner.status} ${JSON.stringify(partner.body)}`);
  const key = await platform.admin.post<{ id: string; key: string }>(`/v1/partners/${partner.body.id}/keys`, { scopes });
  if (key.status !== 201) throw new Error(`POST keys → ${key.status} ${JSON.stringify(key.body)}`);
  return { partnerId: partner.body.id, key: key.body.key, keyId: key.body.id };
}
