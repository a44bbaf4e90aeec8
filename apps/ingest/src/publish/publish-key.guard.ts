import { Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { FailedAuthLimiter, bearerToken } from '@streamgate/auth';
import { DomainException, ErrorCode, KeyScope } from '@streamgate/contracts';
import type { ApiKeyRecord } from '@streamgate/contracts';
import { requestAddress } from '@streamgate/service';
import { CatalogService } from '../catalog/catalog.service';
import { INGEST_CONFIG } from '../config/ingest.config';
import type { IngestConfig } from '../config/ingest.config';
import { PublishMetrics } from './publish-metrics';

/** A request the guard let through, with the verified key on it. */
interface PublishRequest extends Request {
  publishKey?: ApiKeyRecord;
}


/**
 * HTTP publish authentication: `Authorization: Bearer <API key>` with the publish scope,
 * verified locally against control.keys; failed attempts are rate-limited per address (429
 * with Retry-After). Grants, quotas and the stream are the service's to check.
 */
@Injectable()
export class PublishKeyGuard implements CanActivate {
  private readonly limiter: FailedAuthLimiter;

  constructor(
    @Inject(INGEST_CONFIG) config: IngestConfig,
    private readonly catalog: CatalogService,
    private readonly metrics: PublishMetrics,
  ) {
    this.limiter = new FailedAuthLimiter(config.AUTH_FAILURES_PER_MINUTE, 60_000);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<PublishRequest>();
    try {
      req.publishKey = this.authenticate(req, requestAddress(req));
      return true;
    } catch (error) {
      this.metrics.refused(error);
      throw error;
    }
  }

  private authenticate(req: Request, address: string): ApiKeyRecord {
    const retryAfter = this.limiter.retryAfter(address);
    if (retryAfter > 0) throw new DomainException(ErrorCode.RateLimited, 'too many failed authentications from this address', undefined, retryAfter);
    const check = this.catalog.keys.verify(bearerToken(req.headers.authorization), KeyScope.Publish);
    if (check.ok) return check.key;
    if (check.reason === 'UNAUTHORIZED') this.limiter.fail(address);
    throw new DomainException(check.reason === 'UNAUTHORIZED' ? ErrorCode.Unauthorized : ErrorCode.Forbidden, check.message);
  }
}

/** The key PublishKeyGuard verified. */
export const PublishKey = createParamDecorator((_: unknown, context: ExecutionContext): ApiKeyRecord => {
  const key = context.switchToHttp().getRequest<PublishRequest>().publishKey;
  if (!key) throw new DomainException(ErrorCode.Unauthorized, 'no verified API key on the request');
  return key;
});
