// `npm run bench:metering [-- --events 100000]`: usage events/s that metering counts into
// PostgreSQL exactly once (dedupe, aggregates and offsets in one transaction per batch),
// against the same events drained by a bare kafkajs passthrough in the same run.
import '@streamgate/kafka'; // first: kafkajs's consumer loads with the fixed aborted-record filter
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { TopicName, usageEventsCodec } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import { AppProcess } from '@streamgate/dev-stack';
import { provisionTopics } from '@streamgate/kafka';
import { drainRate, log, numberArg, runBench, startPassthrough, topicCount } from './bench-stack';

const EVENTS = numberArg('events', 100_000);

runBench([], async ({ kafka, platform, topics }) => {
  const usageTopic = topics.name(TopicName.UsageEvents);
  const copy = `${platform.prefix}bench.usage-copy`;
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, [{ topic: copy, partitions: 6, compacted: false }]);
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const minute = Date.parse('2026-11-28T00:00:00Z');
  log(`producing ${EVENTS} usage events (100 partners x 5 streams, one event per subscription window)`);
  for (let from = 0; from < EVENTS; from += 1_000) {
    const messages = Array.from({ length: Math.min(1_000, EVENTS - from) }, (_, j) => {
      const i = from + j;
      const windowStart = minute + Math.floor(i / 500) * 2_000;
      const event: UsageEvent = {
        id: `bench:${i}`,
        partnerId: `p${i % 100}`,
        stream: `s${i % 5}`,
        source: 'bench',
        windowStart: new Date(windowStart).toISOString(),
        windowEnd: new Date(windowStart + 2_000).toISOString(),
        counters: { recordsDelivered: 1 + (i % 50), bytesDelivered: 1_000 * (1 + (i % 50)) },
      };
      return usageEventsCodec.encode(event);
    });
    await producer.send({ topic: usageTopic, acks: -1, messages });
  }
  await producer.disconnect();

  const passthrough = await drainRate(EVENTS, topicCount(kafka, copy), () => startPassthrough(usageTopic, copy, `${platform.prefix}bench`));
  log(`passthrough: ${passthrough.toFixed(0)} events/s`);
  const metering = new AppProcess({ app: 'metering', env: platform.env, port: 3904, output: join(platform.logDir, 'metering.log') });
  const counted = async () => {
    const text = await fetch(`${metering.url}/metrics`).then((r) => r.text(), () => '');
    return Number(/streamgate_metering_usage_events_total\{outcome="counted"\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  const meteringRate = await drainRate(EVENTS, counted, async () => {
    await metering.start();
    return () => metering.stop();
  });
  log(`metering: ${meteringRate.toFixed(0)} events/s`);
  return { events: EVENTS, passthroughPerSecond: Math.round(passthrough), meteringPerSecond: Math.round(meteringRate), ratio: +(meteringRate / passthrough).toFixed(2) };
});
