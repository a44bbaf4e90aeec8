// `npm run example:produce -- <stream> '<json>' [key]`: produces one record to ingest.<stream>
// with kafkajs, creating the source topic if it does not exist yet.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import { provisionTopics } from '@streamgate/kafka';

async function main(): Promise<void> {
  const [stream = 'demo', json = '{"hello":"world"}', key] = process.argv.slice(2);
  const topic = new Topics(process.env.TOPIC_PREFIX ?? '').source(stream);
  const kafka = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ topic, partitions: 6, compacted: false }]);
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: key ?? null, value: json }] });
  await producer.disconnect();
  console.log(`produced to ${topic} partition ${meta?.partition} offset ${meta?.baseOffset}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
