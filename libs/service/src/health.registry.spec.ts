import { rememberSecret } from '@streamgate/config';
import { HealthRegistry } from './health.registry';

const running = (): HealthRegistry => {
  const health = new HealthRegistry();
  health.markRunning();
  return health;
};

describe('HealthRegistry', () => {
  it('is ready when running and every link answers', async () => {
    const health = running();
    health.register('kafka', async () => undefined);
    health.register('postgres', async () => undefined);
    expect(await health.readiness()).toEqual({ status: 'ok', phase: 'running', links: { kafka: { status: 'up' }, postgres: { status: 'up' } } });
  });

  it('is unavailable and names the broken link with its error', async () => {
    const health = running();
    health.register('kafka', async () => undefined);
    health.register('postgres', async () => {
      throw new Error('connection refused');
    });
    expect(await health.readiness()).toEqual({
      status: 'unavailable',
      phase: 'running',
      links: { kafka: { status: 'up' }, postgres: { status: 'down', error: 'connection refused' } },
    });
  });

  it('is not ready while starting or stopping, even with every link up', async () => {
    const health = new HealthRegistry();
    health.register('kafka', async () => undefined);
    expect(await health.readiness()).toMatchObject({ status: 'unavailable', phase: 'starting', links: { kafka: { status: 'up' } } });
    health.markRunning();
    expect((await health.readiness()).status).toBe('ok');
    health.markStopping();
    expect(await health.readiness()).toMatchObject({ status: 'unavailable', phase: 'stopping' });
    // A late markRunning (start-up finishing during a shutdown) does not make it ready again.
    health.markRunning();
    expect(health.phase).toBe('stopping');
  });

  it('is live in every phase without asking any link', async () => {
    const health = new HealthRegistry();
    const check = jest.fn(async () => {
      throw new Error('down');
    });
    health.register('kafka', check);
    expect(health.liveness()).toEqual({ status: 'ok', phase: 'starting' });
    health.markRunning();
    expect(health.liveness()).toEqual({ status: 'ok', phase: 'running' });
    health.markStopping();
    expect(health.liveness()).toEqual({ status: 'ok', phase: 'stopping' });
    expect(check).not.toHaveBeenCalled();
  });

  it('counts a check that does not answer in time as down', async () => {
    const health = running();
    health.checkTimeoutMs = 20;
    health.register('postgres', () => new Promise(() => undefined));
    expect(await health.readiness()).toEqual({ status: 'unavailable', phase: 'running', links: { postgres: { status: 'down', error: 'no answer within 20 ms' } } });
  });

  it('never reports a password or a secret value from an error', async () => {
    rememberSecret('registry-secret-value-123');
    const health = running();
    health.register('postgres', async () => {
      throw new Error('cannot reach postgres://app:Hunter2Pass@db:5432/x with registry-secret-value-123');
    });
    const report = JSON.stringify(await health.readiness());
    expect(report).not.toContain('Hunter2Pass');
    expect(report).not.toContain('registry-secret-value-123');
    expect(report).toContain('postgres://app:***@db:5432/x with ***');
  });
});
