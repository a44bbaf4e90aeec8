import { DomainException, ErrorCode } from '@streamgate/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken, constantTimeEqual } from '@streamgate/auth';
import { ACCESS_CONTROL_CONFIG } from '../config/access-control.config';
import type { AccessControlConfig } from '../config/access-control.config';
import { AuthLimiter } from './auth-limiter.service';

/** Admin endpoints: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time, failures rate-limited. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    @Inject(ACCESS_CONTROL_CONFIG) private readonly config: AccessControlConfig,
    private readonly limiter: AuthLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    this.limiter.assertAllowed(req);
    const token = bearerToken(req.headers.authorization);
    if (token === undefined || !constantTimeEqual(token, this.config.ADMIN_TOKEN)) {
      this.limiter.failed(req);
      throw new DomainException(ErrorCode.Unauthorized, 'admin endpoints need Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}
