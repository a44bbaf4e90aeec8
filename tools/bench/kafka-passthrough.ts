// Baseline for pipeline throughput: a bare kafkajs relay copying one topic to another, the way
// ingest and enrichment move records (eachBatch, one acks=all send per batch), with no parsing,
// validation or enrichment. Usage: node kafka-passthrough.js <from> <to> <groupId>
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { Partitioners } from 'kafkajs';
import { benchKafka } from './bench-kafka';

async function main(): Promise<void> {
  const [from, to, groupId] = process.argv.slice(2);
  if (!from || !to || !groupId) throw new Error('usage: kafka-passthrough <from> <to> <groupId>');
  const kafka = benchKafka('bench-passthrough');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      await producer.send({ topic: to, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    await producer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
