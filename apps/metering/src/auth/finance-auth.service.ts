import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter, bearerToken, constantTimeEqual } from '@streamgate/auth';
import { KeyScope } from '@streamgate/contracts';
import { ApiError } from '@streamgate/service';
import { METERING_CONFIG } from '../config/metering.config';
import type { MeteringConfig } from '../config/metering.config';
import { PartnerDirectory } from '../partners/partner-directory.service';

export type Reader = { kind: 'admin' } | { kind: 'finance' } | { kind: 'partner'; partnerId: string };

/**
 * Who may read: the admin or finance token (everything), or a partner key with `usage:read`
 * (its own rows only). Writes (plans, closing periods) take the admin or finance token as the
 * caller says. Failures are rate-limited per client address.
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

  reader(req: Request, allowed: Array<Reader['kind']>): Reader {
    const address = req.socket.remoteAddress ?? 'unknown';
    const retryAfter = this.limiter.retryAfter(address);
    if (retryAfter > 0) throw new ApiError(429, 'RATE_LIMITED', 'too many failed authentications from this address', undefined, { 'Retry-After': String(retryAfter) });
    const credential = bearerToken(req.headers.authorization);
    let reader: Reader | undefined;
    if (credential !== undefined) {
      if (constantTimeEqual(credential, this.config.ADMIN_TOKEN)) reader = { kind: 'admin' };
      else if (constantTimeEqual(credential, this.config.FINANCE_TOKEN)) reader = { kind: 'finance' };
      else if (credential.startsWith('sg_live_')) {
        const check = this.partners.keys.verify(credential, KeyScope.UsageRead);
        if (check.ok) reader = { kind: 'partner', partnerId: check.key.partnerId };
        else if (check.reason === 'FORBIDDEN') throw new ApiError(403, 'FORBIDDEN', check.message);
      }
    }
    if (!reader) {
      this.limiter.fail(address);
      throw new ApiError(401, 'UNAUTHORIZED', 'use the finance or admin token, or a partner key with the usage:read scope');
    }
    if (!allowed.includes(reader.kind)) throw new ApiError(403, 'FORBIDDEN', `this endpoint is for ${allowed.join(' or ')}`);
    return reader;
  }
}
