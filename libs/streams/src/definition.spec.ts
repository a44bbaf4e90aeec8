import { StreamDefinitionError, createSchemaCompiler, validateStreamDefinition } from './definition';

function problems(input: unknown) {
  try {
    validateStreamDefinition(input);
  } catch (error) {
    if (error instanceof StreamDefinitionError) return error.problems;
    throw error;
  }
  throw new Error('expected the definition to be refused');
}

describe('validateStreamDefinition', () => {
  it('accepts the contract example and defaults the source topic', () => {
    const definition = validateStreamDefinition({
      name: 'trades',
      schema: { type: 'object', properties: { price: { type: 'number' } }, required: ['price'] },
      enrich: [
        { op: 'lookup', table: 'instruments', key: 'data.symbol', into: 'meta.instrument' },
        { op: 'derive', into: 'data.notional', expr: 'data.price * data.qty', onError: { default: 0 } },
        { op: 'redact', paths: ['data.trader'], mode: 'hash' },
        { op: 'pick', paths: ['data.symbol', 'data.price', 'data.notional'], onError: 'dlq' },
      ],
    });
    expect(definition.source).toEqual({ topic: 'ingest.trades' });
    expect(definition.enrich).toHaveLength(4);
  });

  it.each([
    ['a bad name', { name: 'Trades!' }, 'INVALID_STREAM_NAME', 'name'],
    ['an invalid JSON Schema', { name: 't', schema: { type: 'no-such-type' } }, 'INVALID_SCHEMA', 'schema'],
    ['a schema that is not an object', { name: 't', schema: [] }, 'INVALID_SCHEMA', 'schema'],
    ['a reserved source topic', { name: 't', source: { topic: 'records.enriched' } }, 'INVALID_SOURCE', 'source.topic'],
    ['an unknown field', { name: 't', colour: 'red' }, 'INVALID_STREAM_DEFINITION', 'colour'],
    ['enrich that is not an array', { name: 't', enrich: {} }, 'INVALID_STEP', 'enrich'],
  ])('refuses %s with %s at %s', (_what, input, code, path) => {
    expect(problems(input)[0]).toMatchObject({ code, path });
  });

  it('refuses an unknown op with the step index', () => {
    expect(problems({ name: 't', enrich: [{ op: 'pick', paths: ['data.a'] }, { op: 'explode' }] })).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_OP', step: 1, path: 'enrich[1].op' }),
    ]);
  });

  it('refuses a bad expression with the step index and the position in the expression', () => {
    const [problem] = problems({ name: 't', enrich: [{ op: 'derive', into: 'data.x', expr: 'data.price * (data.qty' }] });
    expect(problem).toMatchObject({ code: 'INVALID_EXPRESSION', step: 0, path: 'enrich[0].expr' });
    expect(problem?.position).toEqual(expect.any(Number));
    expect(problem?.message).toMatch(/^step 0: /);
  });

  it.each([
    [{ op: 'lookup', table: 'bad table', key: 'data.a', into: 'meta.b' }, 'enrich[0].table'],
    [{ op: 'lookup', table: 't', key: 'a', into: 'meta.b' }, 'enrich[0].key'],
    [{ op: 'derive', into: 'nowhere', expr: '1' }, 'enrich[0].into'],
    [{ op: 'redact', paths: [] }, 'enrich[0].paths'],
    [{ op: 'redact', paths: ['data.a'], mode: 'shred' }, 'enrich[0].mode'],
    [{ op: 'pick', paths: ['data.__proto__'] }, 'enrich[0].paths'],
    [{ op: 'pick', paths: ['data.a'], onError: 'panic' }, 'enrich[0].onError'],
    [{ op: 'pick', paths: ['data.a'], extra: 1 }, 'enrich[0].extra'],
  ])('refuses the malformed step %j at %s', (step, path) => {
    expect(problems({ name: 't', enrich: [step] })[0]).toMatchObject({ code: 'INVALID_STEP', step: 0, path });
  });

  it('reports every problem, not just the first', () => {
    expect(problems({ name: '', schema: 1, enrich: [{ op: 'x' }, { op: 'derive', into: 'data.a', expr: '((' }] }).map((p) => p.code)).toEqual([
      'INVALID_STREAM_NAME',
      'INVALID_SCHEMA',
      'UNKNOWN_OP',
      'INVALID_EXPRESSION',
    ]);
  });

  it('refuses a pattern the linear-time engine cannot run with INVALID_SCHEMA, naming the pattern and its path', () => {
    expect(problems({ name: 't', schema: { type: 'object', properties: { user: { type: 'string', pattern: '^(?!admin)\\w+$' } } } })).toEqual([
      {
        code: 'INVALID_SCHEMA',
        path: 'schema.properties.user.pattern',
        message: 'pattern "^(?!admin)\\\\w+$" at schema.properties.user.pattern is refused: lookahead and lookbehind are not supported by the linear-time engine',
      },
    ]);
    expect(problems({ name: 't', schema: { patternProperties: { '^(\\w)\\1$': {} }, items: { pattern: '^(a' } } }).map((p) => [p.code, p.path])).toEqual([
      ['INVALID_SCHEMA', 'schema.patternProperties["^(\\\\w)\\\\1$"]'],
      ['INVALID_SCHEMA', 'schema.items.pattern'],
    ]);
  });

  it.each([
    ['an email address', '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'],
    ['another email address', '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$'],
    ['a host name', '^([a-z0-9-]+\\.)+[a-z]{2,}$'],
    ['an ISO date', '^\\d{4}-\\d{2}-\\d{2}$'],
    ['an ISO date-time', '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'],
    ['a UUID', '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'],
    ['a semantic version', '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$'],
    ['a Unicode letter class', '^\\p{L}+$'],
    ['the catastrophic pattern, harmless on the linear engine', '^(a+)+$'],
  ])('accepts %s', (_what, pattern) => {
    expect(validateStreamDefinition({ name: 't', schema: { type: 'object', properties: { v: { type: 'string', pattern } }, patternProperties: { [pattern]: {} } } }).schema).toBeDefined();
  });

  it('accepts a schema with an $id again and again with one compiler (a stream redefined)', () => {
    const compiler = createSchemaCompiler();
    for (let version = 1; version <= 3; version++) {
      const schema = { $id: 'https://streamgate.example/quotes', type: 'object', properties: { v: { const: version } } };
      expect(validateStreamDefinition({ name: 'quotes', schema }, compiler).schema).toEqual(schema);
    }
  });
});
