import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseApiKey } from '@streamgate/contracts';

/**
 * Compares two secrets in time independent of where they differ. Both sides are hashed first
 * so that the comparison also does not reveal the expected length.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * SHA-256 of the whole key. Keys carry a 256-bit random secret, so a fast hash is enough: there
 * is nothing to guess, and a slow KDF (bcrypt, argon2) would only cost CPU on every handshake.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface NewApiKey {
  id: string;
  key: string;
  hash: string;
  /** Shown in listings: identifies the key without revealing it. */
  prefix: string;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `sg_live_<12-char id>_<43-char base64url of 32 random bytes>`. */
export function generateApiKey(): NewApiKey {
  const idBytes = randomBytes(12);
  const id = Array.from(idBytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  const key = `sg_live_${id}_${secret}`;
  return { id, key, hash: hashApiKey(key), prefix: `sg_live_${id}_${secret.slice(0, 4)}…` };
}

/** The bearer credential of an `Authorization` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export { parseApiKey };
