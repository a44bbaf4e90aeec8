/**
 * Credentials never leave the process: start-up errors, logs and /health output pass through
 * `redactSecrets`, which masks the password of every `scheme://user:password@` URL and every
 * secret value the configuration was loaded with (see `loadConfig`).
 */
export const MASK = '***';

/** Names of variables holding secrets unless their EnvVar says otherwise (`sensitive: false`). */
export const SECRET_NAME = /TOKEN|KEY|PASSWORD|SECRET/;

// Shorter values would mask ordinary words; every secret variable asks for 16+ characters.
const MIN_SECRET_LENGTH = 8;

// The secrets of this process's configuration. Process-wide on purpose: one process runs one
// app, and every writer of output (Nest logger, kafkajs logger, crash handlers) must mask them.
const secrets = new Set<string>();

/**
 * In free text a URL ends at white space or a quote; its password runs from the first `:` of
 * the user info to the last `@` before that end, so an unescaped `@` or `/` in a password is
 * masked too (a path holding `@` may be over-masked, never under-masked).
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"'<>\\]*):([^\s"'<>]*)@/gi;

/** Masks the password of every URL with credentials in `text`: `postgres://app:***@db/x`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * One configuration value as a whole (it may hold white space): when it reads as a URL with
 * credentials, everything between the user name and the last `@` is masked.
 */
export function redactUrlValue(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0];
  const at = value.lastIndexOf('@');
  if (!scheme || at < scheme.length) return value;
  const userInfo = value.slice(scheme.length, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return value;
  return `${scheme}${userInfo.slice(0, colon)}:${MASK}${value.slice(at)}`;
}

/** Remembers a secret so that `redactSecrets` masks it wherever it appears from now on. */
export function rememberSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Remembers the password of a URL-shaped configuration value (decoded and as written). */
export function rememberUrlPassword(value: string): void {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0];
  const at = value.lastIndexOf('@');
  if (!scheme || at < scheme.length) return;
  const userInfo = value.slice(scheme.length, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return;
  const password = userInfo.slice(colon + 1);
  rememberSecret(password);
  try {
    rememberSecret(decodeURIComponent(password));
  } catch {
    // Not percent-encoded validly: the raw form is remembered.
  }
}

/** `text` with URL credentials and every remembered secret masked (also in their JSON-escaped form). */
export function redactSecrets(text: string): string {
  let out = redactUrlCredentials(text);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(MASK);
  }
  return out;
}
