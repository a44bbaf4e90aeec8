import { RE2JS } from 're2js';

/**
 * Schema patterns run on a linear-time engine (RE2, pure-JS port `re2js`), not on V8's
 * backtracking one: a stream's JSON Schema is written by an operator but evaluated against
 * every record a producer sends, and `^(a+)+$` took 626 ms on a 27-character value (doubling per
 * character) in V8. RE2 matches in time linear in the input whatever the pattern, so no pattern,
 * including one stored before this check existed, can block ingest's event loop.
 *
 * Why an engine rather than a ReDoS checker (measured on this machine, see README "Stream
 * catalog"): `recheck` (pure-JS backend) is sound on exponential cases but took 0.1–2 s per
 * pattern (ISO date-time 1 s, semver 1.6 s, a lookahead timed out as "unknown"), flags common
 * email patterns as (really) quadratic, and its package pulls 52 MB of optional jar/native
 * binaries; `safe-regex2` (star height) misses `^(a|aa)+$`, `(a|a)*` and every quadratic case, and
 * refuses safe `^([a-z0-9-]+\.)+[a-z]{2,}$`, ISO date-times and semver. RE2 needs no verdict:
 * quadratic and exponential patterns alike stay linear. The cost: about 1–3 µs per pattern test
 * instead of ~0.1 µs, and no lookaround or backreferences (refused at definition time).
 *
 * JSON Schema patterns are ECMA-262 (`u` flag, as Ajv compiles them); the translation below keeps
 * their meaning where RE2's syntax differs: `\uXXXX`/`\u{…}`/`\cX` escapes, `.` (no line
 * terminators), `\s`/`\S` (JS's Unicode white space), `[]`, `[^]`, and `[` inside a class.
 */
export class UnsupportedPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPatternError';
  }
}

export interface LinearRegExp {
  test(input: string): boolean;
  toString(): string;
}

const JS_SPACE = '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Compiles an ECMA-262 pattern for the linear-time engine; throws UnsupportedPatternError when it cannot. */
export function compileLinearRegExp(pattern: string): LinearRegExp {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new UnsupportedPatternError(`not a valid ECMA-262 regular expression: ${(error as Error).message}`);
  }
  const translated = toRe2Syntax(pattern);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(translated);
  } catch (error) {
    throw new UnsupportedPatternError(`outside what the linear-time engine (RE2) accepts: ${(error as Error).message}`);
  }
  return { test: (input) => compiled.test(input), toString: () => `/${pattern}/u (RE2)` };
}

/** The engine in the shape Ajv's `code.regExp` option takes (flags are always `u`). */
export const linearRegExpEngine = Object.assign((pattern: string) => compileLinearRegExp(pattern), {
  code: 'require("@streamgate/streams").compileLinearRegExp',
});

// The pattern is already known to be a valid `u`-mode ECMA-262 pattern, which rules out
// identity escapes of letters, lone `]`/`{`/`}` and octal escapes.
function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const [text, used] = escape(pattern, i, inClass);
      out += text;
      i += used - 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch === '[' ? '\\[' : ch;
    } else if (ch === '[') {
      const negated = pattern[i + 1] === '^';
      const start = i + (negated ? 2 : 1);
      if (pattern[start] === ']') {
        // `[]` matches nothing and `[^]` anything in JS; RE2 would read `]` as a member.
        out += negated ? '[\\x{0}-\\x{10ffff}]' : '[^\\x{0}-\\x{10ffff}]';
        i = start;
      } else {
        inClass = true;
        out += negated ? '[^' : '[';
        i = start - 1;
      }
    } else if (ch === '.') out += DOT;
    else if (ch === '(' && pattern[i + 1] === '?') {
      const next = pattern.slice(i + 2, i + 4);
      if (next[0] === '=' || next[0] === '!' || next === '<=' || next === '<!') throw new UnsupportedPatternError('lookahead and lookbehind are not supported by the linear-time engine');
      if (next[0] === '<') {
        // A named group only captures; validation never reads captures.
        out += '(?:';
        i = pattern.indexOf('>', i);
      } else out += ch;
    } else out += ch;
  }
  return out;
}

/** One escape sequence at `at`: its RE2 text and how many pattern characters it used. */
function escape(pattern: string, at: number, inClass: boolean): [string, number] {
  const next = pattern[at + 1] ?? '';
  switch (next) {
    case 's':
      return [inClass ? JS_SPACE : `[${JS_SPACE}]`, 2];
    case 'S':
      // Inside a class RE2's own \S stands in: it differs from JS's only on Unicode spaces.
      return [inClass ? '\\S' : `[^${JS_SPACE}]`, 2];
    case 'b':
      return [inClass ? '\\x{8}' : '\\b', 2];
    case '0':
      return ['\\x{0}', 2];
    case 'c':
      return [`\\x{${((pattern.charCodeAt(at + 2) % 32) >>> 0).toString(16)}}`, 3];
    case 'k':
      throw new UnsupportedPatternError('backreferences are not supported by the linear-time engine');
    case 'u': {
      if (pattern[at + 2] === '{') {
        const end = pattern.indexOf('}', at);
        return [`\\x{${pattern.slice(at + 3, end)}}`, end - at + 1];
      }
      const unit = pattern.slice(at + 2, at + 6);
      const code = parseInt(unit, 16);
      const low = pattern.slice(at + 8, at + 12);
      // A surrogate pair written as two escapes is one code point, as the `u` flag reads it.
      if (code >= 0xd800 && code <= 0xdbff && pattern.slice(at + 6, at + 8) === '\\u' && HEX4.test(low)) {
        const lowCode = parseInt(low, 16);
        if (lowCode >= 0xdc00 && lowCode <= 0xdfff) return [`\\x{${((code - 0xd800) * 0x400 + (lowCode - 0xdc00) + 0x10000).toString(16)}}`, 12];
      }
      return [`\\x{${unit}}`, 6];
    }
    default:
      if (next >= '1' && next <= '9') throw new UnsupportedPatternError('backreferences are not supported by the linear-time engine');
      return [`\\${next}`, 2];
  }
}
