import { ContractViolation, DlqReason, parseEnvelope } from '@streamgate/contracts';
import { deadLetter, headerText } from '@streamgate/kafka';
import type { Batch, Message } from '@streamgate/kafka';

export interface EnrichedBatch {
  /** Messages for records.enriched, keyed like their input so per-key order holds. */
  enriched: Message[];
  /** Messages for records.dlq. */
  dead: Message[];
}

/**
 * The enrichment hot path over one batch of records.validated: parse each Envelope once,
 * stamp `meta.enrichedAt`, serialize once. (Per-stream steps arrive with the stream catalog.)
 */
export function enrichBatch(batch: Pick<Batch, 'topic' | 'partition' | 'messages'>, now: string): EnrichedBatch {
  const enriched: Message[] = [];
  const dead: Message[] = [];
  for (const message of batch.messages) {
    try {
      const envelope = parseEnvelope(JSON.parse(message.value?.toString('utf8') ?? ''));
      envelope.meta = { ...envelope.meta, enrichedAt: now };
      enriched.push({ key: message.key, value: JSON.stringify(envelope), headers: { stream: envelope.stream } });
    } catch (error) {
      const detail = error instanceof ContractViolation ? error.message : `not JSON: ${(error as Error).message}`;
      const stream = headerText(message, 'stream') ?? '';
      dead.push(deadLetter(batch, message, { stream, reason: DlqReason.BadEnvelope, detail }));
    }
  }
  return { enriched, dead };
}
