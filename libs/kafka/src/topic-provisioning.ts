import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicSpec } from '@streamgate/contracts';

/**
 * Creates missing topics with their partitions, compaction and retention, and raises the
 * partition count of existing ones that have fewer than specified (never lowers it).
 */
export async function provisionTopics(admin: Admin, specs: TopicSpec[]): Promise<{ created: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing.map(toTopicConfig), waitForLeaders: true });
  }
  const present = specs.filter((s) => existing.has(s.topic));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
    const grow = metadata.topics
      .map((t) => ({ topic: t.name, have: t.partitions.length, want: present.find((s) => s.topic === t.name)?.partitions ?? 0 }))
      .filter((t) => t.have < t.want);
    if (grow.length > 0) {
      await admin.createPartitions({ topicPartitions: grow.map((g) => ({ topic: g.topic, count: g.want })) });
    }
  }
  return { created: missing.map((s) => s.topic) };
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  const configEntries = [{ name: 'cleanup.policy', value: spec.compacted ? 'compact' : 'delete' }];
  if (spec.retentionMs !== undefined && !spec.compacted) {
    configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  }
  return { topic: spec.topic, numPartitions: spec.partitions, replicationFactor: -1, configEntries };
}
