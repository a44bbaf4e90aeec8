import fc from 'fast-check';
import type { BinaryOperator, ExpressionNode, LiteralValue } from './ast';
import { compileExpression, compileFilter, EXPRESSION_LIMITS, ExpressionEvaluationError, ExpressionSyntaxError, parseExpression } from './index';

// ---------------------------------------------------------------------------------------------
// A printer (the inverse of the parser, with minimal parentheses) and an AST arbitrary.

const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 0,
  '&&': 1,
  '==': 2,
  '!=': 2,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  in: 3,
  contains: 3,
  startsWith: 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};
const BINARY_OPERATORS = Object.keys(PRECEDENCE) as BinaryOperator[];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function printString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    // Everything outside printable ASCII goes through \uXXXX, one UTF-16 unit at a time.
    else if (code < 32 || code > 126) for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function printLiteral(value: LiteralValue): string {
  return typeof value === 'string' ? printString(value) : String(value);
}

/** With `everywhere`, every compound subexpression gets redundant parentheses too. */
function print(node: ExpressionNode, everywhere = false): string {
  const child = (sub: ExpressionNode, needed: boolean): string => {
    const text = print(sub, everywhere);
    return needed || (everywhere && sub.type !== 'Literal' && sub.type !== 'Path') ? `(${text})` : text;
  };
  switch (node.type) {
    case 'Literal':
      return printLiteral(node.value);
    case 'Path':
      return (
        node.root +
        node.segments.map((segment) => (typeof segment === 'number' ? `[${segment}]` : IDENTIFIER.test(segment) ? `.${segment}` : `[${printString(segment)}]`)).join('')
      );
    case 'Array':
      return `[${node.elements.map((element) => child(element, false)).join(', ')}]`;
    case 'Unary':
      return `${node.operator}${child(node.operand, node.operand.type === 'Binary')}`;
    case 'Binary': {
      const precedence = PRECEDENCE[node.operator];
      const wrapLeft = node.left.type === 'Binary' && PRECEDENCE[node.left.operator] < precedence;
      const wrapRight = node.right.type === 'Binary' && PRECEDENCE[node.right.operator] <= precedence;
      return `${child(node.left, wrapLeft)} ${node.operator} ${child(node.right, wrapRight)}`;
    }
  }
}

/** The AST without source positions, for comparing ASTs parsed from different texts. */
function strip(node: ExpressionNode): unknown {
  switch (node.type) {
    case 'Literal':
      return { type: node.type, value: node.value };
    case 'Path':
      return { type: node.type, root: node.root, segments: node.segments };
    case 'Array':
      return { type: node.type, elements: node.elements.map(strip) };
    case 'Unary':
      return { type: node.type, operator: node.operator, operand: strip(node.operand) };
    case 'Binary':
      return { type: node.type, operator: node.operator, left: strip(node.left), right: strip(node.right) };
  }
}

const identifier = fc
  .tuple(fc.constantFrom(...'abcxyzAZ_'), fc.string({ unit: fc.constantFrom(...'abz09_Q'), maxLength: 5 }))
  .map(([head, tail]) => head + tail);
const anySegment = fc.oneof(identifier, fc.constantFrom('in', 'contains', 'startsWith', 'true', 'null', 'data', 'meta'), fc.string({ maxLength: 6 }), fc.nat(1000));

const literalValue: fc.Arbitrary<LiteralValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ maxLength: 8 }),
  fc.nat(),
  // No negative literals in the language (that is unary minus), and -0 would print as 0.
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  fc.boolean(),
  fc.constant(null),
);

function astArbitrary(segment: fc.Arbitrary<string | number>): fc.Arbitrary<ExpressionNode> {
  const literal: fc.Arbitrary<ExpressionNode> = literalValue.map((value) => ({ type: 'Literal', value, position: 0 }));
  const path: fc.Arbitrary<ExpressionNode> = fc
    .tuple(fc.constantFrom('data' as const, 'meta' as const), fc.array(segment, { maxLength: 3 }))
    .map(([root, segments]) => ({ type: 'Path', root, segments, position: 0 }));
  // maxDepth 5 and at most 3 array elements keep generated trees within the node and depth limits.
  return fc.letrec<{ node: ExpressionNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 5, depthIdentifier: 'ast' },
      literal,
      path,
      fc.array(tie('node'), { maxLength: 3 }).map((elements): ExpressionNode => ({ type: 'Array', elements, position: 0 })),
      fc.tuple(fc.constantFrom('!' as const, '-' as const), tie('node')).map(([operator, operand]): ExpressionNode => ({ type: 'Unary', operator, operand, position: 0 })),
      fc
        .tuple(fc.constantFrom(...BINARY_OPERATORS), tie('node'), tie('node'))
        .map(([operator, left, right]): ExpressionNode => ({ type: 'Binary', operator, left, right, position: 0, operatorPosition: 0 })),
      fc
        .tuple(fc.constantFrom(...BINARY_OPERATORS), tie('node'), tie('node'))
        .map(([operator, left, right]): ExpressionNode => ({ type: 'Binary', operator, left, right, position: 0, operatorPosition: 0 })),
    ),
  })).node;
}

// ---------------------------------------------------------------------------------------------
// (1) Arbitrary input: a function or an ExpressionSyntaxError with a sane position, quickly.

const TOKENS = [
  'data', 'meta', 'data.a', 'meta.tier', '.', '[', ']', '[0]', '["k"]', '(', ')', ',', '"', "'", '\\', '\\u', '"a"', "'b'", '"\\n"',
  '1', '0', '1.5', '2e3', '1e', 'e', '.5', ' ', ' ', '\n', '\t', '==', '!=', '<', '<=', '>', '>=', '=', '!', '&&', '||', '&', '|',
  '+', '-', '*', '/', '%', 'in', 'contains', 'startsWith', 'true', 'false', 'null', 'x', '_', '#', '?', 'é',
];
const tokenSoup = fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 60 }).map((s) => s.slice(0, 200));

function checkCompiles(source: string): 'compiled' | 'rejected' {
  try {
    const evaluate = compileExpression(source);
    expect(typeof evaluate).toBe('function');
    return 'compiled';
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    expect(Number.isInteger(error.position)).toBe(true);
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(source.length);
    expect(['INVALID_EXPRESSION', 'EXPRESSION_TOO_COSTLY']).toContain(error.code);
    expect(error.message).toContain(`at position ${error.position}`);
    return 'rejected';
  }
}

/**
 * Milliseconds to compile one source. A slow first run is re-measured twice and the fastest run
 * kept, so that a GC pause or a busy CI machine is not mistaken for a slow input.
 */
function timedCompile(source: string): { outcome: 'compiled' | 'rejected'; ms: number } {
  const measure = (): { outcome: 'compiled' | 'rejected'; ms: number } => {
    const started = performance.now();
    const outcome = checkCompiles(source);
    return { outcome, ms: performance.now() - started };
  };
  const first = measure();
  if (first.ms < 5) return first;
  return { outcome: first.outcome, ms: Math.min(first.ms, measure().ms, measure().ms) };
}

function fuzzCompile(arbitrary: fc.Arbitrary<string>, numRuns: number): { compiled: number; maxMs: number } {
  let compiled = 0;
  let maxMs = 0;
  fc.assert(
    fc.property(arbitrary, (source) => {
      const { outcome, ms } = timedCompile(source);
      maxMs = Math.max(maxMs, ms);
      if (outcome === 'compiled') compiled++;
    }),
    { numRuns },
  );
  return { compiled, maxMs };
}

describe('property: compile never fails unexpectedly and stays fast', () => {
  // Generous bound: the real figure is well under a millisecond; this only guards against blow-ups.
  const MAX_MS = 50;

  it('arbitrary strings', () => {
    expect(fuzzCompile(fc.string({ maxLength: 200 }), 2000).maxMs).toBeLessThan(MAX_MS);
    expect(fuzzCompile(fc.string({ unit: 'binary', maxLength: 200 }), 2000).maxMs).toBeLessThan(MAX_MS);
  });

  it('strings made of the language tokens', () => {
    const { compiled, maxMs } = fuzzCompile(tokenSoup, 3000);
    expect(maxMs).toBeLessThan(MAX_MS);
    // The unit makes valid expressions common enough to exercise the success path too.
    expect(compiled).toBeGreaterThan(30);
  });

  it('valid expressions with a random edit', () => {
    const edited = fc
      .tuple(astArbitrary(anySegment).map(print), fc.nat(), fc.nat(3), fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 2 }))
      .map(([source, at, remove, insert]) => {
        const i = at % (source.length + 1);
        return source.slice(0, i) + insert + source.slice(i + remove);
      });
    expect(fuzzCompile(edited, 2000).maxMs).toBeLessThan(MAX_MS);
  });

  it('long inputs up to the length limit', () => {
    const long = fc.string({ unit: fc.constantFrom(...TOKENS), minLength: 300, maxLength: 2000 }).map((s) => s.slice(0, EXPRESSION_LIMITS.maxLength));
    expect(fuzzCompile(long, 300).maxMs).toBeLessThan(MAX_MS);
    const worst = [
      '('.repeat(4096),
      '!'.repeat(4096),
      '-'.repeat(4095) + '1',
      '['.repeat(4096),
      '[1,'.repeat(1365),
      `"${'\\"'.repeat(2047)}`,
      `"${'\\u0041'.repeat(682)}"`,
      '1+'.repeat(2047) + '1',
      'data'.concat('.a'.repeat(2046)),
      'data'.concat('[0]'.repeat(1364)),
      ' '.repeat(4095) + '1',
      '1 == 1 && '.repeat(409) + 'true',
      `[${'1,'.repeat(2047)}1]`.slice(0, 4096),
    ];
    for (const source of worst) expect(timedCompile(source).ms).toBeLessThan(MAX_MS);
  });
});

// ---------------------------------------------------------------------------------------------
// (2) Well-formed expressions compile, and print → parse is the identity on ASTs.

describe('property: round trip', () => {
  it('parse(print(ast)) equals ast, and the expression compiles', () => {
    fc.assert(
      fc.property(astArbitrary(anySegment), (ast) => {
        const source = print(ast);
        const parsed = parseExpression(source);
        expect(strip(parsed)).toEqual(strip(ast));
        expect(print(parsed)).toBe(source);
        expect(typeof compileExpression(source)).toBe('function');
      }),
      { numRuns: 2000 },
    );
  });

  it('redundant parentheses do not change the AST', () => {
    fc.assert(
      fc.property(astArbitrary(anySegment), (ast) => {
        expect(strip(parseExpression(print(ast, true)))).toEqual(strip(ast));
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (3) Filters never throw for JSON records; expressions throw only ExpressionEvaluationError.

const KEYS = ['a', 'b', 'c', '0'];
// Records keyed like the generated paths, so that paths often hit real values.
const record = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'record' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const context = fc.record({ data: fc.oneof(fc.jsonValue(), record), meta: fc.oneof(fc.jsonValue(), record) });
const smallSegment = fc.oneof(fc.constantFrom(...KEYS), fc.nat(2));

describe('property: evaluation', () => {
  it('compiled filters return a boolean and never throw, for any JSON context', () => {
    fc.assert(
      fc.property(astArbitrary(smallSegment).map(print), fc.array(context, { minLength: 1, maxLength: 5 }), (source, contexts) => {
        const filter = compileFilter(source);
        for (const c of contexts) expect(typeof filter(c)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('compiled expressions return a value or throw ExpressionEvaluationError, deterministically', () => {
    fc.assert(
      fc.property(astArbitrary(smallSegment).map(print), context, (source, c) => {
        const evaluate = compileExpression(source);
        const outcome = (): unknown => {
          try {
            return { value: evaluate(c) };
          } catch (error) {
            if (!(error instanceof ExpressionEvaluationError)) throw error;
            return { error: error.message };
          }
        };
        const first = outcome();
        expect(outcome()).toEqual(first);
        expect(compileFilter(source)(c)).toBe((first as { value?: unknown }).value === true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the reference filter never throws for JSON contexts', () => {
    const filter = compileFilter('data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])');
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (data, meta) => {
        expect(typeof filter({ data, meta })).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
