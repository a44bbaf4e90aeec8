import { ContractViolation, DlqReason, parseEnvelope } from '@streamgate/contracts';
import { deadLetter, headerText } from '@streamgate/kafka';
import type { Batch, Message } from '@streamgate/kafka';
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
}

/**
 * The enrichment hot path over one batch of records.validated: parse each Envelope once, run
 * its stream's compiled steps, stamp `meta.enrichedAt`, serialize once.
 */
export function enrichBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>, context: EnrichContext): EnrichedBatch {
  const enriched: Message[] = [];
  const dead: Message[] = [];
  for (const message of batch.messages) {
    let envelope;
    try {
      envelope = parseEnvelope(JSON.parse(message.value?.toString('utf8') ?? ''));
    } catch (error) {
      const detail = error instanceof ContractViolation ? error.message : `not JSON: ${(error as Error).message}`;
      dead.push(deadLetter(batch, message, { stream: headerText(message, 'stream') ?? '', reason: DlqReason.BadEnvelope, detail }));
      continue;
    }
    const stream = context.stream(envelope.stream);
    if (!stream) {
      dead.push(deadLetter(batch, message, { stream: envelope.stream, reason: DlqReason.UnknownStream, detail: `stream ${envelope.stream} is not defined (deleted?)` }));
      continue;
    }
    const outcome = stream.enrich(envelope, context.lookup);
    if (!outcome.ok) {
      dead.push(deadLetter(batch, message, { stream: envelope.stream, reason: DlqReason.EnrichmentFailed, detail: outcome.detail }));
      continue;
    }
    envelope.meta.enrichedAt = context.now;
    enriched.push({ key: message.key, value: JSON.stringify(envelope), headers: { stream: envelope.stream } });
  }
  return { enriched, dead };
}
