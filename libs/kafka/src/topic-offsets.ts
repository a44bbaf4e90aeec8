import type { Admin } from 'kafkajs';

export interface PartitionEnd {
  partition: number;
  /** Next offset to be written (the high watermark). */
  offset: string;
  low: string;
}

/**
 * The end offsets of a topic, retried for a while: right after a topic is created a broker can
 * still answer NOT_LEADER / UNKNOWN_TOPIC for a moment, which kafkajs's admin does not retry.
 */
export async function fetchEndOffsets(admin: Admin, topic: string, timeoutMs = 30_000): Promise<PartitionEnd[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await admin.fetchTopicOffsets(topic)).map(({ partition, offset, low }) => ({ partition, offset, low }));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
