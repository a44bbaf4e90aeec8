import { ContractViolation, ContractViolationCode } from '../contract-violation';
import { readJson } from '../contract-checks';
import { TopicName } from '../topics';
import { parseUsageEvent } from '../usage';
import type { UsageEvent } from '../usage';
import { keyText } from './topic-codec';
import type { TopicCodec } from './topic-codec';

export interface UsageMessage {
  key: string;
  value: string;
}

/**
 * usage.events, keyed by partner id (one partner's events stay in order on one partition).
 * Producers are typed, not re-checked: a send that threw would be retried forever and hold back
 * every later event; metering checks each event it reads and refuses (never counts) a bad one.
 */
export const usageEventsCodec: TopicCodec<UsageEvent, UsageMessage> = {
  topic: TopicName.UsageEvents,
  encode: (event) => ({ key: event.partnerId, value: JSON.stringify(event) }),
  decode: (message) => {
    const event = parseUsageEvent(readJson('usage event', message.value));
    // A reader holding only values (metering keeps offset and value) passes no key; a Kafka message's key must be the partner id.
    const key = keyText(message.key);
    if (message.key !== undefined && key !== event.partnerId) throw new ContractViolation('usage event', `key ${JSON.stringify(key ?? null)} is not the partner id ${JSON.stringify(event.partnerId)}`, ContractViolationCode.InvalidKey);
    return event;
  },
};
