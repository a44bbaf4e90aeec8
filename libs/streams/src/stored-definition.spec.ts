import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ContractViolationCode } from '@streamgate/contracts';
import type { CompiledStream } from './compile-stream';
import { createSchemaCompiler } from './definition';
import { compileStoredDefinition } from './stored-definition';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const options = { ajv: createSchemaCompiler(), hashKey: '' };
const stored = (schema: object, version = 1) =>
  Buffer.from(JSON.stringify({ name: 'quotes', schema, source: { topic: 'ingest.quotes' }, enrich: [], version, updatedAt: '2026-12-02T00:00:00.000Z' }));

/** Live objects among `refs` once the current job is over and the heap collected. */
async function live(refs: Array<WeakRef<object>>): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

// In a function of its own, so no suspended frame of the test still holds the last version.
function redefine(table: Map<string, CompiledStream>, schemas: Array<WeakRef<object>>, versions: Array<WeakRef<object>>, from: number, to: number): void {
  for (let version = from; version <= to; version++) {
    const stream = compileStoredDefinition(stored({ $id: 'https://streamgate.example/quotes', type: 'object', properties: { v: { const: version, pattern: `^${version}$` } } }, version), options);
    expect(stream.validate({ v: version })).toBeUndefined();
    expect(stream.validate({ v: version - 1 })).toEqual(expect.any(String));
    table.set('quotes', stream);
    schemas.push(new WeakRef(stream.definition.schema as object));
    versions.push(new WeakRef(stream));
  }
}

describe('compileStoredDefinition', () => {
  it('fails a stored definition with a refused pattern closed: every record is refused with the reason, once reported', () => {
    const refused: string[] = [];
    const stream = compileStoredDefinition(stored({ properties: { user: { type: 'string', pattern: '^(?!admin)\\w+$' } } }, 3), options, (name, error) => refused.push(`${name}: ${error.message}`));
    expect(refused).toEqual([expect.stringContaining('quotes: pattern "^(?!admin)\\\\w+$" at schema.properties.user.pattern is refused')]);
    expect(stream.validate({ user: 'alice' })).toBe(
      'the schema of stream quotes (version 3) is refused, so are its records: pattern "^(?!admin)\\\\w+$" at schema.properties.user.pattern is refused: lookahead and lookbehind are not supported by the linear-time engine',
    );
    expect(stream.validate({})).toEqual(expect.any(String));
    expect(stream.definition.version).toBe(3);
  });

  it('runs a stored catastrophic pattern in linear time', () => {
    const stream = compileStoredDefinition(stored({ properties: { code: { type: 'string', pattern: '^(a+)+$' } } }), options);
    const started = process.hrtime.bigint();
    expect(stream.validate({ code: `${'a'.repeat(26)}!` })).toBe('/code must match pattern "^(a+)+$"');
    expect(stream.validate({ code: 'aaaa' })).toBeUndefined();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
  });

  it('still throws on a value that is not a definition (the table keeps what it had and reports it)', () => {
    expect(() => compileStoredDefinition(Buffer.from('{"name":1}'), options)).toThrow(expect.objectContaining({ code: ContractViolationCode.InvalidValue, message: expect.stringMatching(/^stream definition: name must be/) }));
    expect(() => compileStoredDefinition(Buffer.from('{'), options)).toThrow(expect.objectContaining({ code: ContractViolationCode.InvalidJson }));
    expect(() => compileStoredDefinition(stored({}), options, undefined, 'other')).toThrow(expect.objectContaining({ code: ContractViolationCode.InvalidKey }));
  });

  it('keeps one compiled schema alive across 1,000 redefinitions of a stream with an $id, and none once it is deleted', async () => {
    // The catalog's table keeps the latest version per stream; nothing else may hold the older ones.
    const table = new Map<string, CompiledStream>();
    const schemas: Array<WeakRef<object>> = [];
    const versions: Array<WeakRef<object>> = [];
    const started = Date.now();
    redefine(table, schemas, versions, 1, 100);
    await live(schemas);
    const heapAfter100 = process.memoryUsage().heapUsed;
    redefine(table, schemas, versions, 101, 1_000);
    process.stdout.write(`1,000 stream versions compiled in ${Date.now() - started} ms\n`);
    expect(await live(schemas)).toBe(1);
    // A version that leaked would keep its Ajv instance (≥ 12 KB measured): 900 of them ≥ 10 MB.
    const growth = process.memoryUsage().heapUsed - heapAfter100;
    process.stdout.write(`heap growth over the last 900 redefinitions: ${(growth / 1024).toFixed(0)} KiB\n`);
    expect(growth).toBeLessThan(4 * 1024 * 1024);
    expect(await live(versions)).toBe(1);
    table.delete('quotes');
    expect(await live(schemas)).toBe(0);
  }, 120_000);
});
