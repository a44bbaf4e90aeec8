/**
 * Secret values that were ever published (this repository's compose file, test platform and
 * examples) or that read as placeholders. Whoever knows them opens the admin API or forges
 * tokens, so no app accepts them, whatever their length.
 */
export const KNOWN_DEFAULT_SECRETS: readonly string[] = [
  'change-me-admin-token',
  'change-me-finance-token',
  'change-me-token-signing-key',
  'REPLACE_ME',
  'test-admin-token-0123456789',
  'test-finance-token-0123456789',
  // The old test platform's TOKEN_SIGNING_KEY ("test-only-signing-key-32-bytes!!").
  'dGVzdC1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzISE',
];

// Compared after lower-casing and dropping everything but letters and digits. Each word has at
// least 6 letters, so a random base64url secret contains one with a chance below 1e-7.
const PLACEHOLDER_WORDS = ['changeme', 'replaceme', 'secret', 'password', 'example', 'placeholder', 'default', 'streamgate', 'admintoken', 'financetoken'];

/** Why `value` must not be used as a secret, or undefined when it may. */
export function knownDefaultProblem(value: string): string | undefined {
  if (KNOWN_DEFAULT_SECRETS.includes(value)) return 'is a published default value';
  const letters = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  const word = PLACEHOLDER_WORDS.find((w) => letters.includes(w));
  if (word) return `looks like a placeholder (contains "${word}")`;
  if (new Set(value).size < 6) return 'has too few distinct characters to be random';
  return undefined;
}

/** How to make a value every secret variable accepts: 43 base64url characters (32 random bytes). */
export const SECRET_RECIPE = "openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\\n'";
