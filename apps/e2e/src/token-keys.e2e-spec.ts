import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTokenSeed, mintToken, signingKey } from '@streamgate/auth';
import { AppProcess, startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TestSubscriber, expectEventually, httpClient } from '@streamgate/testing';
import { createStream, entitle, partnerKey } from './e2e-helpers';

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid?: string };

// Delivery, the internet-facing app, verifies subscription tokens with public keys only; the
// signing key lives in access-control and rotates with an overlap, logging no partner out.
describe('token keys: delivery holds public keys only, the signing key rotates', () => {
  const seeds = { previous: generateTokenSeed(), next: generateTokenSeed() };
  const previous = signingKey(seeds.previous);
  const next = signingKey(seeds.next);
  let platform: TestPlatform;
  let partner: { partnerId: string; key: string; keyId: string };
  const restarted: AppProcess[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control', 'delivery'], env: { TOKEN_SIGNING_KEY: seeds.previous, TOKEN_VERIFY_KEYS: previous.verifyEntry } });
    await createStream(platform, { name: 'feed' });
    partner = await partnerKey(platform, ['subscribe'], 'Token holder');
    await entitle(platform, partner.partnerId, 'feed');
  });

  afterAll(async () => {
    await Promise.all(restarted.map((app) => app.stop()));
    await platform?.stop();
  });

  const mint = async () => {
    const res = await httpClient(platform.url('access-control'), partner.key).post<{ token: string }>('/v1/tokens', { ttlSeconds: 600 });
    expect(res.status).toBe(201);
    return res.body.token;
  };
  const attempt = (token: string) => TestSubscriber.connect(platform.url('delivery'), { token }).then((s) => (s.close(), 'connected'), (e: Error) => e.message);
  // Swaps an app for a new process on the same port with other settings, as a rolling deploy would.
  const redeploy = async (app: 'access-control' | 'delivery', env: NodeJS.ProcessEnv) => {
    const old = [...restarted].reverse().find((p) => p.app === app) ?? platform.apps[app];
    await old.stop();
    const fresh = new AppProcess({ app, env: { ...platform.env, ...env }, port: old.port, output: join(platform.logDir, `${app}-${restarted.length + 1}.log`) });
    await fresh.start();
    restarted.push(fresh);
  };

  it('runs delivery without the signing key, and delivery refuses to start with it', () => {
    const environ = (pid: number | undefined) => readFileSync(`/proc/${pid}/environ`, 'utf8');
    const delivery = environ(platform.apps.delivery.pid);
    expect(delivery).toContain(`TOKEN_VERIFY_KEYS=${previous.verifyEntry}`);
    expect(delivery).not.toContain('TOKEN_SIGNING_KEY');
    expect(delivery).not.toContain(seeds.previous);
    expect(environ(platform.apps['access-control'].pid)).toContain(`TOKEN_SIGNING_KEY=${seeds.previous}`);
    // access-control announces the public half (safe to log) for delivery's verify set.
    expect(readFileSync(join(platform.logDir, 'access-control.log'), 'utf8')).toContain(`"verifyKey":"${previous.verifyEntry}"`);

    const start = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [AppProcess.entryPoint('delivery')], { env: { PATH: process.env.PATH, PORT: '0', ...env }, encoding: 'utf8', timeout: 30_000 });
    const withSeed = start({ TOKEN_SIGNING_KEY: seeds.previous, TOKEN_VERIFY_KEYS: previous.verifyEntry });
    expect(withSeed.status).toBe(1);
    expect(withSeed.stderr).toContain('TOKEN_SIGNING_KEY=<redacted> is invalid: delivery must not hold the token signing key');
    expect(withSeed.stderr).not.toContain(seeds.previous);
    const wrongKid = start({ TOKEN_VERIFY_KEYS: `${next.kid}:${previous.verifyEntry.split(':')[1]}` });
    expect(wrongKid.status).toBe(1);
    expect(wrongKid.stderr).toContain('TOKEN_VERIFY_KEYS');
    expect(wrongKid.stderr).toContain("the key id is not its key's");
  });

  it('rotates: new key added to delivery, then access-control switched, old tokens work until the old key is removed', async () => {
    const old = await mint();
    expect(headerOf(old).kid).toBe(previous.kid);
    await expectEventually(async () => expect(await attempt(old)).toBe('connected'));

    // 1. delivery learns the next key while the previous one stays.
    await redeploy('delivery', { TOKEN_VERIFY_KEYS: `${previous.verifyEntry},${next.verifyEntry}` });
    expect(await attempt(old)).toBe('connected');

    // 2. access-control signs with the next key; tokens already out keep working.
    await redeploy('access-control', { TOKEN_SIGNING_KEY: seeds.next });
    const fresh = await mint();
    expect(headerOf(fresh).kid).toBe(next.kid);
    expect(await attempt(fresh)).toBe('connected');
    expect(await attempt(old)).toBe('connected');

    // 3. after the longest token lifetime, the previous key goes: its tokens end, the new ones live.
    await redeploy('delivery', { TOKEN_VERIFY_KEYS: next.verifyEntry });
    expect(await attempt(old)).toBe('UNAUTHORIZED');
    expect(await attempt(fresh)).toBe('connected');

    // A token from a key delivery does not list is refused, even when it claims a listed kid.
    const stranger = signingKey(generateTokenSeed());
    const forged = await mintToken({ ...stranger, kid: next.kid }, { partnerId: partner.partnerId, keyId: partner.keyId, streams: ['feed'] }, 600);
    expect(await attempt(forged.token)).toBe('UNAUTHORIZED');
  });
});
