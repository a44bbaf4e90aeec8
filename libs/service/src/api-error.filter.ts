import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainException, ErrorCode } from '@streamgate/contracts';
import { HTTP_STATUS_BY_CODE } from './http-status';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.InvalidRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
};

/**
 * The HTTP transport's one mapping of errors: a DomainException leaves with the status of its
 * code as `{ error: { code, message, details? } }`; Nest's own HttpExceptions (unknown route,
 * …) keep their status; anything else is a 500 `INTERNAL`, logged.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainException) {
      if (exception.retryAfterSeconds !== undefined) res.set('Retry-After', String(exception.retryAfterSeconds));
      const status = HTTP_STATUS_BY_CODE[exception.code];
      if (status >= 500) this.logger.error({ msg: 'request failed', error: exception.stack });
      res.status(status).json(exception.toBody());
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json({ error: { code: CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest), message: exception.message } });
      return;
    }
    this.logger.error({ msg: 'request failed', error: (exception as Error)?.stack ?? String(exception) });
    res.status(500).json({ error: { code: ErrorCode.Internal, message: 'internal error' } });
  }
}
