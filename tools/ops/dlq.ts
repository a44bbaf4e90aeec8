// `npm run dlq -- --stream <name> [--since 1h] [--limit 100]`: recent dead letters of a stream
// with reason, detail and source coordinates (read from records.dlq, nothing is consumed away).
import { TopicName, recordsDlqCodec } from '@streamgate/contracts';
import type { DeadLetter } from '@streamgate/contracts';
import { onSkippedBatches } from '@streamgate/kafka';
import { fail, flags, sinceMs, toolKafka } from './cli-kafka';

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2), ['stream']);
  const limit = Number(args.limit ?? 100);
  const { kafka, topics } = toolKafka('streamgate-dlq');
  const topic = topics.name(TopicName.RecordsDlq);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  const starts = await admin.fetchTopicOffsetsByTimestamp(topic, sinceMs(args.since));
  await admin.disconnect();
  const remaining = new Map(ends.filter((e) => Number(e.offset) > Number(starts.find((s) => s.partition === e.partition)?.offset ?? e.offset)).map((e) => [e.partition, Number(e.offset) - 1]));
  if (remaining.size === 0) return void console.log(`no dead letters for ${args.stream} since ${args.since ?? '1h'}`);
  const consumer = kafka.consumer({ groupId: `${topics.prefix}streamgate.tools.dlq.${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic });
  let shown = 0;
  let unreadable = 0;
  const done = new Promise<void>((resolve) => {
    // records.dlq is written in transactions: a partition may end on a commit marker, which
    // eachMessage never sees.
    onSkippedBatches(consumer, ({ partition, lastOffset }) => {
      if (Number(lastOffset) >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
      if (remaining.size === 0) resolve();
    });
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        let letter: DeadLetter | undefined;
        try {
          letter = recordsDlqCodec.decode(message);
        } catch {
          unreadable++;
        }
        const header = letter?.headers;
        if (header && header.stream === args.stream && shown < limit) {
          shown++;
          const value = letter?.value?.toString() ?? '';
          console.log(`${new Date(Number(message.timestamp)).toISOString()}  ${header.reason}  ${header['source-topic']}:${header['source-partition']}:${header['source-offset']}\n  ${header.detail}\n  value: ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`);
        }
        if (Number(message.offset) >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
        if (remaining.size === 0) resolve();
      },
    });
  });
  for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });
  await done;
  await consumer.disconnect();
  console.log(`${shown} dead letter(s) for ${args.stream} since ${args.since ?? '1h'}${shown >= limit ? ` (first ${limit})` : ''}`);
  if (unreadable > 0) console.log(`${unreadable} message(s) on ${topic} without valid dead-letter headers (not shown)`);
}

main().catch(fail);
