import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter, bearerToken, constantTimeEqual } from '@streamgate/auth';
import { KeyScope, DomainException, ErrorCode } from '@streamgate/contracts';
import { requestAddress } from '@streamgate/service';
import { METERING_CONFIG } from '../config/metering.config';
import type { MeteringConfig } from '../config/metering.config';
import { PartnerDirectory } from '../partners/partner-directory.service';

export type Reader = { kind: 'admin' } | { kind: 'finance' } | { kind: 'partner'; partnerId: string };
export type ReaderKind = Reader['kind'];


/**
 * Who may read: the admin or finance token (everything), or a partner key with `usage:read`
 * (its own rows only). Failures are rate-limited per client address. Used by ReaderGuard.
 */
@Injectable()
export class FinanceAuth {
  private readonly limiter: FailedAuthLimiter;

  constructor(
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
    private readonly partners: PartnerDirectory,
  ) {
    this.limiter = new FailedAuthLimiter(config.AUTH_FAILURES_PER_MINUTE, 60_000);
  }

  reader(req: Request, allowed: readonly ReaderKind[]): Reader {
    const address = requestAddress(req);
    const retryAfter = this.limiter.retryAfter(address);
    if (retryAfter > 0) throw new DomainException(ErrorCode.RateLimited, 'too many failed authentications from this address', undefined, retryAfter);
    const reader = this.authenticate(bearerToken(req.headers.authorization));
    if (!reader) {
      this.limiter.fail(address);
      throw new DomainException(ErrorCode.Unauthorized, 'use the finance or admin token, or a partner key with the usage:read scope');
    }
    if (!allowed.includes(reader.kind)) throw new DomainException(ErrorCode.Forbidden, `this endpoint is for ${allowed.join(' or ')}`);
    return reader;
  }

  private authenticate(credential: string | undefined): Reader | undefined {
    if (credential === undefined) return undefined;
    if (constantTimeEqual(credential, this.config.ADMIN_TOKEN)) return { kind: 'admin' };
    if (constantTimeEqual(credential, this.config.FINANCE_TOKEN)) return { kind: 'finance' };
    if (!credential.startsWith('sg_live_')) return undefined;
    const check = this.partners.keys.verify(credential, KeyScope.UsageRead);
    if (check.ok) return { kind: 'partner', partnerId: check.key.partnerId };
    if (check.reason === 'FORBIDDEN') throw new DomainException(ErrorCode.Forbidden, check.message);
    return undefined;
  }
}
