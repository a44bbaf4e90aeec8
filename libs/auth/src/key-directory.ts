import type { Admin, Kafka } from 'kafkajs';
import { TopicName, controlKeysCodec } from '@streamgate/contracts';
import type { ApiKeyRecord, KeyScope, Topics } from '@streamgate/contracts';
import { ControlTable } from '@streamgate/kafka';
import { verifyApiKey } from './key-verifier';
import type { KeyCheck } from './key-verifier';

/**
 * Active API keys (hashes) as replicated on control.keys. A revoked key is tombstoned there
 * and stops verifying as soon as this reader sees the tombstone.
 */
export class KeyDirectory {
  private readonly table: ControlTable<ApiKeyRecord>;

  constructor(options: { kafka: Kafka; admin: Admin; topics: Topics; app: string; onChange?: (keyId: string, key: ApiKeyRecord | undefined) => void }) {
    this.table = new ControlTable(options.kafka, options.admin, {
      topic: options.topics.name(TopicName.ControlKeys),
      groupPrefix: `${options.topics.prefix}streamgate.${options.app}.control.keys`,
      parse: controlKeysCodec.decodeValue,
      onChange: options.onChange,
    });
  }

  start(): Promise<void> {
    return this.table.start();
  }

  stop(): Promise<void> {
    return this.table.stop();
  }

  isActive(keyId: string): boolean {
    return this.table.get(keyId) !== undefined;
  }

  verify(key: string | undefined, scope: KeyScope): KeyCheck {
    return verifyApiKey(key, (id) => this.table.get(id), scope);
  }
}
