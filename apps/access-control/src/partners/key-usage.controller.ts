import { TopicName, usageEventsCodec } from '@streamgate/contracts';
import { ConsumeBatches, ConsumerController } from '@streamgate/kafka';
import type { Batch } from '@streamgate/kafka';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * Keeps each API key's "last used" from usage.events (ingest and delivery report the key the
 * work was done for), so the admin API can show it without any call on the data path.
 */
@ConsumerController()
export class KeyUsageController {
  constructor(private readonly keys: ApiKeysRepository) {}

  @ConsumeBatches(TopicName.UsageEvents, { group: 'access-control.key-usage', name: 'key-usage', topics: [TopicName.UsageEvents], fromBeginning: false })
  async touch(batches: Batch[]): Promise<void> {
    const lastUsed = lastUsedByKey(batches);
    if (lastUsed.size > 0) await this.keys.touch(lastUsed);
  }
}

/** The latest window end per key in a fetch. */
export function lastUsedByKey(batches: Batch[]): Map<string, string> {
  const lastUsed = new Map<string, string>();
  for (const message of batches.flatMap((batch) => batch.messages)) {
    try {
      const event = usageEventsCodec.decode(message);
      if (event.keyId === undefined) continue;
      const seen = lastUsed.get(event.keyId);
      if (!seen || seen < event.windowEnd) lastUsed.set(event.keyId, event.windowEnd);
    } catch {
      // Not ours to judge: metering dead-letters malformed usage events.
    }
  }
  return lastUsed;
}
