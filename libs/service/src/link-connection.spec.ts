import { HealthRegistry } from './health.registry';
import { connectLink } from './link-connection';

describe('connectLink', () => {
  it('retries with backoff until the link answers, reporting it down with its last error meanwhile', async () => {
    const health = new HealthRegistry();
    health.markRunning();
    const warnings: Array<Record<string, unknown>> = [];
    const waits: number[] = [];
    const reports: unknown[] = [];
    let attempts = 0;
    const connected = connectLink(
      health,
      {
        link: 'postgres',
        connect: async () => {
          attempts++;
          if (attempts < 4) throw new Error(`refused by postgres://app:pw-${attempts}@db/x`);
        },
        check: async () => undefined,
      },
      {
        backoffMs: [1, 2],
        logger: { log: () => undefined, warn: (entry: Record<string, unknown>) => void warnings.push(entry) },
        wait: async (ms) => {
          waits.push(ms);
          reports.push((await health.readiness()).links.postgres);
        },
      },
    );
    await connected;
    expect(attempts).toBe(4);
    expect(waits).toEqual([1, 2, 2]);
    expect(reports).toEqual(Array(3).fill({ status: 'down', error: 'not connected: refused by postgres://app:***@db/x' }));
    expect(warnings.map((w) => [w.attempt, w.error])).toEqual([1, 2, 3].map((n) => [n, 'refused by postgres://app:***@db/x']));
    expect(JSON.stringify(warnings)).not.toMatch(/pw-\d/);
    expect(await health.readiness()).toEqual({ status: 'ok', phase: 'running', links: { postgres: { status: 'up' } } });
  });

  it('reports through the link check once connected', async () => {
    const health = new HealthRegistry();
    health.markRunning();
    await connectLink(health, {
      link: 'kafka',
      connect: async () => undefined,
      check: async () => {
        throw new Error('no answer within 3000 ms');
      },
    });
    expect((await health.readiness()).links).toEqual({ kafka: { status: 'down', error: 'no answer within 3000 ms' } });
  });

  it('gives up when the app stops', async () => {
    const health = new HealthRegistry();
    const connected = connectLink(
      health,
      {
        link: 'kafka',
        connect: async () => {
          throw new Error('refused');
        },
        check: async () => undefined,
      },
      { backoffMs: [1], logger: { log: () => undefined, warn: () => undefined }, wait: async () => health.markStopping() },
    );
    await expect(connected).rejects.toThrow('kafka: stopped before connecting (refused)');
  });
});
