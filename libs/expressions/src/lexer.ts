import { ExpressionSyntaxError } from './errors';

export type TokenKind = 'number' | 'string' | 'identifier' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Decoded value for number/string tokens; the source text otherwise. */
  readonly value: string | number;
  /** Source text of the token (for messages and integer checks). */
  readonly text: string;
  readonly start: number;
}

const TWO_CHAR_OPERATORS = new Set(['||', '&&', '==', '!=', '<=', '>=']);
const ONE_CHAR_OPERATORS = new Set(['<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', ',', '.']);
// Lone characters that are likely typos of a two-character operator.
const TYPO_HINTS: Readonly<Record<string, string>> = { '=': 'use == to compare', '&': 'use && for and', '|': 'use || for or' };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentifierStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentifierPart = (c: number): boolean => isIdentifierStart(c) || isDigit(c);
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Quotes source text for a message: shortened, with control characters shown as \uXXXX. */
export function quoteForMessage(text: string): string {
  let shown = '';
  for (const char of text.length > 24 ? `${text.slice(0, 24)}…` : text) {
    const code = char.charCodeAt(0);
    shown += code < 32 || code === 127 ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return `"${shown}"`;
}

/**
 * Returns a function yielding one token per call (then `end` forever), so that the parser
 * reports the leftmost error. Each call advances past what it reads: O(length) overall.
 */
export function createTokenizer(source: string): () => Token {
  const length = source.length;
  let i = 0;
  return () => {
    for (;;) {
      if (i >= length) return { kind: 'end', value: '', text: '', start: length };
      const c = source.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
        continue;
      }
      const start = i;
      if (isDigit(c)) {
        const token = readNumber(source, start);
        i += token.text.length;
        return token;
      }
      if (c === 34 || c === 39) {
        const token = readString(source, start);
        i += token.text.length;
        return token;
      }
      if (isIdentifierStart(c)) {
        while (i < length && isIdentifierPart(source.charCodeAt(i))) i++;
        const text = source.slice(start, i);
        return { kind: 'identifier', value: text, text, start };
      }
      const two = source.slice(i, i + 2);
      if (TWO_CHAR_OPERATORS.has(two)) {
        i += 2;
        return { kind: 'operator', value: two, text: two, start };
      }
      const one = source[i];
      if (ONE_CHAR_OPERATORS.has(one)) {
        i += 1;
        return { kind: 'operator', value: one, text: one, start };
      }
      throw new ExpressionSyntaxError(`unexpected character ${quoteForMessage(one)}`, i, TYPO_HINTS[one]);
    }
  };
}

// digits ('.' digits)? ([eE] [+-]? digits)? — a leading '.' is not a number (the lexer never gets here for it).
function readNumber(source: string, start: number): Token {
  let i = start;
  while (isDigit(source.charCodeAt(i))) i++;
  if (source.charCodeAt(i) === 46) {
    i++;
    if (!isDigit(source.charCodeAt(i))) throw new ExpressionSyntaxError('expected a digit after the decimal point', i);
    while (isDigit(source.charCodeAt(i))) i++;
  }
  const e = source.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = source.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    if (!isDigit(source.charCodeAt(i))) throw new ExpressionSyntaxError('expected a digit in the exponent', i);
    while (isDigit(source.charCodeAt(i))) i++;
  }
  // `12abc` or `1.2.3` is a typo, not a number followed by something else.
  const next = source.charCodeAt(i);
  if (isIdentifierPart(next) || next === 46) throw new ExpressionSyntaxError('invalid number', start);
  const text = source.slice(start, i);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ExpressionSyntaxError('number out of range', start);
  return { kind: 'number', value, text, start };
}

function readString(source: string, start: number): Token {
  const quote = source.charCodeAt(start);
  const length = source.length;
  let value = '';
  let chunkStart = start + 1;
  let i = start + 1;
  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === quote) {
      value += source.slice(chunkStart, i);
      return { kind: 'string', value, text: source.slice(start, i + 1), start };
    }
    if (c !== 92) {
      i++;
      continue;
    }
    value += source.slice(chunkStart, i);
    if (i + 1 >= length) break;
    const escaped = source[i + 1];
    switch (escaped) {
      case '"':
      case "'":
      case '\\':
        value += escaped;
        i += 2;
        break;
      case 'n':
        value += '\n';
        i += 2;
        break;
      case 't':
        value += '\t';
        i += 2;
        break;
      case 'u': {
        for (let k = i + 2; k < i + 6; k++) {
          if (!isHexDigit(source.charCodeAt(k))) throw new ExpressionSyntaxError('invalid unicode escape (expected \\u and 4 hex digits)', i);
        }
        value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
        break;
      }
      default:
        throw new ExpressionSyntaxError(`invalid escape ${quoteForMessage(`\\${escaped}`)}`, i);
    }
    chunkStart = i;
  }
  throw new ExpressionSyntaxError('unterminated string', start);
}
