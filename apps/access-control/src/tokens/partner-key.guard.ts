import { Injectable, createParamDecorator } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken } from '@streamgate/auth';
import { DomainException, ErrorCode, KeyScope } from '@streamgate/contracts';
import type { ApiKeyRecord } from '@streamgate/contracts';
import { AuthLimiter } from '../auth/auth-limiter.service';
import { PartnersService } from '../partners/partners.service';

type KeyRequest = Request & { partnerKey?: ApiKeyRecord };

/**
 * `POST /v1/tokens`: `Authorization: Bearer <partner key with the subscribe scope>`, checked
 * against the database (so a key revoked a moment ago mints nothing); failures are rate-limited
 * per client address like the admin token's.
 */
@Injectable()
export class PartnerKeyGuard implements CanActivate {
  constructor(
    private readonly partners: PartnersService,
    private readonly limiter: AuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<KeyRequest>();
    this.limiter.assertAllowed(req);
    const check = await this.partners.verifyKey(bearerToken(req.headers.authorization), KeyScope.Subscribe);
    if (check.ok) {
      req.partnerKey = check.key;
      return true;
    }
    if (check.reason === 'FORBIDDEN') throw new DomainException(ErrorCode.Forbidden, check.message);
    this.limiter.failed(req);
    throw new DomainException(ErrorCode.Unauthorized, 'missing, unknown or revoked API key');
  }
}

/** The partner key PartnerKeyGuard verified. */
export const PartnerKey = createParamDecorator((_: unknown, context: ExecutionContext): ApiKeyRecord => {
  const key = context.switchToHttp().getRequest<KeyRequest>().partnerKey;
  if (!key) throw new Error('PartnerKey used without PartnerKeyGuard');
  return key;
});
