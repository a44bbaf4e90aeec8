import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicSpec } from '@streamgate/contracts';

/**
 * Creates missing topics with their partitions, compaction and retention, and raises the
 * partition count of existing ones that have fewer than specified (never lowers it).
 */
export async function provisionTopics(admin: Admin, specs: TopicSpec[], options: { grow?: boolean } = {}): Promise<{ created: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    // kafkajs's own waitForLeaders gives up when a broker does not know a brand-new topic yet
    // (UNKNOWN_TOPIC_OR_PARTITION), which KRaft answers for a moment under load; poll instead.
    await admin.createTopics({ topics: missing.map(toTopicConfig), waitForLeaders: false });
    await waitForLeaders(admin, missing.map((s) => s.topic), 30_000, new Map(missing.map((s) => [s.topic, s.partitions])));
  }
  const present = specs.filter((s) => existing.has(s.topic));
  if (present.length > 0 && options.grow !== false) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
    const grow = metadata.topics
      .map((t) => ({ topic: t.name, have: t.partitions.length, want: present.find((s) => s.topic === t.name)?.partitions ?? 0 }))
      .filter((t) => t.have < t.want);
    if (grow.length > 0) {
      await admin.createPartitions({ topicPartitions: grow.map((g) => ({ topic: g.topic, count: g.want })) });
      await waitForLeaders(admin, grow.map((g) => g.topic), 30_000, new Map(grow.map((g) => [g.topic, g.want])));
    }
  }
  return { created: missing.map((s) => s.topic) };
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  const configEntries = [{ name: 'cleanup.policy', value: spec.compacted ? 'compact' : 'delete' }];
  if (spec.retentionMs !== undefined && !spec.compacted) {
    configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  }
  if (spec.maxMessageBytes !== undefined) configEntries.push({ name: 'max.message.bytes', value: String(spec.maxMessageBytes) });
  return { topic: spec.topic, numPartitions: spec.partitions, replicationFactor: -1, configEntries };
}

/**
 * Resolves once every partition of the topics has a leader, and each topic has at least the
 * partitions `expected` names (metadata lags a creation for a moment; polls, 30 s at most).
 */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000, expected = new Map<string, number>()): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const ready = (t: (typeof found)[number]) => t.partitions.length >= (expected.get(t.name) ?? 1) && t.partitions.every((p) => p.leader >= 0);
      if (found.length === topics.length && found.every(ready)) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
