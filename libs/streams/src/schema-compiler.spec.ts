import type { JsonObject } from '@streamgate/contracts';
import { SchemaCompiler, schemaPatterns } from './schema-compiler';

describe('schemaPatterns', () => {
  it('finds every pattern and patternProperties key at schema positions, with its path', () => {
    const schema = {
      type: 'object',
      properties: {
        code: { type: 'string', pattern: '^[A-Z]+$' },
        pattern: { type: 'string' },
        'odd key': { items: { pattern: 'b' } },
        list: { type: 'array', items: [{ pattern: 'c' }], prefixItems: [{ pattern: 'd' }] },
      },
      patternProperties: { '^x-(a+)+$': { anyOf: [{ pattern: 'e' }] } },
      allOf: [{ not: { pattern: 'f' } }],
      $defs: { id: { propertyNames: { pattern: 'g' } } },
      definitions: { other: { if: { pattern: 'h' }, then: { pattern: 'i' }, else: { pattern: 'j' } } },
      dependentSchemas: { code: { additionalProperties: { pattern: 'k' } } },
      examples: [{ pattern: 'not a schema position' }],
      const: { pattern: 'neither' },
    };
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
    expect(schemaPatterns(schema).sort(byPath)).toEqual(
      [
      { path: 'schema.patternProperties["^x-(a+)+$"]', pattern: '^x-(a+)+$' },
      { path: 'schema.properties.code.pattern', pattern: '^[A-Z]+$' },
      { path: 'schema.properties["odd key"].items.pattern', pattern: 'b' },
      { path: 'schema.properties.list.items[0].pattern', pattern: 'c' },
      { path: 'schema.properties.list.prefixItems[0].pattern', pattern: 'd' },
      { path: 'schema.patternProperties["^x-(a+)+$"].anyOf[0].pattern', pattern: 'e' },
      { path: 'schema.allOf[0].not.pattern', pattern: 'f' },
      { path: 'schema.$defs.id.propertyNames.pattern', pattern: 'g' },
      { path: 'schema.definitions.other.if.pattern', pattern: 'h' },
      { path: 'schema.definitions.other.then.pattern', pattern: 'i' },
      { path: 'schema.definitions.other.else.pattern', pattern: 'j' },
      { path: 'schema.dependentSchemas.code.additionalProperties.pattern', pattern: 'k' },
      ].sort(byPath),
    );
  });

  it('walks a 100,000-level schema without overflowing the stack', () => {
    let schema: JsonObject = { pattern: 'deep' };
    for (let i = 0; i < 100_000; i++) schema = { not: schema };
    expect(schemaPatterns(schema)).toHaveLength(1);
  });
});

describe('SchemaCompiler', () => {
  const compiler = new SchemaCompiler();

  it('names the refused pattern and its path', () => {
    expect(compiler.problems({ properties: { user: { type: 'string', pattern: '^(?!admin).*$' } } })).toEqual([
      {
        path: 'schema.properties.user.pattern',
        message: 'pattern "^(?!admin).*$" at schema.properties.user.pattern is refused: lookahead and lookbehind are not supported by the linear-time engine',
      },
    ]);
    expect(compiler.problems({ patternProperties: { '^(a)\\1$': {} } })).toEqual([
      expect.objectContaining({ path: 'schema.patternProperties["^(a)\\\\1$"]', message: expect.stringContaining('backreferences') }),
    ]);
  });

  it('reports a schema that is not valid JSON Schema at `schema`', () => {
    expect(compiler.problems({ type: 'banana' })).toEqual([{ path: 'schema', message: expect.stringMatching(/^not a valid JSON Schema: /) }]);
    expect(compiler.problems({ $ref: 'https://elsewhere.example/x' })).toEqual([{ path: 'schema', message: expect.stringContaining("can't resolve reference") }]);
  });

  it('evaluates patternProperties keys on the linear engine too (a 50,000-character property name)', () => {
    const validate = compiler.compile({ type: 'object', patternProperties: { '^(a+)+$': { type: 'number' } } });
    const started = process.hrtime.bigint();
    expect(validate({ [`${'a'.repeat(50_000)}!`]: 'not checked: the key does not match' })).toBe(true);
    expect(validate({ [`${'a'.repeat(50_000)}`]: 'checked' })).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('never runs a schema pattern on V8\'s backtracking engine (pattern, patternProperties, additionalProperties, propertyNames)', () => {
    const ran: string[] = [];
    // RegExp.prototype.test goes through exec once exec is replaced, so this sees every match.
    const original = RegExp.prototype.exec;
    RegExp.prototype.exec = function (this: RegExp, input: string) {
      ran.push(this.source);
      return original.call(this, input);
    };
    try {
      const validate = compiler.compile({
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(x+)+$' } },
        patternProperties: { '^(y+)+$': { type: 'number' } },
        additionalProperties: false,
        propertyNames: { pattern: '^(z|x|y|code)+' },
      });
      expect(validate({ code: 'xxxx', yyy: 1 })).toBe(true);
      expect(validate({ code: `${'x'.repeat(30)}!` })).toBe(false);
      expect(validate({ [`${'y'.repeat(30)}!`]: 1 })).toBe(false);
    } finally {
      RegExp.prototype.exec = original;
    }
    expect(ran.filter((source) => ['^(x+)+$', '^(y+)+$', '^(z|x|y|code)+'].includes(source))).toEqual([]);
  });

  it('compiles versions of a schema with the same $id again and again, each with its own rules', () => {
    for (let version = 1; version <= 5; version++) {
      const validate = compiler.compile({
        $id: 'https://streamgate.example/schemas/quotes',
        type: 'object',
        properties: { v: { const: version }, ref: { $ref: 'https://streamgate.example/schemas/quotes#/$defs/code' } },
        $defs: { code: { type: 'string', pattern: `^v${version}$` } },
      });
      expect(validate({ v: version, ref: `v${version}` })).toBe(true);
      expect(validate({ v: version - 1 })).toBe(false);
      expect(validate({ v: version, ref: `v${version + 1}` })).toBe(false);
    }
  });
});
