// First: kafkajs's consumer must load with the fixed aborted-record filter (libs/kafka/src/kafkajs-preload.ts).
import '@streamgate/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaEnv, loadConfig, parseDuration } from '@streamgate/config';
import type { StreamDefinition } from '@streamgate/contracts';
import { TopicName, Topics, controlStreamsCodec } from '@streamgate/contracts';
import { ControlTable, kafkaClientConfig } from '@streamgate/kafka';

/** A kafkajs client for operator tools, from the same variables the apps read. */
export function toolKafka(clientId: string): { kafka: Kafka; topics: Topics } {
  const env = loadConfig(kafkaEnv, process.env);
  return { kafka: new Kafka({ ...kafkaClientConfig(env, clientId), logLevel: logLevel.ERROR }), topics: new Topics(env.TOPIC_PREFIX) };
}

/** The physical source topic of a stream, read from control.streams (default `ingest.<stream>`). */
export async function sourceTopicOf(kafka: Kafka, topics: Topics, stream: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  const table = new ControlTable<StreamDefinition>(kafka, admin, {
    topic: topics.name(TopicName.ControlStreams),
    groupPrefix: `${topics.prefix}streamgate.tools`,
    parse: controlStreamsCodec.decodeValue,
  });
  try {
    await table.start();
    const definition = table.get(stream);
    if (!definition) throw new Error(`no stream named ${stream} (create it with POST /v1/streams)`);
    return topics.physical(definition.source.topic);
  } finally {
    await table.stop();
    await admin.disconnect();
  }
}

/** `--name value` flags; `required` names must be present. */
export function flags(argv: string[], required: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    out[arg.slice(2)] = value;
    i++;
  }
  for (const name of required) if (!out[name]) throw new Error(`--${name} is required`);
  return out;
}

export function sinceMs(value: string | undefined, fallback = '1h'): number {
  return Date.now() - parseDuration(value ?? fallback);
}

export function fail(error: Error): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
