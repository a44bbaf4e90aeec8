import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { KNOWN_DEFAULT_SECRETS } from '@streamgate/config';

/**
 * Token key material. access-control holds one signing key (TOKEN_SIGNING_KEY, the base64url of
 * a 32-byte Ed25519 seed); verifiers hold only public keys (TOKEN_VERIFY_KEYS, a comma-separated
 * list of `<kid>:<base64url of the raw 32-byte public key>`). The key id is derived from the
 * public key, so nobody invents ids and a list entry cannot name the wrong key.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** This key's TOKEN_VERIFY_KEYS entry, `<kid>:<public key>`: public, safe to log and share. */
  verifyEntry: string;
}

/** Verification keys by key id. */
export type VerifyKeys = ReadonlyMap<string, KeyObject>;

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const RAW_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The key id of an Ed25519 public key: the first 16 characters of its RFC 7638 JWK thumbprint
 * (base64url SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":"<public key>"}`), 96 bits.
 */
export function keyId(publicKey: string): string {
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: publicKey })).digest('base64url').slice(0, 16);
}

export function generateTokenSeed(): string {
  return randomBytes(32).toString('base64url');
}

/** The signing key of a TOKEN_SIGNING_KEY seed, with its key id and public verification entry. */
export function signingKey(seed: string): SigningKey {
  const bytes = Buffer.from(seed, 'base64url');
  if (!RAW_KEY.test(seed) || bytes.length !== 32) throw new Error('TOKEN_SIGNING_KEY must be the base64url of 32 random bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, bytes]), format: 'der', type: 'pkcs8' });
  const x = String(createPublicKey(privateKey).export({ format: 'jwk' }).x);
  const kid = keyId(x);
  return { kid, privateKey, verifyEntry: `${kid}:${x}` };
}

// Public keys of seeds that were ever published: a verifier trusting one would accept tokens
// anybody can mint.
const PUBLISHED_PUBLIC_KEYS = new Set(
  KNOWN_DEFAULT_SECRETS.filter((s) => RAW_KEY.test(s)).map((s) => signingKey(s).verifyEntry.split(':')[1]),
);

/**
 * Parses TOKEN_VERIFY_KEYS; throws an Error that says which entry is wrong and why, without
 * echoing it (a signing seed pasted here by mistake must not reach the logs).
 */
export function parseVerifyKeys(raw: string): VerifyKeys {
  const keys = new Map<string, KeyObject>();
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const [kid = '', x = '', extra] = entry.split(':');
    const which = `entry ${index + 1}`;
    if (extra !== undefined || !RAW_KEY.test(x) || Buffer.from(x, 'base64url').length !== 32) {
      throw new Error(`${which} is not <kid>:<base64url of a 32-byte Ed25519 public key>`);
    }
    if (kid !== keyId(x)) throw new Error(`${which}: the key id is not its key's (that is "${keyId(x)}")`);
    if (PUBLISHED_PUBLIC_KEYS.has(x)) throw new Error(`${which} (key "${kid}") belongs to a published seed: anyone could sign tokens with it`);
    keys.set(kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }));
  }
  if (keys.size === 0) throw new Error('must list at least one <kid>:<public key>');
  return keys;
}
