import { API_KEY_PATTERN, parseApiKey } from '@streamgate/contracts';
import type { ApiKeyRecord } from '@streamgate/contracts';
import { verifyApiKey } from './key-verifier';
import { bearerToken, constantTimeEqual, generateApiKey, hashApiKey } from './secrets';

describe('API keys', () => {
  it('look like sg_live_<id>_<256-bit secret> and are stored only as a SHA-256', () => {
    const key = generateApiKey();
    expect(key.key).toMatch(API_KEY_PATTERN);
    expect(parseApiKey(key.key)).toEqual({ keyId: key.id });
    expect(Buffer.from(API_KEY_PATTERN.exec(key.key)![2]!, 'base64url')).toHaveLength(32);
    expect(key.hash).toBe(hashApiKey(key.key));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.prefix.startsWith(`sg_live_${key.id}_`)).toBe(true);
    expect(key.key.startsWith(key.prefix.slice(0, -1))).toBe(true);
    expect(generateApiKey().key).not.toBe(key.key);
  });

  it('verify by id and hash, with the scope', () => {
    const key = generateApiKey();
    const record: ApiKeyRecord = { id: key.id, partnerId: 'p1', hash: key.hash, scopes: ['publish'], createdAt: '' };
    const lookup = (id: string) => (id === key.id ? record : undefined);
    expect(verifyApiKey(key.key, lookup, 'publish')).toEqual({ ok: true, key: record });
    expect(verifyApiKey(key.key, lookup, 'subscribe')).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    const forged = `${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [undefined, '', 'nonsense', forged, generateApiKey().key]) {
      expect(verifyApiKey(bad, lookup, 'publish')).toMatchObject({ ok: false, reason: 'UNAUTHORIZED', message: 'missing, unknown or revoked API key' });
    }
  });
});

describe('secrets', () => {
  it('compare in constant time regardless of length', () => {
    expect(constantTimeEqual('admin-token-123456', 'admin-token-123456')).toBe(true);
    expect(constantTimeEqual('admin-token-123457', 'admin-token-123456')).toBe(false);
    expect(constantTimeEqual('short', 'admin-token-123456')).toBe(false);
  });

  it('read a bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
