import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { KNOWN_DEFAULT_SECRETS } from '@streamgate/config';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { generateTokenSeed, keyId, parseVerifyKeys, signingKey } from './token-keys';
import type { SigningKey } from './token-keys';
import { TokenError, mintToken, verifyToken } from './tokens';

const grant = { partnerId: 'ptn_1', keyId: 'abc123def456', streams: ['trades'] };
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
const verifySet = (...keys: SigningKey[]) => parseVerifyKeys(keys.map((k) => k.verifyEntry).join(','));
const refusal = (promise: Promise<unknown>) => promise.then(() => 'accepted', (e: unknown) => (e instanceof TokenError ? e.code : `not a TokenError: ${String(e)}`));

describe('subscription tokens', () => {
  const key = signingKey(generateTokenSeed());
  const keys = verifySet(key);

  it('round-trip the grant with its expiry, and name their key in the header', async () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const { token, expiresAt } = await mintToken(key, grant, 900, now);
    expect(expiresAt.toISOString()).toBe('2026-11-28T12:15:00.000Z');
    expect(token.split('.')).toHaveLength(3);
    expect(headerOf(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: key.kid });
    expect(await verifyToken(keys, token, now)).toEqual({ ...grant, expiresAt });
  });

  it('are TOKEN_EXPIRED after their expiry', async () => {
    const { token } = await mintToken(key, grant, 60, new Date('2026-11-28T12:00:00Z'));
    await expect(verifyToken(keys, token, new Date('2026-11-28T12:01:01Z'))).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('are UNAUTHORIZED when tampered with, signed by another key, or not tokens at all', async () => {
    const { token } = await mintToken(key, grant, 60);
    const [header, payload, signature] = token.split('.');
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), streams: ['*'] })).toString('base64url');
    const foreign = (await mintToken(signingKey(generateTokenSeed()), grant, 60)).token;
    const rsa = await new SignJWT({ streams: [], key: 'k' }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).setSubject('p').setExpirationTime('1h').sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    for (const bad of [`${header}.${widened}.${signature}`, foreign, rsa, 'garbage', '']) {
      expect(await refusal(verifyToken(keys, bad))).toBe('UNAUTHORIZED');
    }
  });
});

describe('token key rotation', () => {
  const previous = signingKey(generateTokenSeed());
  const current = signingKey(generateTokenSeed());

  it('derives a stable 16-character key id from the public key (RFC 7638 thumbprint)', () => {
    const seed = generateTokenSeed();
    expect(signingKey(seed).kid).toBe(signingKey(seed).kid);
    expect(signingKey(seed).kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(previous.kid).not.toBe(current.kid);
    // RFC 8037 A.3: the thumbprint of the RFC's example Ed25519 key.
    expect(keyId('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo')).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'.slice(0, 16));
    expect(current.verifyEntry).toMatch(new RegExp(`^${current.kid}:[A-Za-z0-9_-]{43}$`));
  });

  it('accepts tokens of every key in the verify set, so both keys work during the overlap', async () => {
    const both = verifySet(previous, current);
    const old = await mintToken(previous, grant, 60);
    const fresh = await mintToken(current, grant, 60);
    expect(headerOf(fresh.token).kid).toBe(current.kid);
    expect(await verifyToken(both, old.token)).toMatchObject(grant);
    expect(await verifyToken(both, fresh.token)).toMatchObject(grant);
    // Once the previous key is removed, its tokens end.
    expect(await refusal(verifyToken(verifySet(current), old.token))).toBe('UNAUTHORIZED');
  });

  it('refuses an unknown kid, a missing kid, and a known kid on a token another key signed', async () => {
    const keys = verifySet(previous, current);
    const stranger = signingKey(generateTokenSeed());
    const unknownKid = await mintToken(stranger, grant, 60);
    const claimsCurrent = await mintToken({ ...stranger, kid: current.kid }, grant, 60);
    const noKid = await new SignJWT({ streams: ['trades'], key: 'k' }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('streamgate').setAudience('streamgate-delivery').setSubject('p').setExpirationTime('1h').sign(current.privateKey);
    for (const token of [unknownKid.token, claimsCurrent.token, noKid]) {
      expect(await refusal(verifyToken(keys, token))).toBe('UNAUTHORIZED');
    }
  });

  it('parses TOKEN_VERIFY_KEYS strictly', () => {
    const keys = parseVerifyKeys(` ${previous.verifyEntry} , ${current.verifyEntry},`);
    expect([...keys.keys()]).toEqual([previous.kid, current.kid]);
    const [kid, x] = current.verifyEntry.split(':');
    expect(() => parseVerifyKeys('')).toThrow(/at least one/);
    expect(() => parseVerifyKeys(x!)).toThrow(/^entry 1 is not <kid>:<base64url of a 32-byte Ed25519 public key>$/);
    expect(() => parseVerifyKeys(`${current.verifyEntry},${kid}:${x!.slice(1)}`)).toThrow(/^entry 2 is not <kid>/);
    expect(() => parseVerifyKeys(`${previous.kid}:${x}`)).toThrow(`entry 1: the key id is not its key's (that is "${kid}")`);
    // A seed pasted here by mistake is never echoed.
    const seed = generateTokenSeed();
    expect(() => parseVerifyKeys(seed)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(seed) }));
    const published = signingKey(KNOWN_DEFAULT_SECRETS.find((s) => /^[A-Za-z0-9_-]{43}$/.test(s))!);
    expect(() => parseVerifyKeys(published.verifyEntry)).toThrow(/published seed/);
  });

  it('need a 32-byte seed', () => {
    expect(() => signingKey('too-short')).toThrow(/32 random bytes/);
    expect(() => signingKey(`${generateTokenSeed()}A`)).toThrow(/32 random bytes/);
  });
});

describe('FailedAuthLimiter', () => {
  it('refuses an address after too many failures until its window ends', () => {
    const limiter = new FailedAuthLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('10.0.0.1', 0)).toBe(0);
      limiter.fail('10.0.0.1', 0);
    }
    expect(limiter.retryAfter('10.0.0.1', 1_000)).toBe(59);
    expect(limiter.retryAfter('10.0.0.2', 1_000)).toBe(0);
    expect(limiter.retryAfter('10.0.0.1', 60_000)).toBe(0);
  });

  it('keeps at most maxClients addresses', () => {
    const limiter = new FailedAuthLimiter(1, 60_000, 100);
    for (let i = 0; i < 1_000; i++) limiter.fail(`a${i}`, 0);
    expect(limiter.retryAfter('a999', 1)).toBeGreaterThan(0);
    expect(limiter.retryAfter('a0', 1)).toBe(0);
  });
});
