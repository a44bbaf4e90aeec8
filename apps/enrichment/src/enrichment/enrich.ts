import { ContractViolation, DlqReason, checkRecordStructure, recordsEnrichedCodec, recordsValidatedCodec } from '@streamgate/contracts';
import type { Envelope, RecordLimits } from '@streamgate/contracts';
import { deadLetter, headerText, oversizeRecordMessage } from '@streamgate/kafka';
import type { Batch, KafkaMessage, Message } from '@streamgate/kafka';
import type { CompiledStream, ReferenceLookup } from '@streamgate/streams';

export interface EnrichedBatch {
  /** Messages for records.enriched, keyed like their input so per-key order holds. */
  enriched: Message[];
  /** Messages for records.dlq. */
  dead: Message[];
}

export interface EnrichContext {
  stream(name: string): CompiledStream | undefined;
  lookup: ReferenceLookup;
  /** ISO-8601 time stamped as `meta.enrichedAt` on the whole batch. */
  now: string;
  /** Structural limits of an Envelope's `data` and `meta`, checked before the steps run. */
  limits: RecordLimits;
}

/** The steps one Envelope goes through; an unexpected error names the step it happened in. */
type EnrichStage = 'parse' | 'validate' | 'route' | 'enrich' | 'serialize';

type Failure = { stream: string; reason: DlqReason; detail: string };

/**
 * The enrichment hot path over one batch of records.validated: parse each Envelope once, run
 * its stream's compiled steps, stamp `meta.enrichedAt`, serialize once. Every record's failure
 * stays its own: it becomes a dead letter and the rest of the batch goes on.
 */
export function enrichBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>, context: EnrichContext): EnrichedBatch {
  const enriched: Message[] = [];
  const dead: Message[] = [];
  for (const message of batch.messages) {
    const result = enrichRecord(message, context);
    if ('reason' in result) dead.push(deadLetter(batch, message, result));
    else enriched.push(result);
  }
  return { enriched, dead };
}

/** One Envelope to its records.enriched message or a dead-letter reason; never throws. */
export function enrichRecord(message: KafkaMessage, context: EnrichContext): Message | Failure {
  let stage: EnrichStage = 'parse';
  let streamName = headerText(message, 'stream') ?? '';
  try {
    let envelope: Envelope;
    try {
      envelope = recordsValidatedCodec.decode(message);
    } catch (error) {
      const detail = error instanceof ContractViolation ? error.message : `not JSON: ${(error as Error).message}`;
      return { stream: streamName, reason: DlqReason.BadEnvelope, detail };
    }
    streamName = envelope.stream;
    stage = 'validate';
    // Only a foreign producer can write an Envelope ingest would refuse; check it before the steps recurse.
    const structure = checkRecordStructure(envelope.data, context.limits) ?? checkRecordStructure(envelope.meta, context.limits);
    if (structure) return { stream: streamName, ...structure };
    stage = 'route';
    const stream = context.stream(envelope.stream);
    if (!stream) return { stream: streamName, reason: DlqReason.UnknownStream, detail: `stream ${envelope.stream} is not defined (deleted?)` };
    stage = 'enrich';
    const outcome = stream.enrich(envelope, context.lookup);
    if (!outcome.ok) return { stream: streamName, reason: DlqReason.EnrichmentFailed, detail: outcome.detail };
    envelope.meta.enrichedAt = context.now;
    stage = 'serialize';
    const out = recordsEnrichedCodec.encode(envelope, message.key);
    const bytes = oversizeRecordMessage(message.key?.toString('utf8') ?? '', out.value);
    if (bytes !== undefined) return { stream: streamName, reason: DlqReason.TooLarge, detail: `the enriched Envelope is ${bytes} bytes, more than records.enriched accepts` };
    return out;
  } catch (error) {
    return { stream: streamName, reason: DlqReason.ProcessingFailed, detail: `${stage}: ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'an unprintable error';
  }
}
