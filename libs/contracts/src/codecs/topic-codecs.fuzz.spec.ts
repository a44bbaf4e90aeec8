// Fuzz target for the topic codecs: whatever a topic holds, decoding returns a payload or throws
// a coded ContractViolation — never another error — and whatever decodes also encodes, and
// decodes again to the same payload. Inputs: garbage text, arbitrary JSON, and valid payloads
// with one field replaced or removed. libs/contracts may import no other lib (its boundary), so
// the settings of libs/testing's fuzzTarget are repeated here: FUZZ_RUNS, FUZZ_SEED as in `npm run fuzz`.
import fc from 'fast-check';
import { ContractViolation, ContractViolationCode } from '../contract-violation';
import { TopicName } from '../topics';
import { apiKey, deadLetter, entitlements, envelope, partner, quota, referenceRow, streamDefinition, usageEvent } from './codecs.fixtures';
import type { InboundMessage, TopicCodec } from './topic-codec';
import { TOPIC_CODECS } from './topic-codecs';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20261204);
if (process.env.FUZZ_SEED !== undefined) console.log(`topic codecs fuzz: seed ${SEED}, ${RUNS} runs per target`);
const settings = (runs = RUNS): fc.Parameters<unknown> => ({ numRuns: runs, seed: SEED, endOnFailure: true });
jest.setTimeout(Math.max(60_000, RUNS * 5));

const CODES = new Set<string>(Object.values(ContractViolationCode));
/** Each topic with a valid payload and the key it is written under. */
const VALID: Record<TopicName, { key: string; value: object }> = {
  [TopicName.RecordsValidated]: { key: 'trades/ACME', value: envelope },
  [TopicName.RecordsEnriched]: { key: 'trades/ACME', value: envelope },
  [TopicName.RecordsDlq]: { key: 'k', value: deadLetter.headers },
  [TopicName.ControlStreams]: { key: 'trades', value: streamDefinition },
  [TopicName.ControlEntitlements]: { key: 'ptn_a', value: entitlements },
  [TopicName.ControlPartners]: { key: 'ptn_a', value: partner },
  [TopicName.ControlQuotas]: { key: 'ptn_a', value: quota },
  [TopicName.ControlReference]: { key: 'instruments/ACME', value: referenceRow },
  [TopicName.ControlKeys]: { key: 'abcdefghijkl', value: apiKey },
  [TopicName.UsageEvents]: { key: 'ptn_a', value: usageEvent },
};

const topic = fc.constantFrom(...Object.values(TopicName));
/** A valid payload with one field replaced by any JSON value, or removed. */
const mutated = (valid: object) =>
  fc.tuple(fc.constantFrom(...Object.keys(valid)), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined })).map(([field, value]) => ({ ...valid, [field]: value }));
const input = topic.chain((name) =>
  fc.record({
    name: fc.constant(name),
    key: fc.oneof(fc.constant(VALID[name].key), fc.string(), fc.constant(null)),
    payload: fc.oneof(mutated(VALID[name].value), fc.constant(VALID[name].value), fc.jsonValue({ maxDepth: 3 })),
    // Mostly JSON, sometimes any text (a foreign producer, a truncated write).
    garbage: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.string(), weight: 1 }),
  }),
);

/** The message a topic would hold: the payload as value (DLQ: as headers), or garbage text. */
function messageOf({ name, key, payload, garbage }: { name: TopicName; key: string | null; payload: unknown; garbage: string | undefined }): InboundMessage {
  const text = garbage ?? JSON.stringify(payload) ?? null;
  if (name !== TopicName.RecordsDlq) return { key, value: text === null ? null : Buffer.from(text) };
  const headers = typeof payload === 'object' && payload !== null ? Object.fromEntries(Object.entries(payload).map(([h, v]) => [h, typeof v === 'string' ? Buffer.from(v) : undefined])) : {};
  return { key, value: text === null ? null : Buffer.from(text), headers };
}

describe('topic codec fuzzing', () => {
  it('decodes or refuses with a coded ContractViolation; what decodes re-encodes to the same payload', () => {
    fc.assert(
      fc.property(input, (case_) => {
        const codec = TOPIC_CODECS[case_.name] as unknown as TopicCodec<unknown>;
        let decoded: unknown;
        try {
          decoded = codec.decode(messageOf(case_));
        } catch (error) {
          if (!(error instanceof ContractViolation) || !CODES.has(error.code)) throw error;
          return;
        }
        const again = codec.encode(decoded);
        const headers = again.headers && Object.fromEntries(Object.entries(again.headers).map(([h, v]) => [h, Buffer.from(v)]));
        expect(codec.decode({ key: again.key, value: again.value, headers })).toEqual(decoded);
      }),
      settings(),
    );
  });

  it('round-trips every generated Envelope', () => {
    const time = fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    const object = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }));
    const generated = fc.record({ id: fc.string({ minLength: 1 }), stream: fc.string({ minLength: 1 }), key: fc.option(fc.string(), { nil: null }), time, ingestedAt: time, data: object, meta: object });
    fc.assert(
      fc.property(generated, (value) => {
        const codec = TOPIC_CODECS[TopicName.RecordsEnriched];
        const message = codec.encode(value);
        expect(codec.decode({ key: message.key, value: Buffer.from(message.value) })).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      settings(Math.ceil(RUNS / 10)),
    );
  });
});
