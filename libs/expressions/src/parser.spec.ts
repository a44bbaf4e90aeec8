import type { ExpressionNode } from './ast';
import { ExpressionSyntaxError } from './errors';
import { EXPRESSION_LIMITS } from './limits';
import { parse } from './parser';

// Compact, position-free rendering of an AST for precedence and shape assertions.
function sexpr(node: ExpressionNode): string {
  switch (node.type) {
    case 'Literal':
      return JSON.stringify(node.value);
    case 'Path':
      return [node.root, ...node.segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))].join('');
    case 'Array':
      return `[${node.elements.map(sexpr).join(' ')}]`;
    case 'Unary':
      return `(${node.operator} ${sexpr(node.operand)})`;
    case 'Binary':
      return `(${node.operator} ${sexpr(node.left)} ${sexpr(node.right)})`;
  }
}
const s = (source: string): string => sexpr(parse(source));

function syntaxError(source: string): ExpressionSyntaxError {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to parse`);
}

describe('parse: literals', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-2', 0.025],
    ['1e+2', 100],
    ['007', 7],
    ['true', true],
    ['false', false],
    ['null', null],
  ])('%s', (source, value) => {
    expect(parse(source)).toEqual({ type: 'Literal', value, position: 0 });
  });

  it('reads negative numbers as unary minus', () => {
    expect(s('-2')).toBe('(- 2)');
    expect(s('--2')).toBe('(- (- 2))');
  });

  it.each([
    ['"abc"', 'abc'],
    ["'abc'", 'abc'],
    ['""', ''],
    ["'say \"hi\"'", 'say "hi"'],
    ['"it\'s"', "it's"],
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['"a\\\\b"', 'a\\b'],
    ['"a\\nb"', 'a\nb'],
    ['"a\\tb"', 'a\tb'],
    ['"\\u00e9\\u20AC"', 'é€'],
    ['"line\nbreak"', 'line\nbreak'],
  ])('string %s', (source, value) => {
    expect(parse(source)).toEqual({ type: 'Literal', value, position: 0 });
  });

  it('parses array literals, empty and nested', () => {
    expect(s('[]')).toBe('[]');
    expect(s('[1, "a", [true, null], data.x]')).toBe('[1 "a" [true null] data.x]');
    expect(parse('[1]')).toEqual({ type: 'Array', elements: [{ type: 'Literal', value: 1, position: 1 }], position: 0 });
  });

  it('allows any whitespace between tokens', () => {
    expect(s(' \t\r\n1\n+\t2 ')).toBe('(+ 1 2)');
  });
});

describe('parse: paths', () => {
  it('parses dotted paths under data and meta', () => {
    expect(parse('data.a.b_c')).toEqual({ type: 'Path', root: 'data', segments: ['a', 'b_c'], position: 0 });
    expect(parse('meta.tier')).toEqual({ type: 'Path', root: 'meta', segments: ['tier'], position: 0 });
    expect(parse('data')).toEqual({ type: 'Path', root: 'data', segments: [], position: 0 });
    expect(s('meta')).toBe('meta');
    expect(s('data.A1._x9')).toBe('data.A1._x9');
  });

  it('parses bracket access with strings and non-negative integers', () => {
    expect(parse('data["odd key"]')).toEqual({ type: 'Path', root: 'data', segments: ['odd key'], position: 0 });
    expect(parse("data.items[0]['x'][12].y")).toEqual({ type: 'Path', root: 'data', segments: ['items', 0, 'x', 12, 'y'], position: 0 });
    expect(s('data[""]')).toBe('data.');
  });

  it('treats keywords after a dot as path segments', () => {
    expect(s('data.contains contains data.in')).toBe('(contains data.contains data.in)');
    expect(s('data.startsWith.true.null.data.meta')).toBe('data.startsWith.true.null.data.meta');
  });

  it('records node positions', () => {
    const node = parse('  data.a  ==  (meta.b)');
    expect(node).toMatchObject({ type: 'Binary', position: 2, operatorPosition: 10 });
    expect(node.type === 'Binary' && node.right.position).toBe(15);
  });
});

describe('parse: precedence and associativity', () => {
  it.each([
    ['1 || 2 && 3', '(|| 1 (&& 2 3))'],
    ['1 && 2 || 3', '(|| (&& 1 2) 3)'],
    ['1 && 2 == 3', '(&& 1 (== 2 3))'],
    ['1 == 2 < 3', '(== 1 (< 2 3))'],
    ['1 != 2 in 3', '(!= 1 (in 2 3))'],
    ['1 < 2 + 3', '(< 1 (+ 2 3))'],
    ['1 contains 2 - 3', '(contains 1 (- 2 3))'],
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 * 2 + 3', '(+ (* 1 2) 3)'],
    ['-1 * 2', '(* (- 1) 2)'],
    ['!1 == 2', '(== (! 1) 2)'],
    ['!!true', '(! (! true))'],
    ['-!1', '(- (! 1))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['!(1 == 2)', '(! (== 1 2))'],
  ])('%s', (source, expected) => {
    expect(s(source)).toBe(expected);
  });

  it.each([
    ['1 || 2 || 3', '(|| (|| 1 2) 3)'],
    ['1 && 2 && 3', '(&& (&& 1 2) 3)'],
    ['1 == 2 != 3', '(!= (== 1 2) 3)'],
    ['1 < 2 <= 3 > 4 >= 5', '(>= (> (<= (< 1 2) 3) 4) 5)'],
    ['1 in 2 contains 3 startsWith 4', '(startsWith (contains (in 1 2) 3) 4)'],
    ['1 - 2 + 3 - 4', '(- (+ (- 1 2) 3) 4)'],
    ['1 / 2 * 3 % 4', '(% (* (/ 1 2) 3) 4)'],
  ])('left-associative: %s', (source, expected) => {
    expect(s(source)).toBe(expected);
  });

  it('parses the reference filter', () => {
    expect(s('data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])')).toBe(
      '(&& (== data.region "eu") (|| (> data.price 100) (in meta.tier ["gold" "silver"])))',
    );
  });
});

describe('parse: syntax errors', () => {
  it.each([
    ['', 'expected an expression at position 0', 0],
    ['   ', 'expected an expression at position 3', 3],
    ['data.a ==', 'expected an expression at position 9', 9],
    ['data.a in ', 'expected an expression at position 10', 10],
    ['(data.a == 1))', 'unexpected token ")" at position 13', 13],
    ['data.price > 100 ) ', 'unexpected token ")" at position 17', 17],
    ['1 + )', 'unexpected token ")" at position 4', 4],
    ['data.a data.b', 'unexpected token "data" at position 7', 7],
    ['1 "a"', 'unexpected string literal at position 2', 2],
    ['in', 'unexpected token "in" at position 0', 0],
    ['data.a == contains', 'unexpected token "contains" at position 10', 10],
    ['(data.a', 'expected ")" at position 7', 7],
    ['(1 2)', 'expected ")" at position 3', 3],
    ['[1, 2', 'expected "," or "]" at position 5', 5],
    ['[1 2]', 'expected "," or "]" at position 3', 3],
    ['[1,]', 'unexpected token "]" at position 3', 3],
    ['a"bc', 'unknown identifier "a" at position 0: paths start with data. or meta.', 0],
    ['  "abc', 'unterminated string at position 2', 2],
    ["'abc\\'", 'unterminated string at position 0', 0],
    ['"abc\\', 'unterminated string at position 0', 0],
    ['"a\\qb"', 'invalid escape "\\q" at position 2', 2],
    ['"a\\u12G4"', 'invalid unicode escape (expected \\u and 4 hex digits) at position 2', 2],
    ['"\\u12"', 'invalid unicode escape (expected \\u and 4 hex digits) at position 1', 1],
    ['price > 100', 'unknown identifier "price" at position 0: paths start with data. or meta.', 0],
    ['data.a == True', 'unknown identifier "True" at position 10: paths start with data. or meta.', 10],
    ['data.', 'expected a property name after "." at position 5', 5],
    ['data.1', 'expected a property name after "." at position 5', 5],
    ['price > "abc', 'unknown identifier "price" at position 0: paths start with data. or meta.', 0],
    ['(1 # "abc', 'unexpected character "#" at position 3', 3],
    ['data.items.[0]', 'expected a property name after "." at position 11', 11],
    ['data[', 'expected a string or non-negative integer index at position 5', 5],
    ['data[-1]', 'expected a string or non-negative integer index at position 5', 5],
    ['data[1.5]', 'expected a string or non-negative integer index at position 5', 5],
    ['data[1e2]', 'expected a string or non-negative integer index at position 5', 5],
    ['data[99999999999999999999]', 'expected a string or non-negative integer index at position 5', 5],
    ['data[data.i]', 'expected a string or non-negative integer index at position 5', 5],
    ['data["a"', 'expected "]" at position 8', 8],
    ['data["a",1]', 'expected "]" at position 8', 8],
    ['.5', 'unexpected token "." at position 0: numbers need a digit before the decimal point (0.5)', 0],
    ['1.', 'expected a digit after the decimal point at position 2', 2],
    ['1.e3', 'expected a digit after the decimal point at position 2', 2],
    ['1e', 'expected a digit in the exponent at position 2', 2],
    ['1e+', 'expected a digit in the exponent at position 3', 3],
    ['12abc', 'invalid number at position 0', 0],
    ['1.2.3', 'invalid number at position 0', 0],
    ['1e999', 'number out of range at position 0', 0],
    ['data.a = 1', 'unexpected character "=" at position 7: use == to compare', 7],
    ['data.a & 1', 'unexpected character "&" at position 7: use && for and', 7],
    ['data.a | 1', 'unexpected character "|" at position 7: use || for or', 7],
    ['1 # 2', 'unexpected character "#" at position 2', 2],
    ['1 \u0000', 'unexpected character "\\u0000" at position 2', 2],
    ['data.a === 1', 'unexpected character "=" at position 9: use == to compare', 9],
    ['data.a ? 1 : 2', 'unexpected character "?" at position 7', 7],
    ['data.f(1)', 'unexpected token "(" at position 6', 6],
    ['(data).x', 'unexpected token "." at position 6', 6],
    ['()', 'unexpected token ")" at position 1', 1],
    [',', 'unexpected token "," at position 0', 0],
  ])('%j → %s', (source, message, position) => {
    const error = syntaxError(source);
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
    expect(error.code).toBe('INVALID_EXPRESSION');
    expect(error.name).toBe('ExpressionSyntaxError');
    expect(error).toBeInstanceOf(Error);
  });

  it('shortens long tokens in messages', () => {
    expect(syntaxError(`1 + ${'x'.repeat(100)}`).message).toBe(`unknown identifier "${'x'.repeat(24)}…" at position 4: paths start with data. or meta.`);
    expect(syntaxError(`1 "${'y'.repeat(100)}"`).message).toBe('unexpected string literal at position 2');
  });

  it('rejects non-string sources', () => {
    expect(syntaxError(42 as unknown as string).message).toBe('expression must be a string at position 0');
  });
});

describe('parse: limits', () => {
  const { maxLength, maxDepth, maxNodes } = EXPRESSION_LIMITS;

  it('exposes the limits', () => {
    expect(EXPRESSION_LIMITS).toEqual({ maxLength: 4096, maxDepth: 32, maxNodes: 500, maxValueSize: 1_048_576, maxCost: 32 });
    expect(Object.isFrozen(EXPRESSION_LIMITS)).toBe(true);
  });

  it(`accepts ${maxLength} characters and rejects more at position 0`, () => {
    const fits = `"${'x'.repeat(maxLength - 2)}"`;
    expect(parse(fits)).toMatchObject({ type: 'Literal' });
    const error = syntaxError(`${fits} `);
    expect(error.position).toBe(0);
    expect(error.message).toBe(`expression is too long (${maxLength + 1} characters, limit ${maxLength}) at position 0`);
  });

  it.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`, (n: number) => n - 1],
    ['unary !', (n: number) => `${'!'.repeat(n)}true`, (n: number) => n - 1],
    ['unary -', (n: number) => `${'-'.repeat(n)}1`, (n: number) => n - 1],
    ['arrays', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`, (n: number) => n - 1],
    ['arrays with content', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`, (n: number) => n - 1],
    // In a left-associative chain the leftmost operand is the deepest; the offending operator is the last one.
    ['left-nested operators', (n: number) => Array.from({ length: n + 1 }, () => '1').join('+'), (n: number) => 2 * n - 1],
  ])('%s: the limit is accepted, one more level is rejected where it happens', (_name, build, position) => {
    expect(() => parse(build(maxDepth))).not.toThrow();
    const error = syntaxError(build(maxDepth + 1));
    expect(error.message).toBe(`expression is nested too deeply (limit ${maxDepth}) at position ${position(maxDepth + 1)}`);
    expect(error.position).toBe(position(maxDepth + 1));
  });

  it('counts a right operand and its parentheses as two levels each', () => {
    const build = (k: number): string => `${'1+('.repeat(k)}1+1${')'.repeat(k)}`;
    expect(() => parse(build(15))).not.toThrow(); // 2 * 15 + 1 levels
    const error = syntaxError(build(16));
    expect(error.message).toBe(`expression is nested too deeply (limit ${maxDepth}) at position 49`);
  });

  it('counts every kind of nesting together', () => {
    // 8 parens + 8 unary + 8 arrays + 8 operators = 32 levels.
    const fits = `${'(!['.repeat(8)}1${'])'.repeat(8)}${' + 1'.repeat(8)}`;
    expect(() => parse(fits)).not.toThrow();
    expect(syntaxError(`!${fits}`).message).toMatch(/nested too deeply/);
    expect(syntaxError(`${fits} + 1`).message).toMatch(/nested too deeply/);
  });

  it('rejects deep nesting immediately, whatever the length', () => {
    for (const opener of ['(', '!', '-', '[']) {
      const error = syntaxError(opener.repeat(EXPRESSION_LIMITS.maxLength));
      expect(error.position).toBe(maxDepth);
    }
  });

  it(`accepts ${maxNodes} nodes and rejects more`, () => {
    const list = (n: number): string => `[${Array.from({ length: n }, () => '1').join(',')}]`;
    expect(() => parse(list(maxNodes - 1))).not.toThrow();
    const error = syntaxError(list(maxNodes));
    expect(error.message).toBe(`expression has too many nodes (limit ${maxNodes}) at position 0`);
    // The 500 literals fit; the enclosing array is node 501.
    expect(error.position).toBe(0);
    const items = syntaxError(list(maxNodes + 5));
    expect(items.position).toBe(1 + 2 * maxNodes);
  });
});
