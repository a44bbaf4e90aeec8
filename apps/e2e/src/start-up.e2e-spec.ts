import { spawnSync } from 'node:child_process';
import { APP_NAMES } from '@streamgate/contracts';
import { AppProcess, startPlatform } from '@streamgate/dev-stack';
import { dropTestDatabase, expectEventually } from '@streamgate/testing';
import type { TestPlatform } from '@streamgate/dev-stack';

describe('app start-up and health', () => {
  it.each(APP_NAMES)('%s refuses to start with bad configuration and names every bad variable', (app) => {
    const result = spawnSync(process.execPath, [AppProcess.entryPoint(app)], {
      env: { PATH: process.env.PATH, PORT: 'http', KAFKA_BROKERS: 'no-port', KAFKA_SSL: 'perhaps', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    for (const name of ['PORT', 'KAFKA_BROKERS', 'KAFKA_SSL']) expect(result.stderr).toContain(name);
    if (app === 'access-control' || app === 'metering') {
      for (const name of ['DATABASE_URL', 'ADMIN_TOKEN']) expect(result.stderr).toContain(name);
      expect(result.stderr).not.toContain('short');
    }
  });

  describe('GET /health, /health/ready, /health/live and GET /metrics', () => {
    let platform: TestPlatform;

    beforeAll(async () => {
      platform = await startPlatform({ apps: ['access-control', 'ingest'] });
    });

    afterAll(async () => {
      await platform?.stop();
    });

    it('report 200 with the app links up, and Prometheus text with process and app metrics', async () => {
      const ready = { status: 'ok', phase: 'running', links: { kafka: { status: 'up' }, postgres: { status: 'up' }, control: { status: 'up' }, consumer: { status: 'up' } } };
      for (const path of ['/health', '/health/ready']) {
        const health = await fetch(`${platform.url('access-control')}${path}`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual(ready);
      }
      const live = await fetch(`${platform.url('access-control')}/health/live`);
      expect(await live.json()).toEqual({ status: 'ok', phase: 'running' });

      const metrics = await fetch(`${platform.url('ingest')}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toContain('process_cpu_seconds_total');
      expect(text).toContain('streamgate_ingest_batch_seconds_bucket');
    });

    it('answers 503 naming the broken link when PostgreSQL goes away', async () => {
      await dropTestDatabase(String(platform.env.DATABASE_URL));
      await expectEventually(async () => {
        const res = await fetch(`${platform.url('access-control')}/health`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ status: 'unavailable', links: { kafka: { status: 'up' }, postgres: { status: 'down' } } });
      });
      // Not ready, still live: a restart would not bring the database back.
      expect((await fetch(`${platform.url('access-control')}/health/ready`)).status).toBe(503);
      expect((await fetch(`${platform.url('access-control')}/health/live`)).status).toBe(200);
    });
  });
});
