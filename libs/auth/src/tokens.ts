import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import type { SigningKey, VerifyKeys } from './token-keys';

/** What a subscription token grants: a partner's key, narrowed to some streams, until `expiresAt`. */
export interface SubscriptionToken {
  partnerId: string;
  /** The API key it was minted from: revoking that key invalidates the token. */
  keyId: string;
  streams: string[];
  expiresAt: Date;
}

export const TOKEN_TTL = { defaultSeconds: 15 * 60, maxSeconds: 24 * 60 * 60 };

export class TokenError extends Error {
  constructor(
    readonly code: 'UNAUTHORIZED' | 'TOKEN_EXPIRED',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

const ISSUER = 'streamgate';
const AUDIENCE = 'streamgate-delivery';

/** Signs a subscription token (EdDSA, JWT) and names the key in the header (`kid`). */
export async function mintToken(key: SigningKey, grant: Omit<SubscriptionToken, 'expiresAt'>, ttlSeconds: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
  const token = await new SignJWT({ streams: grant.streams, key: grant.keyId })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(grant.partnerId)
    .setJti(randomBytes(12).toString('base64url'))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key.privateKey);
  return { token, expiresAt };
}

/**
 * Verifies signature, issuer, audience and expiry locally; no call to access-control. The key is
 * the one the header's `kid` names in `keys`: a token without a kid, or naming a key not in the
 * set, is refused without trying the others.
 */
export async function verifyToken(keys: VerifyKeys, token: string, now = new Date()): Promise<SubscriptionToken> {
  try {
    const keyOf = (header: { kid?: string }) => {
      const key = header.kid === undefined ? undefined : keys.get(header.kid);
      if (!key) throw new TokenError('UNAUTHORIZED', 'the token is signed by an unknown key');
      return key;
    };
    const { payload } = await jwtVerify(token, keyOf, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], currentDate: now });
    const streams = payload.streams;
    if (typeof payload.sub !== 'string' || typeof payload.key !== 'string' || !Array.isArray(streams) || !streams.every((s) => typeof s === 'string') || !payload.exp) {
      throw new TokenError('UNAUTHORIZED', 'malformed token');
    }
    return { partnerId: payload.sub, keyId: payload.key, streams: streams as string[], expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError('TOKEN_EXPIRED', 'the token has expired');
    throw new TokenError('UNAUTHORIZED', 'invalid token');
  }
}
