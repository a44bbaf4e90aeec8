// Fuzz targets for the expression language (issue 13): the parser over random text, compile and
// evaluation over random expressions and records, and the cost model against measured time.
// `npm test` runs each target FUZZ_RUNS times (default 10,000) with a fixed seed, so a failure
// reproduces; `npm run fuzz` runs them longer with FUZZ_SEED=random (the seed is printed).
import fc from 'fast-check';
import type { BinaryOperator, ExpressionNode, LiteralValue } from './ast';
import {
  compileExpression,
  compileFilter,
  EXPRESSION_LIMITS,
  expressionCost,
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  parseExpression,
  validateExpression,
} from './index';
import type { EvaluationContext } from './index';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20261302);
if (process.env.FUZZ_SEED !== undefined) console.log(`expressions fuzz: seed ${SEED}, ${RUNS} runs per target`);
// Generous per-test timeout: at the default run count each target takes a few seconds at most.
jest.setTimeout(Math.max(60_000, RUNS * 5));

// Jest captures 100 frames per Error; Node's default of 10 makes thrown errors as cheap as in production.
const jestStackTraceLimit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 10;
});
afterAll(() => {
  Error.stackTraceLimit = jestStackTraceLimit;
});

const settings = (runs = RUNS): fc.Parameters<unknown> => ({ numRuns: runs, seed: SEED, endOnFailure: true });

// ---------------------------------------------------------------------------------------------
// Printing ASTs back to source (minimal parentheses), and an AST arbitrary.

const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 0, '&&': 1, '==': 2, '!=': 2, '<': 3, '<=': 3, '>': 3, '>=': 3, in: 3, contains: 3, startsWith: 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5,
};
const BINARY_OPERATORS = Object.keys(PRECEDENCE) as BinaryOperator[];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function printString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    const code = value.charCodeAt(i);
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code < 32 || code > 126) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function print(node: ExpressionNode): string {
  const wrap = (sub: ExpressionNode, needed: boolean): string => (needed ? `(${print(sub)})` : print(sub));
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' ? printString(node.value) : String(node.value);
    case 'Path':
      return node.root + node.segments.map((s) => (typeof s === 'number' ? `[${s}]` : IDENTIFIER.test(s) ? `.${s}` : `[${printString(s)}]`)).join('');
    case 'Array':
      return `[${node.elements.map((element) => print(element)).join(', ')}]`;
    case 'Unary':
      return `${node.operator}${wrap(node.operand, node.operand.type === 'Binary')}`;
    case 'Binary': {
      const precedence = PRECEDENCE[node.operator];
      return `${wrap(node.left, node.left.type === 'Binary' && PRECEDENCE[node.left.operator] < precedence)} ${node.operator} ${wrap(
        node.right,
        node.right.type === 'Binary' && PRECEDENCE[node.right.operator] <= precedence,
      )}`;
    }
  }
}

const literalValue: fc.Arbitrary<LiteralValue> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.nat(),
  fc.constantFrom(0, 1, 2, 1e21, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER, 5e-324, 0.1),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  fc.boolean(),
  fc.constant(null),
);

const KEYS = ['a', 'b', 'note', 'tags', '0', 'length'];
const segment = fc.oneof(fc.constantFrom(...KEYS), fc.nat(3), fc.string({ maxLength: 3 }));

function astArbitrary(maxDepth: number): fc.Arbitrary<ExpressionNode> {
  const literal = literalValue.map((value): ExpressionNode => ({ type: 'Literal', value, position: 0 }));
  const path = fc
    .tuple(fc.constantFrom('data' as const, 'meta' as const), fc.array(segment, { maxLength: 3 }))
    .map(([root, segments]): ExpressionNode => ({ type: 'Path', root, segments, position: 0 }));
  return fc.letrec<{ node: ExpressionNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth, depthIdentifier: 'ast' },
      literal,
      path,
      fc.array(tie('node'), { maxLength: 3 }).map((elements): ExpressionNode => ({ type: 'Array', elements, position: 0 })),
      fc.tuple(fc.constantFrom('!' as const, '-' as const), tie('node')).map(([operator, operand]): ExpressionNode => ({ type: 'Unary', operator, operand, position: 0 })),
      fc
        .tuple(fc.constantFrom(...BINARY_OPERATORS), tie('node'), tie('node'))
        .map(([operator, left, right]): ExpressionNode => ({ type: 'Binary', operator, left, right, position: 0, operatorPosition: 0 })),
    ),
  })).node;
}

// ---------------------------------------------------------------------------------------------
// (1) The parser over random text: success or a coded ExpressionSyntaxError, quickly, never
// another exception (a stack overflow would be a RangeError).

const TOKENS = [
  'data', 'meta', 'data.a', 'meta.tier', 'data.note', '.', '[', ']', '[0]', '["k"]', '(', ')', '((', '))', ',', '"', "'", '\\', '\\u', '"a"', "'b'",
  '"\\n"', '"\\u00e9"', '1', '0', '1.5', '2e3', '1e999', '9007199254740993', '1e', 'e', '.5', ' ', '\n', '\t', '==', '!=', '<', '<=', '>', '>=',
  '=', '!', '&&', '||', '&', '|', '+', '-', '*', '/', '%', 'in', 'contains', 'startsWith', 'true', 'false', 'null', 'x', '_', '#', '?', 'é', '\u0000', '😀',
];
const validSource = astArbitrary(5).map(print);
const parserInput = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 200 }),
  // Valid sources with a random edit.
  fc
    .tuple(validSource, fc.nat(), fc.nat(3), fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 3 }))
    .map(([source, at, remove, insert]) => source.slice(0, at % (source.length + 1)) + insert + source.slice((at % (source.length + 1)) + remove)),
  // Nesting and repetition up to and past the length limit.
  fc
    .tuple(fc.constantFrom('(', '[', '!', '-', '1+', 'data.a+', '[1,', '(data.b + ', 'data.a contains ', '"\\u0041'), fc.nat(EXPRESSION_LIMITS.maxLength + 10), fc.constantFrom('', '1', ')', ']', 'data.x'))
    .map(([unit, count, tail]) => unit.repeat(Math.ceil(count / unit.length)).slice(0, count) + tail),
);

type Outcome = 'ok' | ExpressionSyntaxError['code'];

function parseOutcome(source: string): Outcome {
  try {
    parseExpression(source);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    expect(['INVALID_EXPRESSION', 'EXPRESSION_TOO_COSTLY']).toContain(error.code);
    expect(Number.isInteger(error.position) && error.position >= 0 && error.position <= source.length).toBe(true);
    expect(error.message).toContain(`at position ${error.position}`);
    return error.code;
  }
}

/**
 * CPU milliseconds of a run (so that being descheduled on a busy machine does not count), the
 * fastest of up to three runs when the first is slow, so that a GC pause is not taken for a slow input.
 */
function timed<T>(run: () => T, slowMs: number): { result: T; ms: number } {
  let best = Infinity;
  let result!: T;
  for (let attempt = 0; attempt < 3 && best >= slowMs; attempt++) {
    const started = process.cpuUsage();
    result = run();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return { result, ms: best };
}

describe('fuzz: parser', () => {
  it(`accepts or refuses with a coded ExpressionSyntaxError, in bounded time (${RUNS} cases)`, () => {
    const MAX_MS = 50;
    const seen: Record<string, number> = {};
    let maxMs = 0;
    fc.assert(
      fc.property(parserInput, (source) => {
        const { result, ms } = timed(() => parseOutcome(source), MAX_MS);
        seen[result] = (seen[result] ?? 0) + 1;
        maxMs = Math.max(maxMs, ms);
        const validation = validateExpression(source);
        expect(validation.ok ? 'ok' : validation.error.code).toBe(result);
      }),
      settings(),
    );
    expect(maxMs).toBeLessThan(MAX_MS);
    // Both sides are exercised.
    expect(seen.ok).toBeGreaterThan(RUNS / 20);
    expect(seen.INVALID_EXPRESSION).toBeGreaterThan(RUNS / 4);
  });
});

// ---------------------------------------------------------------------------------------------
// (2) Compile and evaluate random expressions against random records: a value or an
// ExpressionEvaluationError; filters always give a boolean.

function nested(depth: number, leaf: unknown, array: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
}
const cyclic: Record<string, unknown> = { a: 1, note: 'loop' };
cyclic.b = cyclic;
cyclic.tags = [cyclic, 'x'];
const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));

const HUGE = [1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, -0, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e-300];
const leafValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(...HUGE),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const recordValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'record' },
    leafValue,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 3 })), tie('value'), { maxKeys: 6 }),
  ),
})).value;
const unusualValue = fc.oneof(
  fc.tuple(fc.nat(5000), leafValue, fc.boolean()).map(([depth, leaf, array]) => nested(depth, leaf, array)),
  fc.constant(cyclic),
  fc.constant(wide),
  fc.constant(undefined),
  fc.jsonValue(),
);
const rootValue = fc.oneof({ weight: 4, arbitrary: recordValue }, { weight: 1, arbitrary: unusualValue });
const evaluationContext = fc.record({ data: rootValue, meta: rootValue }) as fc.Arbitrary<EvaluationContext>;

describe('fuzz: compile and evaluate', () => {
  it(`evaluation returns a value or throws ExpressionEvaluationError; filters never throw (${RUNS} cases)`, () => {
    let evaluated = 0;
    let failed = 0;
    fc.assert(
      fc.property(astArbitrary(6).map(print), fc.array(evaluationContext, { minLength: 1, maxLength: 3 }), (source, contexts) => {
        let evaluate;
        try {
          evaluate = compileExpression(source);
        } catch (error) {
          // A printed AST is valid: only a limit (nodes or cost) may refuse it.
          if (!(error instanceof ExpressionSyntaxError) || !/too many nodes|too costly/.test(error.message)) throw error;
          return;
        }
        const filter = compileFilter(source);
        for (const context of contexts) {
          let value: unknown;
          try {
            value = evaluate(context);
            evaluated++;
          } catch (error) {
            if (!(error instanceof ExpressionEvaluationError)) throw error;
            failed++;
            value = undefined;
          }
          expect(filter(context)).toBe(value === true);
        }
      }),
      settings(),
    );
    expect(evaluated).toBeGreaterThan(RUNS / 2);
    expect(failed).toBeGreaterThan(RUNS / 50);
  });
});

// ---------------------------------------------------------------------------------------------
// (3) The cost model bounds the time: with records whose values are at most VALUE_SIZE
// characters or elements (the model's assumption, passed as maxValueSize), every accepted
// expression evaluates within BASE_MS + cost × VALUE_SIZE × NS_PER_UNIT. Expressions are
// biased towards the costly shapes: concatenation, membership and comparison of large values.

const VALUE_SIZE = 8192;
const BASE_MS = 1;
// ~1 ns per character is typical; the slack absorbs garbage collection and a loaded machine.
const NS_PER_UNIT = 100;

const bigString = fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.nat(VALUE_SIZE / 4)).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
// Total characters plus elements stay under VALUE_SIZE, so that every path's value is within the assumption.
const costRecord = fc
  .record({
    note: bigString,
    text: bigString,
    tags: fc.array(fc.constantFrom('a', 'b', 'aa', 'zz', 'x'.repeat(40)), { maxLength: VALUE_SIZE / 64 }),
    a: fc.oneof(fc.integer(), fc.constantFrom(...HUGE), fc.string({ maxLength: 4 })),
    items: fc.array(fc.record({ id: fc.nat(20), name: fc.string({ maxLength: 6 }) }), { maxLength: 40 }),
    // Many small elements and one wide object: a membership test must not be their product.
    empties: fc.nat(1000).map((n) => Array.from({ length: n }, () => ({}))),
    wide: fc.nat(500).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  })
  .filter((record) => JSON.stringify(record).length <= VALUE_SIZE);
// A fixed pool keeps generation cheap; the expressions carry the variety.
const RECORD_POOL = fc.sample(costRecord, { numRuns: 50, seed: SEED });
const pooledRecord = fc.constantFrom(...RECORD_POOL);

const costlyLeaf = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('data.note', 'data.text', 'meta.note', 'data.tags', 'data.items', 'data.a', 'data', 'data.items[0]', 'data.empties', 'data.wide', 'meta.wide') },
  { weight: 2, arbitrary: fc.constantFrom('"zz"', '"aaab"', '"x"', '""', '1', 'null', '[1, "a"]') },
);
const COSTLY_OPERATORS = ['+', '+', '+', 'contains', 'in', '==', '!=', '<', 'startsWith', '&&', '||', '[,]'];
/** Up to 64 leaves joined by random operators as a balanced tree (so that it stays under maxDepth); `[,]` makes a pair array. */
const costlySource: fc.Arbitrary<string> = fc
  .tuple(fc.array(costlyLeaf, { minLength: 1, maxLength: 64, size: 'max' }), fc.array(fc.constantFrom(...COSTLY_OPERATORS), { minLength: 64, maxLength: 64 }))
  .map(([leaves, operators]) => {
    const build = (from: number, to: number, level: number): string => {
      if (to - from === 1) return leaves[from];
      const middle = (from + to) >> 1;
      const operator = operators[(from * 7 + level) % operators.length];
      const left = build(from, middle, level + 1);
      const right = build(middle, to, level + 1);
      return operator === '[,]' ? `[${left}, ${right}]` : `(${left} ${operator} ${right})`;
    };
    return build(0, leaves.length, 0);
  });

describe('fuzz: cost model', () => {
  it(`every accepted expression evaluates within a time bounded by its estimated cost (${RUNS} cases)`, () => {
    const options = { maxValueSize: VALUE_SIZE };
    let accepted = 0;
    let refused = 0;
    let worstRatio = 0;
        fc.assert(
      fc.property(costlySource, pooledRecord, pooledRecord, (source, data, meta) => {
        let filter;
        try {
          filter = compileFilter(source, options);
        } catch (error) {
          if (!(error instanceof ExpressionSyntaxError) || error.code !== 'EXPRESSION_TOO_COSTLY') throw error;
          refused++;
          return;
        }
        accepted++;
        const cost = expressionCost(source, options);
        expect(cost).toBeLessThanOrEqual(EXPRESSION_LIMITS.maxCost);
        const boundMs = BASE_MS + (cost * VALUE_SIZE * NS_PER_UNIT) / 1e6;
        const { ms } = timed(() => filter({ data, meta }), boundMs);
        worstRatio = Math.max(worstRatio, ms / boundMs);
        expect(ms).toBeLessThanOrEqual(boundMs);
      }),
      settings(),
    );
    // Both sides of the budget are exercised.
    expect(accepted).toBeGreaterThan(RUNS / 4);
    expect(refused).toBeGreaterThan(RUNS / 50);
    expect(worstRatio).toBeLessThanOrEqual(1);
  });
});
