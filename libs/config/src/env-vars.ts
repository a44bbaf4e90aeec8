import { isIP } from 'node:net';
import type { EnvVar } from './env-spec';
import { SECRET_RECIPE, knownDefaultProblem } from './known-defaults';

type Options<T> = { default?: T; description: string };

function withDefault<T>(parse: (raw: string) => T, options: Options<T>): EnvVar<T> {
  const { default: fallback, description } = options;
  return { parse, description, fallback: fallback === undefined ? undefined : () => fallback };
}

export function str(options: Options<string> & { minLength?: number; pattern?: RegExp }): EnvVar<string> {
  return withDefault((raw) => {
    if (options.minLength !== undefined && raw.length < options.minLength) {
      throw new Error(`must be at least ${options.minLength} characters`);
    }
    if (options.pattern && !options.pattern.test(raw)) throw new Error(`must match ${options.pattern}`);
    return raw;
  }, options);
}

/** An optional string: undefined when unset. */
export function optionalStr(description: string): EnvVar<string | undefined> {
  return { parse: (raw) => raw, fallback: () => undefined, description };
}

export function int(options: Options<number> & { min?: number; max?: number }): EnvVar<number> {
  return withDefault((raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error('must be an integer');
    const value = Number(raw);
    if (options.min !== undefined && value < options.min) throw new Error(`must be >= ${options.min}`);
    if (options.max !== undefined && value > options.max) throw new Error(`must be <= ${options.max}`);
    return value;
  }, options);
}

export function port(defaultPort: number): EnvVar<number> {
  return int({ default: defaultPort, min: 0, max: 65535, description: 'HTTP port' });
}

export function bool(options: Options<boolean>): EnvVar<boolean> {
  return withDefault((raw) => {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new Error('must be true or false');
  }, options);
}

export function oneOf<T extends string>(values: readonly T[], options: Options<T>): EnvVar<T> {
  return withDefault((raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw as T;
  }, options);
}

export function optionalOneOf<T extends string>(values: readonly T[], description: string): EnvVar<T | undefined> {
  return { ...oneOf(values, { description }), fallback: () => undefined };
}

/** Comma-separated `host:port` list. */
export function hostList(options: Options<string[]>): EnvVar<string[]> {
  return withDefault((raw) => {
    const hosts = raw.split(',').map((h) => h.trim()).filter(Boolean);
    if (hosts.length === 0) throw new Error('must list at least one host:port');
    for (const host of hosts) {
      if (!/^[^\s:]+:\d{1,5}$/.test(host)) throw new Error(`"${host}" is not host:port`);
    }
    return hosts;
  }, options);
}

/** Duration such as `500ms`, `30s`, `10m`, `2h`, or a bare number of milliseconds. */
export function duration(options: Options<number>): EnvVar<number> {
  return withDefault(parseDuration, options);
}

export function parseDuration(raw: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new Error('must be a duration such as 500ms, 30s, 10m, 2h');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] as number;
  return Number(match[1]) * unit;
}

export function url(options: Options<string> & { protocols: string[] }): EnvVar<string> {
  return withDefault((raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error('must be a URL');
    }
    if (!options.protocols.includes(parsed.protocol)) {
      throw new Error(`must use ${options.protocols.join(' or ')}`);
    }
    return raw;
  }, options);
}

export function optionalUrl(options: { protocols: string[]; description: string }): EnvVar<string | undefined> {
  return { ...url(options), fallback: () => undefined };
}

/**
 * A secret: like `str`, and never a published default or placeholder (KNOWN_DEFAULT_SECRETS,
 * `change-me…`, `…secret…`), so a copied example can never open the admin API or forge tokens.
 */
export function secret(options: { description: string; minLength?: number; pattern?: RegExp }): EnvVar<string> {
  const plain = str(options);
  return {
    ...plain,
    sensitive: true,
    parse: (raw) => {
      const value = plain.parse(raw);
      const problem = knownDefaultProblem(value);
      if (problem) throw new Error(`${problem}; generate one with: ${SECRET_RECIPE}`);
      return value;
    },
  };
}

/** A variable with its own parser (throws an Error saying what is wrong); required unless `default` is given. */
export function parsed<T>(options: Options<T> & { parse: (raw: string) => T }): EnvVar<T> {
  return withDefault(options.parse, options);
}

/** A variable this app must not be given at all (e.g. a secret that belongs to another app). */
export function forbidden(reason: string): EnvVar<undefined> {
  return {
    parse: () => {
      throw new Error(reason);
    },
    fallback: () => undefined,
    description: reason,
  };
}

// Express's names for address ranges, so TRUSTED_PROXIES reads like `trust proxy`.
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Comma-separated proxies: `loopback`, `linklocal`, `uniquelocal`, IP addresses and CIDRs.
 * Parsed into a list of `address/prefix` CIDRs (a bare address gets the full prefix).
 */
export function cidrList(options: Options<string[]>): EnvVar<string[]> {
  return withDefault((raw) => {
    const cidrs: string[] = [];
    for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
      const named = NAMED_RANGES[entry.toLowerCase()];
      if (named) {
        cidrs.push(...named);
        continue;
      }
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address);
      const bits = family === 4 ? 32 : 128;
      if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits))) {
        throw new Error(`"${entry}" is not an IP address, a CIDR, or one of ${Object.keys(NAMED_RANGES).join(', ')}`);
      }
      cidrs.push(`${address}/${prefix ?? bits}`);
    }
    return cidrs;
  }, options);
}
