// Fuzz targets for ingest (issue 13): normalization of Kafka records and HTTP publish bodies
// over random raw JSON text — deep, wide, long, unicode (lone surrogates, invalid UTF-8), huge
// numbers, duplicate keys, malformed. Each record must become an Envelope that re-reads as the
// same data, or a dead letter with a coded reason; nothing else, and never a throw.
// `npm test` runs each target FUZZ_RUNS times (default 10,000) with a fixed seed, so a failure
// reproduces; `npm run fuzz` runs them longer with FUZZ_SEED=random (the seed is printed).
import fc from 'fast-check';
import { recordLimitsOf } from '@streamgate/config';
import { DlqReason, checkRecordStructure } from '@streamgate/contracts';
import type { KafkaMessage } from '@streamgate/kafka';
import { compileStream, createSchemaCompiler } from '@streamgate/streams';
import { fuzzTarget } from '@streamgate/testing';
import type { CompiledStream } from '@streamgate/streams';
import { loadIngestConfig } from '../config/ingest.config';
import { parsePublishBody } from '../publish/publish-request';
import { normalizeBatch } from './normalize';

const fuzz = fuzzTarget('ingest', 20261303);
const RUNS = fuzz.runs;
jest.setTimeout(Math.max(120_000, RUNS * 10));

// Jest captures 100 frames per Error; Node's default of 10 makes thrown errors as cheap as in production.
const jestStackTraceLimit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 10;
});
afterAll(() => {
  Error.stackTraceLimit = jestStackTraceLimit;
});

const settings = fuzz.settings<unknown>();

// The default structural limits, as ingest starts with them; a record size that some deep
// records exceed, so TOO_LARGE is exercised too.
const LIMITS = recordLimitsOf(loadIngestConfig({}));
const MAX_RECORD_BYTES = 32 * 1024;
const NOW = '2026-11-28T12:00:00.000Z';

const compile = (schema: Record<string, unknown> | undefined): CompiledStream =>
  compileStream({ name: 'fuzz', ...(schema ? { schema } : {}), source: { topic: 'ingest.fuzz' }, enrich: [], version: 1, updatedAt: NOW }, { ajv: createSchemaCompiler(), hashKey: '' });
// No schema; a flat one; a recursive one, which walks every level of `nested`.
const STREAMS = [
  compile(undefined),
  compile({ type: 'object', properties: { price: { type: 'number' }, symbol: { type: 'string', maxLength: 8 } } }),
  compile({ $defs: { node: { type: ['object', 'array', 'number', 'string', 'boolean', 'null'], items: { $ref: '#/$defs/node' }, additionalProperties: { $ref: '#/$defs/node' } } }, $ref: '#/$defs/node' }),
];

// ---------------------------------------------------------------------------------------------
// Raw JSON text, built as text so that duplicate keys and unrepresentable numbers get through.

const NUMBERS = ['1e400', '-1e999', '1e-400', '-0', '5e-324', '1.7976931348623157e308', '1.8e308', '123456789012345678901234567890', '0.1', '9007199254740993'];
const numberText = fc.oneof(fc.constantFrom(...NUMBERS), fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)));
const stringText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\ud800"', '"\\udc00x"', '"\\u0000"', '"\\u00e9"', '"😀"', '"ж"'),
);
// Few keys, so duplicates within one object are frequent.
const keyText = fc.oneof(fc.constantFrom('"a"', '"b"', '"price"', '"symbol"', '"__proto__"', '"constructor"', '"\\ud800"', '""'), stringText);
const scalarText = fc.oneof(numberText, stringText, fc.constantFrom('true', 'false', 'null'));
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'json' },
    scalarText,
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(keyText, tie('value')), { maxLength: 5 }).map((pairs) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',')}}`),
  ),
})).value;
const objectText = fc.array(fc.tuple(keyText, valueText), { maxLength: 6 }).map((pairs) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',')}}`);

// Sizes around each limit, and now and then far past it (the 5,000 levels of the issue).
const around = (limit: number, far: number) => fc.oneof({ weight: 3, arbitrary: fc.nat(20) }, { weight: 3, arbitrary: fc.integer({ min: limit - 2, max: limit + 2 }) }, { weight: 1, arbitrary: fc.integer({ min: limit, max: far }) });
const deepText = fc.tuple(around(LIMITS.maxDepth, 6_000), fc.boolean()).map(([levels, arrays]) =>
  arrays ? `{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
);
const wideText = fc.tuple(around(LIMITS.maxFields, 3 * LIMITS.maxFields), fc.nat(3)).map(([keys, dupEvery]) => `{${Array.from({ length: keys }, (_, i) => `"k${dupEvery ? i % (keys >> dupEvery || 1) : i}":${i}`).join(',')}}`);
const longText = around(LIMITS.maxArrayLength, 2 * LIMITS.maxArrayLength).map((length) => `{"values":[${new Array<string>(length).fill('0').join(',')}]}`);
// Truncated, spliced and mangled texts: mostly malformed JSON.
const mangledText = fc.tuple(objectText, fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })).map(([text, at, insert]) => {
  const cut = at % (text.length + 1);
  return at % 2 === 0 ? text.slice(0, cut) : text.slice(0, cut) + insert + text.slice(cut);
});
const recordText = fc.oneof(
  { weight: 6, arbitrary: objectText },
  { weight: 1, arbitrary: valueText },
  { weight: 2, arbitrary: deepText },
  { weight: 1, arbitrary: wideText },
  { weight: 1, arbitrary: longText },
  { weight: 2, arbitrary: mangledText },
);
// As bytes; sometimes with invalid UTF-8 spliced in, or no bytes at all.
const recordBytes = fc.oneof(
  { weight: 10, arbitrary: recordText.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.tuple(recordText, fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.nat()).map(([text, junk, at]) => spliceBytes(text, junk, at)) },
  { weight: 1, arbitrary: fc.constant(null) },
);

function spliceBytes(text: string, junk: Uint8Array, at: number): Buffer {
  const bytes = Buffer.from(text);
  const cut = at % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from(junk), bytes.subarray(cut)]);
}

const headers = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'x'.repeat(257), 'ptn_a:t-1'), fc.string({ unit: 'binary', maxLength: 4 })),
    time: fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()), fc.string({ maxLength: 8 })),
    publisher: fc.constantFrom('ptn_a', ''),
  },
  { requiredKeys: [] },
);
// Kafka timestamps are any int64 a producer sets.
const timestamp = fc.oneof({ weight: 8, arbitrary: fc.constant('1764331200000') }, { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) });
const message = fc.record({ value: recordBytes, headers: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headers }), timestamp });

// ---------------------------------------------------------------------------------------------
// What a good outcome is.

/** Same JSON data: numbers by value (0 and -0 alike), so Infinity written as null is a difference. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const DEAD_REASONS: readonly string[] = [
  DlqReason.InvalidJson,
  DlqReason.SchemaViolation,
  DlqReason.TooLarge,
  DlqReason.BadHeader,
  DlqReason.TooDeep,
  DlqReason.TooManyFields,
  DlqReason.ArrayTooLong,
];

const text = (value: unknown) => (value === undefined ? undefined : String(value));

// Plain checks in the properties: Jest's expect costs more than the code under test here.
function ensure(condition: boolean, failure: string): void {
  if (!condition) throw new Error(failure);
}

describe('fuzz: ingest normalization', () => {
  it(`turns every record into an Envelope of the same data or a coded dead letter, never a throw (${RUNS} cases)`, () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), fc.nat(STREAMS.length - 1), (messages, which) => {
        const kafka = messages.map(({ value, headers, timestamp }, i) => ({
          // Its index: an Envelope names its source record by key.
          key: Buffer.from(String(i)),
          value,
          offset: String(i),
          timestamp,
          attributes: 0,
          headers: Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, Buffer.from(v)])),
        })) as unknown as KafkaMessage[];
        const out = normalizeBatch({ topic: 'ingest.fuzz', partition: 0, messages: kafka }, { stream: STREAMS[which], maxRecordBytes: MAX_RECORD_BYTES, limits: LIMITS, now: NOW, seen: () => false });
        // Every record has exactly one outcome, whatever the others in its batch are.
        ensure(out.valid.length + out.dead.length + out.duplicates === kafka.length, 'a record without exactly one outcome');
        for (const letter of out.dead) {
          const reason = text(letter.headers?.reason) ?? '';
          seen[reason] = (seen[reason] ?? 0) + 1;
          ensure(DEAD_REASONS.includes(reason), `unexpected dead-letter reason ${reason}: ${text(letter.headers?.detail)}`);
          ensure((text(letter.headers?.detail)?.length ?? 0) > 0, 'a dead letter without detail');
          ensure(letter.value === kafka[Number(text(letter.headers?.['source-offset']))]?.value, 'a dead letter without its original bytes');
        }
        for (const valid of out.valid) {
          seen.valid = (seen.valid ?? 0) + 1;
          const envelope = JSON.parse(String(valid.value)) as { key: string; data: unknown };
          const source = kafka[Number(envelope.key)];
          ensure(sameJson(envelope.data, JSON.parse(source?.value?.toString('utf8') ?? '')), 'an Envelope whose data differs from the record');
          ensure(checkRecordStructure(envelope.data, LIMITS) === undefined, 'an Envelope over a structural limit');
        }
      }),
      settings,
    );
    // Every side is exercised.
    for (const outcome of ['valid', ...DEAD_REASONS]) expect({ outcome, seen: (seen[outcome] ?? 0) > 0 }).toEqual({ outcome, seen: true });
  });
});

describe('fuzz: HTTP publish bodies', () => {
  const CODES = ['INVALID_BODY', 'TOO_MANY_RECORDS', 'INVALID_RECORDS', 'TOO_DEEP', 'TOO_MANY_FIELDS', 'ARRAY_TOO_LONG'];
  const limits = { maxRecords: 3, maxRecordBytes: MAX_RECORD_BYTES, structure: LIMITS };

  it(`accepts records that re-read as the same data, or refuses with a coded error, never a throw (${RUNS} cases)`, () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(fc.array(recordText, { minLength: 1, maxLength: 4 }), fc.nat(STREAMS.length - 1), (datas, which) => {
        let body: unknown;
        try {
          // As Express hands it over: the whole body parsed once.
          body = JSON.parse(`{"records":[${datas.map((data, i) => `{"id":"r-${i}","data":${data}}`).join(',')}]}`);
        } catch {
          return; // 400 INVALID_JSON before the service runs
        }
        const parsed = parsePublishBody(body, STREAMS[which] as CompiledStream, limits, 'ptn_a');
        if (!parsed.ok) {
          seen[parsed.code] = (seen[parsed.code] ?? 0) + 1;
          ensure(CODES.includes(parsed.code), `unexpected code ${parsed.code}`);
          return;
        }
        seen.ok = (seen.ok ?? 0) + 1;
        for (const record of parsed.records) {
          ensure(sameJson(JSON.parse(record.value), record.data), 'a record whose written value differs from its data');
          ensure(checkRecordStructure(record.data, LIMITS) === undefined, 'a record over a structural limit');
        }
      }),
      settings,
    );
    for (const outcome of ['ok', ...CODES.filter((c) => c !== 'INVALID_BODY')]) expect({ outcome, seen: (seen[outcome] ?? 0) > 0 }).toEqual({ outcome, seen: true });
  });
});
