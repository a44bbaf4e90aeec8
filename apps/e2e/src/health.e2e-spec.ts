import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { APP_NAMES } from '@streamgate/contracts';
import type { AppName } from '@streamgate/contracts';
import { AppProcess, envForApp, generateSecrets, localDir, provisionContractTopics } from '@streamgate/dev-stack';
import { createTestDatabase, dropTestDatabase, expectEventually, freePort, testKafkaBrokers, uniqueName } from '@streamgate/testing';

const PASSWORD = `Pw-${uniqueName('x').replace(/[^A-Za-z0-9]/g, '')}`;

interface Health {
  status: number;
  text: string;
  body: { status: string; phase: string; links: Record<string, { status: string; error?: string }> };
}

async function health(app: AppProcess, path: string): Promise<Health> {
  const res = await fetch(`${app.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Health['body'] };
}

describe('liveness, readiness and secrets', () => {
  const logDir = localDir('test-logs', uniqueName('health'));
  const secrets = generateSecrets();
  const running: AppProcess[] = [];
  let databaseUrl: string;

  beforeAll(async () => {
    mkdirSync(logDir, { recursive: true });
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()));
    await dropTestDatabase(databaseUrl).catch(() => undefined);
  });

  async function start(app: AppName, env: NodeJS.ProcessEnv, name: string = app): Promise<AppProcess> {
    const child = new AppProcess({
      app,
      env: { ...process.env, TOPIC_PREFIX: `${uniqueName('health')}.`, DATABASE_URL: databaseUrl, ...secrets, ...env },
      port: await freePort(),
      output: join(logDir, `${name}.log`),
    });
    running.push(child);
    await child.start(60_000, { until: 'live' });
    return child;
  }

  it.each(APP_NAMES)('%s with Kafka unreachable: live 200, ready and /health 503 naming kafka, and it stops cleanly', async (name) => {
    const app = await start(name, { KAFKA_BROKERS: `127.0.0.1:${await freePort()}` }, `${name}-no-kafka`);
    await expectEventually(async () => {
      expect(await health(app, '/health/live')).toMatchObject({ status: 200, body: { status: 'ok', phase: 'starting' } });
      const ready = await health(app, '/health/ready');
      expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', phase: 'starting', links: { kafka: { status: 'down' } } } });
      expect(ready.body.links.kafka?.error).toMatch(/ECONNREFUSED/);
      if (name === 'access-control' || name === 'metering') expect(ready.body.links.postgres).toEqual({ status: 'up' });
      expect(await health(app, '/health')).toMatchObject({ status: 503, body: { links: { kafka: { status: 'down' } } } });
    });
    // The app's own routes are not served before start-up finished: the contract's 503, not a 404.
    const res = await fetch(`${app.url}/v1/streams`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    // SIGTERM ends the connection attempts and the shutdown completes (no SIGKILL after the grace period).
    await app.stop();
    expect(app.exitStatus).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('an app started during a Kafka outage becomes ready once Kafka answers, without a restart', async () => {
    const prefix = `${uniqueName('health')}.`;
    await provisionContractTopics(testKafkaBrokers(), prefix);
    // The broker's address, answering only once the outage ends: a TCP relay started later.
    const [host, port] = (testKafkaBrokers()[0] ?? '').split(':');
    const relayPort = await freePort();
    const app = await start('ingest', { TOPIC_PREFIX: prefix, KAFKA_BROKERS: `127.0.0.1:${relayPort}` }, 'ingest-outage');
    await expectEventually(async () => expect((await health(app, '/health/ready')).body.links.kafka?.error).toMatch(/ECONNREFUSED/));
    const pid = app.pid;
    const relay = await listenRelay(relayPort, host ?? '127.0.0.1', Number(port));
    try {
      await expectEventually(async () => expect(await health(app, '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', phase: 'running' } }), {
        timeoutMs: 30_000,
      });
      expect(app.pid).toBe(pid);
      expect(app.exitStatus).toBeUndefined();
    } finally {
      await app.stop();
      relay.close();
    }
  });

  it('a bad DATABASE_URL is refused at start-up without echoing its password', () => {
    for (const url of [`mysql://streamgate:${PASSWORD}@127.0.0.1:5432/db`, `postgres://streamgate:${PASSWORD}@127.0.0.1:5432:1/db`]) {
      const result = spawnSync(process.execPath, [AppProcess.entryPoint('access-control')], {
        env: { PATH: process.env.PATH, ...envForApp('access-control', { ...secrets, DATABASE_URL: url }) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      // Named, with the user and host an operator needs, the password masked.
      const { error } = JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '{}') as { error?: string };
      expect(error).toMatch(/DATABASE_URL="\w+:\/\/streamgate:\*\*\*@127\.0\.0\.1:5432.*" is invalid/);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    }
  });

  it.each([
    ['refused', async () => `postgres://streamgate:${PASSWORD}@127.0.0.1:${await freePort()}/streamgate`, /ECONNREFUSED/],
    ['with a wrong password', async () => withPassword(databaseUrl, PASSWORD), /password authentication failed/],
  ])('a DATABASE_URL %s: ready 503 naming postgres; its password and the secrets appear in no output', async (what, url, reason) => {
    const app = await start('access-control', { DATABASE_URL: await url() }, `access-control-bad-db-${what.replace(/\W+/g, '-')}`);
    let report: Health | undefined;
    await expectEventually(async () => {
      report = await health(app, '/health/ready');
      expect(report).toMatchObject({ status: 503, body: { links: { postgres: { status: 'down' } } } });
      expect(report.body.links.postgres?.error).toMatch(reason);
    });
    expect((await health(app, '/health/live')).status).toBe(200);
    const health$ = await health(app, '/health');
    await app.stop();
    const output = readFileSync(join(logDir, `access-control-bad-db-${what.replace(/\W+/g, '-')}.log`), 'utf8');
    // The retries were logged, naming the link and the reason.
    expect(output).toMatch(/"link unavailable, retrying","link":"postgres"/);
    for (const text of [output, report?.text ?? '', health$.text]) {
      expect(text).not.toContain(PASSWORD);
      for (const secret of [secrets.ADMIN_TOKEN, secrets.TOKEN_SIGNING_KEY]) expect(text).not.toContain(secret);
    }
  });
});

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** Forwards every connection on `port` to the broker (the broker then names itself to the client). */
async function listenRelay(port: number, host: string, brokerPort: number): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = connect(brokerPort, host);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
