import { SECRET_NAME, rememberSecret, rememberUrlPassword, redactSecrets, redactUrlValue } from './redact';

/** One environment variable: how to read it, and its default when unset. */
export interface EnvVar<T> {
  /** Returns the parsed value, or throws an Error whose message says what is wrong. */
  parse(raw: string): T;
  /** Used when the variable is unset or empty; absent means the variable is required. */
  fallback?: () => T;
  description: string;
  /**
   * Whether the value is a secret: never echoed, and masked in all output once loaded. Unset:
   * decided by the name (TOKEN, KEY, PASSWORD, SECRET).
   */
  sensitive?: boolean;
}

export type EnvSpec = Record<string, EnvVar<unknown>>;
export type ConfigOf<S extends EnvSpec> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every variable of the spec and reports all problems at once, so an operator fixes
 * the environment in one go instead of one restart per variable.
 */
export function loadConfig<S extends EnvSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
  checks: Array<(config: ConfigOf<S>) => string[]> = [],
): ConfigOf<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (variable.fallback) values[name] = variable.fallback();
      else problems.push(`${name} is required (${variable.description})`);
      continue;
    }
    try {
      values[name] = variable.parse(raw);
    } catch (error) {
      problems.push(`${name}=${describe(name, variable, raw)} is invalid: ${redactSecrets((error as Error).message)}`);
    }
    // Remembered even when invalid: the error may surface again elsewhere (e.g. a driver's message).
    if (isSensitive(name, variable)) rememberSecret(raw);
    rememberUrlPassword(raw);
  }
  if (problems.length === 0) {
    for (const check of checks) problems.push(...check(values as ConfigOf<S>));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

function isSensitive(name: string, variable: EnvVar<unknown>): boolean {
  return variable.sensitive ?? SECRET_NAME.test(name);
}

// Secrets never appear in error messages or logs, nor do the passwords of URLs.
function describe(name: string, variable: EnvVar<unknown>, raw: string): string {
  return isSensitive(name, variable) ? '<redacted>' : JSON.stringify(redactUrlValue(raw));
}
