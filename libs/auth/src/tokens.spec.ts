import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { TokenError, generateTokenSeed, mintToken, tokenKeys, verifyToken } from './tokens';

const grant = { partnerId: 'ptn_1', keyId: 'abc123def456', streams: ['trades'] };

describe('subscription tokens', () => {
  const keys = tokenKeys(generateTokenSeed());

  it('round-trip the grant with its expiry', async () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const { token, expiresAt } = await mintToken(keys.privateKey, grant, 900, now);
    expect(expiresAt.toISOString()).toBe('2026-11-28T12:15:00.000Z');
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(await verifyToken(keys.publicKey, token, now)).toEqual({ ...grant, expiresAt });
  });

  it('are TOKEN_EXPIRED after their expiry', async () => {
    const { token } = await mintToken(keys.privateKey, grant, 60, new Date('2026-11-28T12:00:00Z'));
    await expect(verifyToken(keys.publicKey, token, new Date('2026-11-28T12:01:01Z'))).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('are UNAUTHORIZED when tampered with, signed by another key, or not tokens at all', async () => {
    const { token } = await mintToken(keys.privateKey, grant, 60);
    const [header, payload, signature] = token.split('.');
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), streams: ['*'] })).toString('base64url');
    const other = tokenKeys(generateTokenSeed());
    const foreign = (await mintToken(other.privateKey, grant, 60)).token;
    const rsa = await new SignJWT({ streams: [], key: 'k' }).setProtectedHeader({ alg: 'RS256' }).setSubject('p').setExpirationTime('1h').sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    for (const bad of [`${header}.${widened}.${signature}`, foreign, rsa, 'garbage', '']) {
      const error = await verifyToken(keys.publicKey, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenError);
      expect((error as TokenError).code).toBe('UNAUTHORIZED');
    }
  });

  it('need a 32-byte seed', () => {
    expect(() => tokenKeys('too-short')).toThrow(/32 random bytes/);
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
