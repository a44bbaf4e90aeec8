import type { Admin } from 'kafkajs';

/** Resolves when the cluster answers a metadata request within the timeout. */
export async function checkKafka(admin: Admin, timeoutMs = 3_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([admin.describeCluster(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
