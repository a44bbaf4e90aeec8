import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthRegistry } from './health.registry';
import { healthEndpoints, refuseWhileStarting } from './health-endpoints';

describe('health endpoints', () => {
  let server: Server;
  let url: string;
  const health = new HealthRegistry();
  let kafkaUp = false;
  health.register('kafka', async () => {
    if (!kafkaUp) throw new Error('not connected: connect ECONNREFUSED 127.0.0.1:1');
  });

  beforeAll(async () => {
    const app = express();
    app.use(healthEndpoints(health), refuseWhileStarting(health));
    app.get('/v1/thing', (_req, res) => void res.json({ ok: true }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('while starting with Kafka down: live 200, ready and /health 503 naming kafka, other routes 503', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok', phase: 'starting' } });
    const ready = {
      status: 503,
      body: { status: 'unavailable', phase: 'starting', links: { kafka: { status: 'down', error: 'not connected: connect ECONNREFUSED 127.0.0.1:1' } } },
    };
    expect(await get('/health/ready')).toEqual(ready);
    expect(await get('/health')).toEqual(ready);
    expect(await get('/v1/thing')).toEqual({ status: 503, body: { error: { code: 'UNAVAILABLE', message: expect.stringContaining('starting') } } });
  });

  it('once running with every link up: ready and /health 200, routes served', async () => {
    kafkaUp = true;
    health.markRunning();
    expect(await get('/health/ready')).toEqual({ status: 200, body: { status: 'ok', phase: 'running', links: { kafka: { status: 'up' } } } });
    expect((await get('/health')).status).toBe(200);
    expect(await get('/v1/thing')).toEqual({ status: 200, body: { ok: true } });
  });

  it('when a link goes down later: not ready, still live, routes still served', async () => {
    kafkaUp = false;
    expect((await get('/health/ready')).status).toBe(503);
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/v1/thing')).status).toBe(200);
  });
});
