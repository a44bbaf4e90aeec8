import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  it('is ok when every link answers', async () => {
    const health = new HealthRegistry();
    health.register('kafka', async () => undefined);
    health.register('postgres', async () => undefined);
    expect(await health.report()).toEqual({ status: 'ok', links: { kafka: { status: 'up' }, postgres: { status: 'up' } } });
  });

  it('is unavailable and names the broken link with its error', async () => {
    const health = new HealthRegistry();
    health.register('kafka', async () => undefined);
    health.register('postgres', async () => {
      throw new Error('connection refused');
    });
    expect(await health.report()).toEqual({
      status: 'unavailable',
      links: { kafka: { status: 'up' }, postgres: { status: 'down', error: 'connection refused' } },
    });
  });
});
