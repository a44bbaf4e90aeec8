import { rmSync } from 'node:fs';
import { freePort, uniqueName } from '@streamgate/testing';
import { ensureKafka } from './kafka-broker';
import type { RunningBroker } from './kafka-broker';
import { localDir } from './paths';
import { ensurePostgres } from './postgres';
import type { RunningPostgres } from './postgres';

/** A Kafka broker and a PostgreSQL server of one test's own: ones it may pause and kill. */
export interface PrivateStack {
  kafka: RunningBroker & { pid: number };
  postgres: RunningPostgres & { pid: number };
  /** Their data and logs, removed by `stop`. */
  home: string;
  stop(): Promise<void>;
}

/**
 * Starts a broker and a database server on free ports, never attaching to running ones: the
 * shared test broker and database must never be paused (other test files and people use them).
 */
export async function startPrivateStack({ log = () => undefined }: { log?: (line: string) => void } = {}): Promise<PrivateStack> {
  const home = localDir('private-stacks', uniqueName('stack-'));
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [kafkaPort, controllerPort, postgresPort] = [...ports] as [number, number, number];
  const stop = async (stops: Array<() => Promise<void>>) => {
    for (const s of stops) await s().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  };
  // Both at once: the broker's JVM start dominates. A small heap: two cores and their memory are shared.
  const [kafka, postgres] = await Promise.allSettled([
    ensureKafka({ port: kafkaPort, controllerPort, home: `${home}/kafka`, attach: false, heap: ['-Xms128m', '-Xmx512m'], log }),
    ensurePostgres({ port: postgresPort, dataDir: `${home}/postgres`, attach: false, log }),
  ]);
  const started = [kafka, postgres].flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop] : []));
  if (kafka.status === 'rejected' || postgres.status === 'rejected' || kafka.value.pid === undefined || postgres.value.pid === undefined) {
    await stop(started);
    const failed = [kafka, postgres].find((r) => r.status === 'rejected');
    throw failed ? failed.reason : new Error('a private broker or database was not started here');
  }
  return {
    kafka: { ...kafka.value, pid: kafka.value.pid },
    postgres: { ...postgres.value, pid: postgres.value.pid },
    home,
    stop: () => stop(started.reverse()),
  };
}
