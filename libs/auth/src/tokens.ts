import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';

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
// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 key pair from TOKEN_SIGNING_KEY: the base64url of a 32-byte random seed. */
export function tokenKeys(seed: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const bytes = Buffer.from(seed, 'base64url');
  if (bytes.length !== 32) throw new Error('TOKEN_SIGNING_KEY must be the base64url of 32 random bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, bytes]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function generateTokenSeed(): string {
  return randomBytes(32).toString('base64url');
}

/** Signs a subscription token (EdDSA, JWT). */
export async function mintToken(privateKey: KeyObject, grant: Omit<SubscriptionToken, 'expiresAt'>, ttlSeconds: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
  const token = await new SignJWT({ streams: grant.streams, key: grant.keyId })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(grant.partnerId)
    .setJti(randomBytes(12).toString('base64url'))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(privateKey);
  return { token, expiresAt };
}

/** Verifies signature, issuer, audience and expiry locally; no call to access-control. */
export async function verifyToken(publicKey: KeyObject, token: string, now = new Date()): Promise<SubscriptionToken> {
  try {
    const { payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], currentDate: now });
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
