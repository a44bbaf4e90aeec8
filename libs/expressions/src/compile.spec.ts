import { ExpressionEvaluationError } from './errors';
import { compileExpression, compileFilter } from './index';

const data = {
  region: 'eu',
  price: 150,
  qty: 3,
  zero: 0,
  first: 'Ada',
  last: 'Lovelace',
  flag: true,
  nothing: null,
  tags: ['a', 'b', ['c']],
  items: [{ id: 1 }, { id: 2 }],
  nested: { a: { b: { c: { d: 'deep' } } } },
  'odd key': 'odd',
  '0': 'zero key',
  undef: undefined,
};
const meta = { tier: 'gold', source: 'desk-7' };

const run = (source: string, context: { data: unknown; meta: unknown } = { data, meta }): unknown => compileExpression(source)(context);

function evaluationError(source: string, context = { data, meta }): ExpressionEvaluationError {
  try {
    run(source, context);
  } catch (error) {
    if (error instanceof ExpressionEvaluationError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to throw`);
}

describe('literals', () => {
  it.each([
    ['1', 1],
    ['1.5e1', 15],
    ['"x"', 'x'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['[1, "a", [null]]', [1, 'a', [null]]],
    ['[]', []],
    ['[data.price, meta.tier]', [150, 'gold']],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('returns a fresh array per evaluation', () => {
    const evaluate = compileExpression('[1, [2]]');
    const first = evaluate({ data, meta }) as unknown[];
    first.push(3);
    (first[1] as unknown[]).push(3);
    expect(evaluate({ data, meta })).toEqual([1, [2]]);
  });
});

describe('paths', () => {
  it.each([
    ['data.region', 'eu'],
    ['meta.tier', 'gold'],
    ['data.items[1].id', 2],
    ['data.items["1"].id', 2],
    ['data.tags[2][0]', 'c'],
    ['data["odd key"]', 'odd'],
    ['data[0]', 'zero key'],
    ['data.nested.a.b.c.d', 'deep'],
    ['data.nested.a.b', { c: { d: 'deep' } }],
    ['data.tags', ['a', 'b', ['c']]],
    ['data.nothing', null],
  ])('%s', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('reads own properties of arrays (length) but none of strings', () => {
    expect(run('data.tags.length')).toBe(3);
    expect(run('data.region.length')).toBeNull();
  });

  it('returns the whole objects for bare roots', () => {
    expect(run('data')).toBe(data);
    expect(run('meta')).toBe(meta);
  });

  it.each([
    'data.missing',
    'data.missing.deeper.still',
    'data.region.length',
    'data.price.x',
    'data.tags[3]',
    'data.items[0].id.x',
    'data.nothing.x',
    'data.undef',
    'data.nested.a.b.c.d.e',
    'meta.tier[0]',
    'data.flag.x.y',
  ])('missing path %s is null', (source) => {
    expect(run(source)).toBeNull();
  });

  it.each(['data.constructor', 'data.__proto__', 'data.toString', 'data.hasOwnProperty', 'data.tags.map', 'data["__proto__"]', 'data.nested.constructor.name'])(
    'never reads inherited property %s',
    (source) => {
      expect(run(source)).toBeNull();
    },
  );

  it('reads own properties even with inherited-looking names', () => {
    const own = JSON.parse('{"__proto__": 1, "constructor": 2}') as unknown;
    expect(run('data.__proto__', { data: own, meta: null })).toBe(1);
    expect(run('data.constructor', { data: own, meta: null })).toBe(2);
    expect(run('data.toString', { data: Object.create({ toString: 'inherited' }), meta: null })).toBeNull();
  });

  it('is null for missing, null or non-object roots', () => {
    for (const root of [undefined, null, 1, 'str', true]) {
      const context = { data: root, meta: root };
      expect(run('data', context)).toEqual(root ?? null);
      expect(run('data.a', context)).toBeNull();
      expect(run('meta.a.b', context)).toBeNull();
      expect(run('data.a.b.c', context)).toBeNull();
    }
  });
});

describe('logic', () => {
  it.each([
    ['true && true', true],
    ['true && false', false],
    ['false && true', false],
    ['true || false', true],
    ['false || true', true],
    ['false || false', false],
    ['null && true', false],
    ['1 || false', false],
    ['"true" || 1', false],
    ['true && 1', false],
    ['true || data.missing', true],
    ['!true', false],
    ['!false', true],
    ['!null', true],
    ['!1', true],
    ['!"x"', true],
    ['!!true', true],
    ['!!1', false],
    ['!data.flag', false],
    ['!data.missing', true],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('short-circuits, so the right side of a decided operator is never evaluated', () => {
    expect(run('false && 1 / 0 == 1')).toBe(false);
    expect(run('true || 1 / 0 == 1')).toBe(true);
    expect(() => run('true && 1 / 0 == 1')).toThrow(ExpressionEvaluationError);
  });
});

describe('equality', () => {
  it.each([
    ['1 == 1', true],
    ['1 == 1.0', true],
    ['1 == "1"', false],
    ['"a" == "a"', true],
    ['"a" == \'a\'', true],
    ['true == true', true],
    ['true == 1', false],
    ['null == null', true],
    ['null == false', false],
    ['0 == false', false],
    ['"" == null', false],
    ['data.missing == null', true],
    ['data.nothing == null', true],
    ['data.region == "eu"', true],
    ['"eu" == data.region', true],
    ['data.region != "eu"', false],
    ['data.region != "us"', true],
    ['data.missing != null', false],
    ['1 != 2', true],
    ['[1, [2, "x"]] == [1, [2, "x"]]', true],
    ['[1, 2] == [2, 1]', false],
    ['[1] == [1, 1]', false],
    ['[] == []', true],
    ['[1] == 1', false],
    ['[1] != [1]', false],
    ['data.tags == ["a", "b", ["c"]]', true],
    ['data.tags == ["a", "b", ["d"]]', false],
    ['data.items[0] == data.items[0]', true],
    ['data.items[0] == data.items[1]', false],
    ['data.nested == data.nested', true],
    ['data.tags[2] == ["c"]', true],
    ['data.items != data.items', false],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('compares objects structurally, by own enumerable keys, in any order', () => {
    const context = { data: { x: { a: 1, b: [1, { c: 2 }] }, y: { b: [1, { c: 2 }], a: 1 }, z: { a: 1, b: [1, { c: 3 }] }, w: { a: 1 } }, meta: null };
    expect(run('data.x == data.y', context)).toBe(true);
    expect(run('data.x == data.z', context)).toBe(false);
    expect(run('data.x == data.w', context)).toBe(false);
    expect(run('data.w == data.x', context)).toBe(false);
    expect(run('data.x == data.x.b', context)).toBe(false);
    expect(run('data.x != data.y', context)).toBe(false);
  });

  it('terminates on cyclic values and on very deep values', () => {
    type Cyclic = { self?: Cyclic; v: number };
    const a: Cyclic = { v: 1 };
    a.self = a;
    const b: Cyclic = { v: 1 };
    b.self = { v: 1, self: b };
    const c: Cyclic = { v: 2 };
    c.self = c;
    expect(run('data.a == data.b', { data: { a, b }, meta: null })).toBe(true);
    expect(run('data.a == data.c', { data: { a, c }, meta: null })).toBe(false);
    let deep: unknown = 1;
    let deeper: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
      deeper = [deeper];
    }
    expect(run('data.x == data.y', { data: { x: deep, y: deeper }, meta: null })).toBe(true);
  });
});

describe('ordering', () => {
  it.each([
    ['1 < 2', true],
    ['2 < 1', false],
    ['1 < 1', false],
    ['1 <= 1', true],
    ['2 <= 1', false],
    ['2 > 1', true],
    ['1 > 1', false],
    ['1 >= 1', true],
    ['0 >= 1', false],
    ['"a" < "b"', true],
    ['"b" < "a"', false],
    ['"B" < "a"', true],
    ['"a" < "aa"', true],
    ['"a" <= "a"', true],
    ['"b" > "a"', true],
    ['"a" >= "b"', false],
    ['"\\uffff" > "\\ud83d\\ude00"', true],
    ['data.price > 100', true],
    ['data.price >= 150', true],
    ['data.price < 150', false],
    ['data.price <= 100', false],
    ['100 < data.price', true],
    ['data.qty < data.price', true],
    ['data.first < data.last', true],
    ['data.missing > 100', false],
    ['data.missing < 100', false],
    ['data.missing <= null', false],
    ['null >= null', false],
    ['"2" > 1', false],
    ['2 > "1"', false],
    ['true > false', false],
    ['[2] > [1]', false],
    ['data.region > 1', false],
    ['data.region < 1', false],
    ['data.region >= 1', false],
    ['data.region <= 1', false],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });
});

describe('in, contains, startsWith', () => {
  it.each([
    ['1 in [1, 2]', true],
    ['3 in [1, 2]', false],
    ['"1" in [1, 2]', false],
    ['null in [null]', true],
    ['null in [1]', false],
    ['data.missing in [null]', true],
    ['meta.tier in ["gold", "silver"]', true],
    ['meta.source in ["gold", "silver"]', false],
    ['[1] in [[1], 2]', true],
    ['[2] in [[1], 2]', false],
    ['[1] in [1]', false],
    ['data.price in [data.price]', true],
    ['"c" in data.tags[2]', true],
    ['["c"] in data.tags', true],
    ['"a" in data.tags', true],
    ['"z" in data.tags', false],
    ['"a" in "abc"', false],
    ['1 in null', false],
    ['1 in data.missing', false],
    ['data.items[0] in data.items', true],
    ['"abc" contains "b"', true],
    ['"abc" contains ""', true],
    ['"abc" contains "d"', false],
    ['"abc" contains 1', false],
    ['"a1" contains 1', false],
    ['data.tags contains "a"', true],
    ['data.tags contains ["c"]', true],
    ['data.tags contains "c"', false],
    ['data.items contains data.items[1]', true],
    ['[1, 2] contains 2', true],
    ['[1, 2] contains "2"', false],
    ['data.missing contains "a"', false],
    ['123 contains 2', false],
    ['"abc" startsWith "ab"', true],
    ['"abc" startsWith ""', true],
    ['"abc" startsWith "bc"', false],
    ['data.region startsWith "e"', true],
    ['data.tags startsWith "a"', false],
    ['123 startsWith 1', false],
    ['data.missing startsWith "a"', false],
    ['"abc" startsWith data.missing', false],
  ])('%s is %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('uses strict equality for set lookups (no NaN or type coercion)', () => {
    expect(run('data.x in [1, 2]', { data: { x: Number.NaN }, meta: null })).toBe(false);
    expect(run('data.x in [0]', { data: { x: -0 }, meta: null })).toBe(true);
    expect(run('data.x in [1, "1", true]', { data: { x: [1] }, meta: null })).toBe(false);
  });
});

describe('arithmetic', () => {
  it.each([
    ['1 + 2', 3],
    ['5 - 7', -2],
    ['3 * 4', 12],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['-data.price', -150],
    ['- -1', 1],
    ['data.price * data.qty', 450],
    ['data.price - data.qty * 2', 144],
    ['(data.price - data.qty) * 2', 294],
    ['10 - 2 - 3', 5],
    ['12 / 2 / 3', 2],
    ['0.1 + 0.2', 0.1 + 0.2],
    ['"a" + "b"', 'ab'],
    ['data.first + " " + data.last', 'Ada Lovelace'],
    ['"n=" + 1.5', 'n=1.5'],
    ['1 + "x"', '1x'],
    ['1 + 2 + "x"', '3x'],
    ['"x" + 1 + 2', 'x12'],
    ['"is " + true', 'is true'],
    ['"v=" + null', 'v=null'],
    ['data.missing + "x"', 'nullx'],
    ['data.missing + 1', null],
    ['1 + data.missing', null],
    ['data.missing - 1', null],
    ['data.missing * data.price', null],
    ['data.missing / 0', null],
    ['5 % data.missing', null],
    ['-data.missing', null],
    ['data.missing * "x"', null],
    ['true * data.missing', null],
    ['null + [1]', null],
    ['(data.missing + 1) * 2', null],
    ['data.missing + 1 > 0', false],
  ])('%s is %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each([
    ['1 / 0', 'division by zero at position 2'],
    ['data.price / data.zero', 'division by zero at position 11'],
    ['1 % 0', 'modulo by zero at position 2'],
    ['0 / 0', 'division by zero at position 2'],
    ['1e308 * 10', 'arithmetic result is not a finite number at position 6'],
    ['1e308 + 1e308', 'arithmetic result is not a finite number at position 6'],
    ['-1e308 - 1e308', 'arithmetic result is not a finite number at position 7'],
    ['1e308 / 1e-308', 'arithmetic result is not a finite number at position 6'],
    ['"a" - 1', 'cannot apply "-" to string and number at position 4'],
    ['1 * "2"', 'cannot apply "*" to number and string at position 2'],
    ['true + 1', 'cannot apply "+" to boolean and number at position 5'],
    ['[1] + 1', 'cannot apply "+" to array and number at position 4'],
    ['"a" + [1]', 'cannot apply "+" to string and array at position 4'],
    ['data.nested + "x"', 'cannot apply "+" to object and string at position 12'],
    ['data.tags / 2', 'cannot apply "/" to array and number at position 10'],
    ['false % 2', 'cannot apply "%" to boolean and number at position 6'],
    ['-"a"', 'cannot negate string at position 0'],
    ['-true', 'cannot negate boolean at position 0'],
    ['-[1]', 'cannot negate array at position 0'],
    ['- data.nested', 'cannot negate object at position 0'],
  ])('%s throws "%s"', (source, message) => {
    const error = evaluationError(source);
    expect(error.message).toBe(message);
    expect(error.name).toBe('ExpressionEvaluationError');
    expect(error).toBeInstanceOf(Error);
  });

  it('compiles successfully even when evaluation will throw', () => {
    expect(() => compileExpression('1 / 0')).not.toThrow();
  });
});

describe('compileFilter', () => {
  const filter = compileFilter('data.region == "eu" && (data.price > 100 || meta.tier in ["gold","silver"])');

  it.each([
    [{ region: 'eu', price: 150 }, { tier: 'bronze' }, true],
    [{ region: 'eu', price: 50 }, { tier: 'gold' }, true],
    [{ region: 'eu', price: 50 }, { tier: 'silver' }, true],
    [{ region: 'eu', price: 50 }, { tier: 'bronze' }, false],
    [{ region: 'eu', price: '150' }, {}, false],
    [{ region: 'us', price: 150 }, { tier: 'gold' }, false],
    [{}, {}, false],
    [null, null, false],
  ])('data %j meta %j → %s', (d, m, expected) => {
    expect(filter({ data: d, meta: m })).toBe(expected);
  });

  it('matches only on exactly true', () => {
    expect(compileFilter('1')({ data, meta })).toBe(false);
    expect(compileFilter('"true"')({ data, meta })).toBe(false);
    expect(compileFilter('data.flag')({ data, meta })).toBe(true);
    expect(compileFilter('data')({ data, meta })).toBe(false);
  });

  it('turns evaluation errors into false', () => {
    expect(compileFilter('data.price / data.zero > 1')({ data, meta })).toBe(false);
    expect(compileFilter('data.first * 2 == 1')({ data, meta })).toBe(false);
    expect(compileFilter('!(data.first * 2 == 1)')({ data, meta })).toBe(false);
  });

  it('throws syntax errors at compile time', () => {
    expect(() => compileFilter('data.price >')).toThrow('expected an expression at position 12');
  });
});
