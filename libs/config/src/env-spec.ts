/** One environment variable: how to read it, and its default when unset. */
export interface EnvVar<T> {
  /** Returns the parsed value, or throws an Error whose message says what is wrong. */
  parse(raw: string): T;
  /** Used when the variable is unset or empty; absent means the variable is required. */
  fallback?: () => T;
  description: string;
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
      problems.push(`${name}=${redact(name, raw)} is invalid: ${(error as Error).message}`);
    }
  }
  if (problems.length === 0) {
    for (const check of checks) problems.push(...check(values as ConfigOf<S>));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

// Secrets never appear in error messages or logs.
function redact(name: string, raw: string): string {
  return /TOKEN|KEY|PASSWORD|SECRET/.test(name) ? '<redacted>' : JSON.stringify(raw);
}
