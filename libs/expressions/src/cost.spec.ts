import {
  compileExpression,
  compileFilter,
  EXPRESSION_LIMITS,
  expressionCost,
  ExpressionSyntaxError,
  parseExpression,
  validateExpression,
} from './index';

/** `(a + b) + (c + d)`…: n paths concatenated as a balanced tree, so that it stays under maxDepth. */
export function balancedConcatenation(n: number, leaf = 'data.note'): string {
  if (n === 1) return leaf;
  const half = n >> 1;
  return `(${balancedConcatenation(half, leaf)} + ${balancedConcatenation(n - half, leaf)})`;
}

function costError(source: string): ExpressionSyntaxError {
  try {
    compileFilter(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to be refused`);
}

// Every filter and derive expression found in the repository's tests, README and tools, plus realistic shapes.
const REALISTIC = [
  'data.price > 100',
  'data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])',
  'data.region == "eu" && meta.tier == "gold"',
  'data.symbol startsWith "SYM1"',
  'data.i % 2 == 0',
  'data.n % 3 != 0',
  'data.price * data.qty',
  'data.price / data.zero > 1',
  '!(data.first * 2 == 1)',
  'data.symbol + "/" + meta.tier',
  'data.tags contains "urgent" || data.tags contains "vip"',
  'data.note contains "refund" && !(data.note contains "test")',
  'data.first + " " + data.middle + " " + data.last + ", " + data.street + " " + data.number + ", " + data.city',
  'data.country in ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "DK", "FI", "IE", "PT", "GR", "CZ"]',
  'data.a == data.b || data.items == meta.items || data.x.y.z startsWith meta.prefix',
  'data.price >= 10 && data.price <= 20 && data.qty > 0 && data.side == "buy" && data.venue != "OTC"',
  // 16 alternatives, balanced by parentheses to stay under maxDepth: 16 passes.
  `(${'data.tags contains "t" || '.repeat(7)}data.tags contains "t") || (${'data.tags contains "u" || '.repeat(7)}data.tags contains "u")`,
];

describe('cost model', () => {
  it('accepts every realistic filter, with room to spare', () => {
    for (const source of REALISTIC) {
      expect(validateExpression(source)).toEqual({ ok: true });
      expect(expressionCost(source)).toBeLessThan(EXPRESSION_LIMITS.maxCost);
    }
    // Comparisons against literals walk no record-sized value.
    expect(expressionCost('data.price > 100')).toBeLessThan(0.001);
    expect(expressionCost('meta.tier in ["gold","silver"]')).toBeLessThan(0.001);
    expect(expressionCost('data.symbol startsWith "SYM1"')).toBeLessThan(0.001);
    // One pass over a field; a concatenation costs 4 per value in the string it builds.
    expect(expressionCost('data.tags contains "x"')).toBeCloseTo(1, 3);
    expect(expressionCost('data.a + " " + data.b + " " + data.c')).toBeCloseTo(12, 3);
  });

  it('refuses the 240-way concatenation attack with EXPRESSION_TOO_COSTLY and says why', () => {
    const attack = `${balancedConcatenation(240)} contains "zz"`;
    expect(attack.length).toBeLessThan(EXPRESSION_LIMITS.maxLength);
    expect(() => parseExpression(attack.replace(/\+/g, '-'))).not.toThrow();
    const error = costError(attack);
    expect(error.code).toBe('EXPRESSION_TOO_COSTLY');
    // The costliest node is the outer concatenation; a node's position excludes its parentheses.
    expect(error.position).toBe(attack.indexOf('data'));
    expect(error.message).toBe(
      `expression is too costly (estimated cost 1200.1, budget 32 passes over a value of up to 1048576 characters) at position ${error.position}: string concatenation builds up to 240 record-sized values (cost 4 each)`,
    );
    expect(expressionCost(attack)).toBeCloseTo(1200, 2);
    expect(() => compileExpression(attack)).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression(attack)).toThrow(ExpressionSyntaxError);
    expect(validateExpression(attack)).toMatchObject({ ok: false, error: { code: 'EXPRESSION_TOO_COSTLY', position: error.position } });
  });

  it('charges a concatenation once for the string it builds, whatever its shape (V8 concatenates as ropes)', () => {
    const chain = Array.from({ length: 12 }, () => 'data.note').join(' + ');
    expect(expressionCost(chain)).toBeCloseTo(expressionCost(balancedConcatenation(12)), 3);
    expect(expressionCost(chain)).toBeCloseTo(48, 2);
    expect(expressionCost(`(${chain}) contains "zz"`)).toBeCloseTo(60, 2);
  });

  it('draws the line at the budget', () => {
    // 6 values built (24) and searched (6): 30 passes; 7: 35.
    expect(validateExpression(`${balancedConcatenation(6)} contains "zz"`)).toEqual({ ok: true });
    expect(costError(`${balancedConcatenation(7)} contains "zz"`).message).toMatch(/estimated cost 35\.1, budget 32/);
    // 7 values built and compared with a literal: 28; 8: 32 plus the per-node constants.
    expect(validateExpression(`${balancedConcatenation(7)} == "zz"`)).toEqual({ ok: true });
    expect(costError(balancedConcatenation(8)).code).toBe('EXPRESSION_TOO_COSTLY');
  });

  it('charges membership and comparisons by the values they walk, and points at the costliest operator', () => {
    const many = `[${Array.from({ length: 40 }, (_, i) => `data.v${i}`).join(', ')}]`;
    const membership = costError(`data.tags contains "x" && data.x in ${many}`);
    expect(membership.message).toMatch(/at position 26: "in" walks up to 41 record-sized values$/);
    expect(costError(`${many} contains data.x`).message).toMatch(/"contains" walks up to 41 record-sized values$/);
    expect(costError(`${many} == ${many}`).message).toMatch(/"==" walks up to 80 record-sized values$/);
    // Large literal arrays and strings are tiny next to a record-sized value.
    const codes = `[${Array.from({ length: 400 }, (_, i) => `"c${i}"`).join(',')}]`;
    expect(validateExpression(`data.code in ${codes}`)).toEqual({ ok: true });
    expect(validateExpression(`"${'a'.repeat(4000)}" contains data.x`)).toEqual({ ok: true });
  });

  it('takes the value size and the budget as options', () => {
    const source = 'data.a + data.b + data.c';
    expect(expressionCost(source, { maxValueSize: 1000 })).toBeCloseTo(12, 1);
    expect(validateExpression(source, { maxCost: 2 })).toMatchObject({ ok: false, error: { code: 'EXPRESSION_TOO_COSTLY' } });
    // With small values, long literals weigh as much as fields.
    expect(validateExpression(`data.x + "${'a'.repeat(4000)}"`, { maxValueSize: 100 })).toMatchObject({ ok: false });
    expect(validateExpression(`data.x + "${'a'.repeat(4000)}"`)).toEqual({ ok: true });
  });

  it('only refuses valid sources for cost: syntax errors come first and keep their code', () => {
    expect(validateExpression(`${balancedConcatenation(240)} contains`)).toMatchObject({ ok: false, error: { code: 'INVALID_EXPRESSION' } });
    expect(() => expressionCost('data.')).toThrow(ExpressionSyntaxError);
  });
});

describe('the evaluator is linear where the model says so', () => {
  it('compares a wide needle with many small elements without recounting its keys (was ~330 s for one 650 KB record)', () => {
    const n = 20_000;
    const wide = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));
    const data = { items: Array.from({ length: n }, () => ({})), nested: Array.from({ length: n }, () => ({ a: {} })), wide, wrap: { a: wide } };
    for (const source of ['data.items contains data.wide', 'data.wide in data.items', 'data.nested contains data.wrap']) {
      expect(expressionCost(source)).toBeLessThanOrEqual(2.01);
      const filter = compileFilter(source);
      const started = process.cpuUsage();
      expect(filter({ data, meta: null })).toBe(false);
      const used = process.cpuUsage(started);
      expect((used.user + used.system) / 1000).toBeLessThan(1000);
    }
    expect(compileFilter('data.nested contains data.wrap')({ data: { ...data, nested: [...data.nested, { a: { ...wide } }] }, meta: null })).toBe(true);
  });
});
