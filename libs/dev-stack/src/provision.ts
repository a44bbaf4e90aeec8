import { Topics } from '@streamgate/contracts';
import { kafkaEnv, loadConfig } from '@streamgate/config';
import { createKafka, provisionTopics } from '@streamgate/kafka';

/** Creates the contract's topics (records.* with 6 partitions, control.* compacted). */
export async function provisionContractTopics(brokers: string[], prefix = ''): Promise<string[]> {
  const env = loadConfig(kafkaEnv, { ...process.env, KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: prefix });
  const admin = createKafka(env, 'streamgate-provision').admin();
  await admin.connect();
  try {
    const { created } = await provisionTopics(admin, new Topics(prefix).contractTopics());
    return created;
  } finally {
    await admin.disconnect();
  }
}
