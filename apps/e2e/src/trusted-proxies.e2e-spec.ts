import { io } from 'socket.io-client';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually } from '@streamgate/testing';
import { createStream, entitle, partnerKey } from './e2e-helpers';

const ATTACKER = '203.0.113.7';
const PARTNER = '203.0.113.8';

/** A Socket.IO handshake as a proxy forwards it: 'connected' or the connect_error code. */
function handshake(platform: TestPlatform, auth: Record<string, string>, forwardedFor: string): Promise<string> {
  const socket = io(platform.url('delivery'), { auth, transports: ['websocket'], extraHeaders: { 'x-forwarded-for': forwardedFor }, reconnection: false, timeout: 10_000 });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  }).finally(() => socket.close());
}

/** GET on the admin API as forwarded for `forwardedFor`: the status. */
async function adminGet(platform: TestPlatform, token: string, forwardedFor: string, path = '/v1/streams'): Promise<number> {
  const res = await fetch(`${platform.url('access-control')}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': forwardedFor } });
  await res.arrayBuffer();
  return res.status;
}

async function partnerReady(platform: TestPlatform): Promise<string> {
  await createStream(platform, { name: 'feed' });
  const partner = await partnerKey(platform, ['subscribe'], 'Forwarded partner');
  await entitle(platform, partner.partnerId, 'feed');
  // Delivery knows the key (from any address) before anyone fails.
  await expectEventually(async () => expect(await handshake(platform, { apiKey: partner.key }, '198.51.100.1')).toBe('connected'));
  return partner.key;
}

// Behind a proxy every client reaches the apps from the proxy's address. With TRUSTED_PROXIES
// the failed-auth limits key on the real client from X-Forwarded-For, so one attacker locks out
// only itself; without it the header is ignored, so nobody can pick an address to be limited as.
describe('TRUSTED_PROXIES=loopback: limits per real client behind the proxy', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'delivery', 'ingest'], env: { TRUSTED_PROXIES: 'loopback', AUTH_FAILURES_PER_MINUTE: '10' } });
    key = await partnerReady(platform);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('HTTP: 11 bad attempts forwarded for one address limit that address only, and the audit names the real client', async () => {
    const admin = String(platform.env.ADMIN_TOKEN);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await adminGet(platform, 'wrong-admin-token-000', ATTACKER));
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    expect(await adminGet(platform, admin, ATTACKER)).toBe(429);
    // The attacker cannot escape by naming another address: the proxy appends the real one.
    expect(await adminGet(platform, admin, `${PARTNER}, ${ATTACKER}`)).toBe(429);
    expect(await adminGet(platform, admin, PARTNER)).toBe(200);

    const created = await fetch(`${platform.url('access-control')}/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'x-forwarded-for': PARTNER, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Audited' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const audit = await platform.admin.get<Array<{ actor: string; targetId: string }>>(`/v1/audit?targetType=partner&targetId=${id}`);
    expect(audit.body.map((e) => e.actor)).toEqual([`admin@${PARTNER}`]);
  });

  it('HTTP publish: 11 bad keys forwarded for one address limit that address only', async () => {
    const publish = async (forwardedFor: string) => {
      const res = await fetch(`${platform.url('ingest')}/v1/streams/feed/records`, {
        method: 'POST',
        headers: { authorization: 'Bearer sg_live_000000000000_guess', 'x-forwarded-for': forwardedFor, 'content-type': 'application/json' },
        body: JSON.stringify({ data: {} }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await publish(ATTACKER));
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    expect(await publish(PARTNER)).toBe(401);
  });

  it('Socket.IO: 11 bad handshakes forwarded for one address limit that address only', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) codes.push(await handshake(platform, { apiKey: 'bad' }, ATTACKER));
    expect(codes).toEqual([...Array<string>(10).fill('UNAUTHORIZED'), 'RATE_LIMITED']);
    expect(await handshake(platform, { apiKey: key }, ATTACKER)).toBe('RATE_LIMITED');
    expect(await handshake(platform, { apiKey: key }, `${PARTNER}, ${ATTACKER}`)).toBe('RATE_LIMITED');
    expect(await handshake(platform, { apiKey: key }, PARTNER)).toBe('connected');
  });
});

describe('without TRUSTED_PROXIES: X-Forwarded-For is ignored', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'delivery'], env: { TRUSTED_PROXIES: '', AUTH_FAILURES_PER_MINUTE: '3' } });
    key = await partnerReady(platform);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('counts failures per TCP peer on HTTP and Socket.IO, whatever address the header names', async () => {
    for (let i = 0; i < 3; i++) expect(await adminGet(platform, 'wrong-admin-token-000', ATTACKER)).toBe(401);
    expect(await adminGet(platform, String(platform.env.ADMIN_TOKEN), PARTNER)).toBe(429);

    for (let i = 0; i < 3; i++) expect(await handshake(platform, { apiKey: 'bad' }, ATTACKER)).toBe('UNAUTHORIZED');
    expect(await handshake(platform, { apiKey: key }, PARTNER)).toBe('RATE_LIMITED');
  });
});
