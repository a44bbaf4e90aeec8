import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cacheDir, localDir, repoRoot } from './paths';
import { waitFor } from './wait';

export interface BrokerOptions {
  host?: string;
  port?: number;
  controllerPort?: number;
  /** JVM heap flags. */
  heap?: string[];
  /** Where its data, logs and pid file go (default .local/kafka/<port>). */
  home?: string;
  /**
   * False: never attach to a broker already answering on the port, fail instead. For a broker
   * a test pauses or kills, which must be its own.
   */
  attach?: boolean;
  log?: (line: string) => void;
}

export interface RunningBroker {
  brokers: string[];
  version: string;
  /** True when this call started the broker; false when it found one already answering. */
  started: boolean;
  pid?: number;
  stop(): Promise<void>;
}

/** The Kafka version pinned in tools/kafka/pom.xml (KAFKA_VERSION overrides it). */
export function kafkaVersion(): string {
  if (process.env.KAFKA_VERSION) return process.env.KAFKA_VERSION;
  const pom = readFileSync(join(repoRoot(), 'tools/kafka/pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('tools/kafka/pom.xml has no <kafka.version>');
  return match[1] as string;
}

/**
 * Resolves the broker jars (org.apache.kafka:kafka_2.13 and its runtime dependencies plus a
 * log4j2 backend) from Maven Central into .cache/kafka/<version>/libs, once.
 */
export function resolveBrokerJars(version = kafkaVersion(), log: (line: string) => void = () => undefined): string {
  const libs = cacheDir('kafka', version, 'libs');
  const marker = join(libs, '.complete');
  if (existsSync(marker)) return libs;
  log(`resolving Apache Kafka ${version} from Maven Central into ${libs}`);
  rmSync(libs, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    ['-B', '-q', '-f', join(repoRoot(), 'tools/kafka/pom.xml'), 'dependency:copy-dependencies',
      `-Dkafka.version=${version}`, `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    throw new Error(`mvn could not resolve Kafka ${version} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  if (!readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`no kafka_2.13 jar in ${libs}`);
  writeFileSync(marker, new Date().toISOString());
  return libs;
}

/** True when a Kafka broker answers a metadata request at host:port. */
export async function brokerAnswers(broker: string, timeoutMs = 2_000): Promise<boolean> {
  const admin = new Kafka({
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Attach-or-start: finds a broker already answering on host:port, or starts a single-node
 * KRaft broker+controller there with its data in .local/kafka/<port>. Idempotent.
 */
export async function ensureKafka(options: BrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9092;
  const controllerPort = options.controllerPort ?? port + 1;
  const broker = `${host}:${port}`;
  const log = options.log ?? (() => undefined);
  const version = kafkaVersion();
  if (await brokerAnswers(broker)) {
    if (options.attach === false) throw new Error(`a broker already answers on ${broker}; this one must be started here`);
    return { brokers: [broker], version, started: false, stop: async () => undefined };
  }
  const libs = resolveBrokerJars(version, log);
  const home = options.home ?? localDir('kafka', String(port));
  const dataDir = join(home, 'data');
  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const propsFile = join(home, 'server.properties');
  writeFileSync(propsFile, serverProperties({ host, port, controllerPort, dataDir }));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = `${libs}/*`;
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    log(`formatting KRaft storage in ${dataDir}`);
    const format = spawnSync(
      java,
      ['-cp', classpath, `-Dlog4j2.configurationFile=${join(repoRoot(), 'tools/kafka/log4j2.properties')}`,
        `-Dkafka.logs.dir=${logsDir}`, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', propsFile],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) throw new Error(`kafka storage format failed:\n${format.stdout}${format.stderr}`);
  }
  log(`starting Apache Kafka ${version} on ${broker}`);
  const out = openSync(join(logsDir, 'stdout.log'), 'a');
  const child = spawn(
    java,
    [...(options.heap ?? ['-Xms256m', '-Xmx1g']), '-XX:+UseG1GC', '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'tools/kafka/log4j2.properties')}`, `-Dkafka.logs.dir=${logsDir}`,
      '-cp', classpath, 'kafka.Kafka', propsFile],
    // Detached: Ctrl-C in the terminal reaches our handler, which stops the broker cleanly.
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  const pid = child.pid as number;
  writeFileSync(join(home, 'broker.pid'), String(pid));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  await waitFor(`Kafka on ${broker}`, async () => {
    if (exited !== undefined) throw new Error(`broker exited with ${exited}; see ${logsDir}/server.log`);
    return brokerAnswers(broker);
  }, { timeoutMs: 90_000, intervalMs: 500 });
  return { brokers: [broker], version, started: true, pid, stop: () => stopProcess(pid, join(home, 'broker.pid')) };
}

/** Stops the broker that tools/kafka started on this port, if any. */
export async function stopKafka(port = 9092): Promise<boolean> {
  const pidFile = localDir('kafka', String(port), 'broker.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await stopProcess(pid, pidFile);
  return true;
}

async function stopProcess(pid: number, pidFile: string): Promise<void> {
  if (isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    // A clean shutdown lets the next start skip log recovery.
    await waitFor('Kafka to stop', async () => !isAlive(pid), { timeoutMs: 30_000, intervalMs: 200 }).catch(() => {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A Kafka Uuid: 16 random bytes, URL-safe base64 without padding.
/**
 * A random cluster id as Kafka's `Uuid.randomUuid` makes them: 16 bytes in base64url, never
 * starting with '-' (one in 64 would, and the storage tool then reads it as an option and fails).
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(o: { host: string; port: number; controllerPort: number; dataDir: string }): string {
  return [
    '# Written by libs/dev-stack for a single-node development broker.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${o.host}:${o.controllerPort}`,
    `listeners=PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${o.host}:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${o.dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=67108864',
    '',
  ].join('\n');
}
