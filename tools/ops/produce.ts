// `npm run produce -- --stream <name> --file records.ndjson [--key-field symbol]`: publishes a
// file, one record per line, to the stream's source topic with kafkajs, showing progress.
// Lines are sent as they are (a malformed line ends up in records.dlq, as it would in production).
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Partitioners } from 'kafkajs';
import type { Message } from 'kafkajs';
import { fail, flags, sourceTopicOf, toolKafka } from './cli-kafka';

const BATCH = 500;

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2), ['stream', 'file']);
  const { kafka, topics } = toolKafka('streamgate-produce');
  const topic = await sourceTopicOf(kafka, topics, args.stream as string);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const total = statSync(args.file as string).size;
  const started = Date.now();
  let bytes = 0;
  let sent = 0;
  let batch: Message[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.send({ topic, acks: -1, messages: batch });
    sent += batch.length;
    batch = [];
    progress(sent, bytes, total, started);
  };
  for await (const line of createInterface({ input: createReadStream(args.file as string), crlfDelay: Infinity })) {
    bytes += Buffer.byteLength(line) + 1;
    if (line.trim() === '') continue;
    batch.push({ key: keyOf(line, args['key-field']), value: line });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await producer.disconnect();
  process.stderr.write('\n');
  console.log(`produced ${sent} records to ${topic} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function keyOf(line: string, field: string | undefined): string | null {
  if (!field) return null;
  try {
    const value = (JSON.parse(line) as Record<string, unknown>)[field];
    return value === undefined || value === null ? null : String(value);
  } catch {
    return null;
  }
}

function progress(sent: number, bytes: number, total: number, started: number): void {
  const ratio = total === 0 ? 1 : Math.min(1, bytes / total);
  const width = 30;
  const filled = Math.round(ratio * width);
  const rate = Math.round(sent / Math.max(0.001, (Date.now() - started) / 1000));
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${sent} records  ${rate} rec/s`);
}

main().catch(fail);
