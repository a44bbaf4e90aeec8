import { randomBytes } from 'node:crypto';

/** A name no other test (or test run) uses: for topic prefixes, group ids, databases. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
