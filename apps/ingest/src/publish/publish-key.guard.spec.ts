import type { ExecutionContext } from '@nestjs/common';
import { hashApiKey, verifyApiKey } from '@streamgate/auth';
import type { ApiKeyRecord, KeyScope } from '@streamgate/contracts';
import { Metrics } from '@streamgate/service';
import type { CatalogService } from '../catalog/catalog.service';
import type { IngestConfig } from '../config/ingest.config';
import { PublishKeyGuard } from './publish-key.guard';
import { PublishMetrics } from './publish-metrics';

// Real key verification against a one-key directory; only the catalog around it is faked.
const SECRET = 'A'.repeat(43);
const keyFor = (id: string) => `sg_live_${id}_${SECRET}`;
const record = (id: string, scopes: KeyScope[]): ApiKeyRecord => ({ id, partnerId: `ptn_${id}`, hash: hashApiKey(keyFor(id)), scopes, createdAt: '' });
const keys = new Map([record('publisher001', ['publish']), record('readeronly01', ['subscribe'])].map((r) => [r.id, r]));
const catalog = { keys: { verify: (key: string | undefined, scope: KeyScope) => verifyApiKey(key, (id) => keys.get(id), scope) } } as unknown as CatalogService;

function context(authorization: string | undefined, ip: string) {
  const req: { headers: Record<string, string | undefined>; ip: string; publishKey?: ApiKeyRecord } = { headers: { authorization }, ip };
  return { req, ctx: { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext };
}

describe('PublishKeyGuard', () => {
  const guard = () => new PublishKeyGuard({ AUTH_FAILURES_PER_MINUTE: 3 } as IngestConfig, catalog, new PublishMetrics(new Metrics()));

  it('puts the verified key with the publish scope on the request', () => {
    const { req, ctx } = context(`Bearer ${keyFor('publisher001')}`, '10.0.0.1');
    expect(guard().canActivate(ctx)).toBe(true);
    expect(req.publishKey?.partnerId).toBe('ptn_publisher001');
  });

  it('refuses a missing or unknown key (UNAUTHORIZED) and a key without the publish scope (FORBIDDEN)', () => {
    const g = guard();
    expect(() => g.canActivate(context(undefined, '10.0.0.1').ctx)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => g.canActivate(context(`Bearer ${keyFor('unknown00001')}`, '10.0.0.1').ctx)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => g.canActivate(context(`Bearer ${keyFor('readeronly01')}`, '10.0.0.1').ctx)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('limits failed authentications per client address (req.ip), then answers RATE_LIMITED with a retry time even to a good key', () => {
    const g = guard();
    for (let i = 0; i < 3; i++) expect(() => g.canActivate(context('Bearer nope', '10.0.0.9').ctx)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => g.canActivate(context(`Bearer ${keyFor('publisher001')}`, '10.0.0.9').ctx)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }));
    // Another address is not affected.
    expect(g.canActivate(context(`Bearer ${keyFor('publisher001')}`, '10.0.0.10').ctx)).toBe(true);
  });
});
