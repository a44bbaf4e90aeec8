// `npm run provision`: creates the contract's topics on KAFKA_BROKERS (an existing cluster, or
// the Job/compose step of a deployment). Reads the same variables as the apps (SSL/SASL too)
// and needs only production dependencies.
import { checkKafkaEnv, kafkaEnv, loadConfig } from '@streamgate/config';
import { Topics } from '@streamgate/contracts';
import { createKafka, provisionTopics } from '@streamgate/kafka';

async function main(): Promise<void> {
  const env = loadConfig(kafkaEnv, process.env, [checkKafkaEnv]);
  const admin = createKafka(env, 'streamgate-provision').admin();
  await admin.connect();
  try {
    const { created } = await provisionTopics(admin, new Topics(env.TOPIC_PREFIX).contractTopics());
    console.log(created.length > 0 ? `created: ${created.join(', ')}` : 'all contract topics exist');
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
