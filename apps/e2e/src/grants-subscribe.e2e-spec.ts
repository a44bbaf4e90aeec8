import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, httpClient } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey } from './e2e-helpers';

// The subscribe half of the grants (delivery's side of issue 12): an entitlement with
// `subscribe: false` lets a partner publish but not read the stream.
describe('publish-only partner (subscribe: false)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startPlatform();
    await createStream(platform, { name: 'feed' });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('may publish but is refused a subscription with NOT_ENTITLED', async () => {
    const partner = await partnerKey(platform, ['publish', 'subscribe'], 'Publish only');
    await entitle(platform, partner.partnerId, 'feed', { publish: true, subscribe: false });
    const publisher = httpClient(platform.url('ingest'), partner.key);
    await expectEventually(async () => expect((await publisher.post('/v1/streams/feed/records', { data: { n: 1 } })).status).toBe(202));
    const socket = await connect(platform, { apiKey: partner.key });
    try {
      expect(await socket.subscribe({ stream: 'feed' })).toMatchObject({ ok: false, error: { code: 'NOT_ENTITLED' } });
    } finally {
      socket.close();
    }
  });

  it('gets no subscription token for a publish-only stream', async () => {
    const partner = await partnerKey(platform, ['publish', 'subscribe'], 'Publish only, tokens');
    await entitle(platform, partner.partnerId, 'feed', { publish: true, subscribe: false });
    const tokens = httpClient(platform.url('access-control'), partner.key);
    const named = await tokens.post('/v1/tokens', { streams: ['feed'] });
    expect(named).toMatchObject({ status: 403, body: { error: { code: 'NOT_ENTITLED' } } });
    const all = await tokens.post('/v1/tokens', {});
    expect(all).toMatchObject({ status: 403, body: { error: { code: 'NOT_ENTITLED' } } });
  });

  it('refuses a token request without a valid key before reading the body', async () => {
    const anonymous = httpClient(platform.url('access-control'), 'sg_live_nope');
    expect(await anonymous.post('/v1/tokens', { streams: ['feed'] })).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });
});
