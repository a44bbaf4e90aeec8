import type { ApiKeyRecord, KeyScope } from '@streamgate/contracts';
import { parseApiKey } from '@streamgate/contracts';
import { constantTimeEqual, hashApiKey } from './secrets';

export type KeyCheck =
  | { ok: true; key: ApiKeyRecord }
  | { ok: false; reason: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string };

/**
 * Verifies a partner API key against the replicated key records (control.keys), locally: no
 * call to access-control on the data path. Unknown, malformed and revoked keys all read as
 * UNAUTHORIZED with the same message, so a caller cannot probe which ids exist.
 */
export function verifyApiKey(key: string | undefined, lookup: (id: string) => ApiKeyRecord | undefined, scope: KeyScope): KeyCheck {
  const parsed = key ? parseApiKey(key) : undefined;
  const record = parsed ? lookup(parsed.keyId) : undefined;
  if (!key || !record || !constantTimeEqual(hashApiKey(key), record.hash)) {
    return { ok: false, reason: 'UNAUTHORIZED', message: 'missing, unknown or revoked API key' };
  }
  if (!record.scopes.includes(scope)) return { ok: false, reason: 'FORBIDDEN', message: `this key lacks the ${scope} scope` };
  return { ok: true, key: record };
}
