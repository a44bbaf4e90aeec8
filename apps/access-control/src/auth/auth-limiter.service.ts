import { DomainException, ErrorCode } from '@streamgate/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter } from '@streamgate/auth';
import { requestAddress } from '@streamgate/service';
import { ACCESS_CONTROL_CONFIG } from '../config/access-control.config';
import type { AccessControlConfig } from '../config/access-control.config';

/** Failed authentications per client address, shared by the admin guard and the token endpoint. */
@Injectable()
export class AuthLimiter {
  private readonly limiter: FailedAuthLimiter;

  constructor(@Inject(ACCESS_CONTROL_CONFIG) config: AccessControlConfig) {
    this.limiter = new FailedAuthLimiter(config.AUTH_FAILURES_PER_MINUTE, 60_000);
  }

  /** Throws 429 while the address is locked out. */
  assertAllowed(req: Request): void {
    const retryAfter = this.limiter.retryAfter(requestAddress(req));
    if (retryAfter > 0) {
      throw new DomainException(ErrorCode.RateLimited, 'too many failed authentications from this address', undefined, retryAfter);
    }
  }

  failed(req: Request): void {
    this.limiter.fail(requestAddress(req));
  }
}

