import {
  compileExpression,
  compileFilter,
  EXPRESSION_LIMITS,
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  parseExpression,
  referencedPaths,
  validateExpression,
} from './index';

describe('validateExpression', () => {
  it('accepts valid expressions', () => {
    expect(validateExpression('data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])')).toEqual({ ok: true });
    expect(validateExpression('data.price * data.qty')).toEqual({ ok: true });
    // Evaluation errors are not compile errors.
    expect(validateExpression('1 / 0')).toEqual({ ok: true });
  });

  it('reports the code, message and position of the first error', () => {
    expect(validateExpression('price > 100')).toEqual({
      ok: false,
      error: { code: 'INVALID_EXPRESSION', message: 'unknown identifier "price" at position 0: paths start with data. or meta.', position: 0 },
    });
    expect(validateExpression('(data.a == 1))')).toEqual({
      ok: false,
      error: { code: 'INVALID_EXPRESSION', message: 'unexpected token ")" at position 13', position: 13 },
    });
    expect(validateExpression('x'.repeat(EXPRESSION_LIMITS.maxLength + 1))).toMatchObject({ ok: false, error: { position: 0 } });
  });
});

describe('referencedPaths', () => {
  it('lists paths once, in source order', () => {
    expect(referencedPaths('data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"]) && data.price < 1000')).toEqual([
      'data.region',
      'data.price',
      'meta.tier',
    ]);
  });

  it('joins bracket segments with dots', () => {
    expect(referencedPaths('data.items[0].id + data["odd key"] + data.a["b"]')).toEqual(['data.items.0.id', 'data.odd key', 'data.a.b']);
  });

  it('includes bare roots, paths inside arrays and unary operands, and nothing for literals', () => {
    expect(referencedPaths('!(data == [meta.x, -data.y])')).toEqual(['data', 'meta.x', 'data.y']);
    expect(referencedPaths('1 + 2 == [3]')).toEqual([]);
  });

  it('throws syntax errors', () => {
    expect(() => referencedPaths('data.')).toThrow(ExpressionSyntaxError);
  });
});

describe('public API', () => {
  it('exports the error classes with their names', () => {
    const syntax = new ExpressionSyntaxError('unexpected token ")"', 3);
    expect(syntax).toMatchObject({ name: 'ExpressionSyntaxError', code: 'INVALID_EXPRESSION', position: 3, message: 'unexpected token ")" at position 3' });
    expect(new ExpressionSyntaxError('bad', 1, 'a hint').message).toBe('bad at position 1: a hint');
    expect(new ExpressionEvaluationError('boom')).toMatchObject({ name: 'ExpressionEvaluationError', message: 'boom' });
  });

  it('parses to a plain, JSON-serializable AST', () => {
    const ast = parseExpression('data.a + 1');
    expect(JSON.parse(JSON.stringify(ast))).toEqual(ast);
    expect(ast).toEqual({
      type: 'Binary',
      operator: '+',
      left: { type: 'Path', root: 'data', segments: ['a'], position: 0 },
      right: { type: 'Literal', value: 1, position: 9 },
      position: 0,
      operatorPosition: 7,
    });
  });

  it('compiles once and evaluates many records', () => {
    const total = compileExpression('data.price * data.qty');
    expect([{ price: 2, qty: 3 }, { price: 5, qty: 0 }, { price: 1 }].map((data) => total({ data, meta: {} }))).toEqual([6, 0, null]);
    const filter = compileFilter('meta.tier in ["gold", "silver"]');
    expect(['gold', 'bronze', null].map((tier) => filter({ data: {}, meta: { tier } }))).toEqual([true, false, false]);
  });
});
