import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainException, ErrorCode } from '@streamgate/contracts';
import type { KeyCheck } from '@streamgate/auth';
import type { MeteringConfig } from '../config/metering.config';
import type { PartnerDirectory } from '../partners/partner-directory.service';
import { FinanceAuth } from './finance-auth.service';
import { ReaderGuard, Readers } from './reader.guard';

class Endpoints {
  @Readers('admin')
  adminOnly(): string {
    return 'admin only';
  }

  @Readers('admin', 'finance', 'partner')
  anyReader(): string {
    return 'any reader';
  }
}

const config = { ADMIN_TOKEN: 'admin-token-0123456789', FINANCE_TOKEN: 'finance-token-0123456789', AUTH_FAILURES_PER_MINUTE: 3 } as MeteringConfig;
const partnerKey = 'sg_live_partnerkey';
const partners = {
  keys: { verify: (key: string): KeyCheck => (key === partnerKey ? { ok: true, key: { id: 'k1', partnerId: 'ptn_1', hash: '', scopes: ['usage:read'], createdAt: '' } } : { ok: false, reason: 'UNAUTHORIZED', message: 'unknown key' }) },
} as unknown as PartnerDirectory;

function call(guard: ReaderGuard, handler: keyof Endpoints, token: string | undefined, ip = '203.0.113.7') {
  const req: Record<string, unknown> = { ip, headers: token ? { authorization: `Bearer ${token}` } : {} };
  const context = {
    getHandler: () => Endpoints.prototype[handler],
    getClass: () => Endpoints,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  try {
    guard.canActivate(context);
    return { reader: req.reader };
  } catch (error) {
    if (error instanceof DomainException) return { code: error.code };
    throw error;
  }
}

describe('ReaderGuard', () => {
  const guard = () => new ReaderGuard(new FinanceAuth(config, partners), new Reflector());

  it('puts the admitted reader on the request, per the endpoint\'s @Readers', () => {
    const g = guard();
    expect(call(g, 'adminOnly', config.ADMIN_TOKEN)).toEqual({ reader: { kind: 'admin' } });
    expect(call(g, 'anyReader', config.FINANCE_TOKEN)).toEqual({ reader: { kind: 'finance' } });
    expect(call(g, 'anyReader', partnerKey)).toEqual({ reader: { kind: 'partner', partnerId: 'ptn_1' } });
  });

  it('refuses a reader kind the endpoint does not admit with FORBIDDEN, without counting a failure', () => {
    const g = guard();
    for (let i = 0; i < 5; i++) expect(call(g, 'adminOnly', partnerKey)).toEqual({ code: ErrorCode.Forbidden });
    expect(call(g, 'adminOnly', config.ADMIN_TOKEN)).toEqual({ reader: { kind: 'admin' } });
  });

  it('rate-limits failed authentications per client address (req.ip), not per proxy', () => {
    const g = guard();
    for (let i = 0; i < 3; i++) expect(call(g, 'anyReader', 'wrong-token')).toEqual({ code: ErrorCode.Unauthorized });
    expect(call(g, 'anyReader', config.ADMIN_TOKEN)).toEqual({ code: ErrorCode.RateLimited });
    expect(call(g, 'anyReader', config.ADMIN_TOKEN, '198.51.100.9')).toEqual({ reader: { kind: 'admin' } });
  });
});
