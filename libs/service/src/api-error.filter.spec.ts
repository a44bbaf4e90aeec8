import { NotFoundException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { DomainException, ErrorCode } from '@streamgate/contracts';
import { ApiErrorFilter } from './api-error.filter';
import { HTTP_STATUS_BY_CODE } from './http-status';

function respond(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    set(name: string, value: string) {
      sent.headers[name] = value;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ApiErrorFilter().catch(exception, host);
  return sent;
}

describe('ApiErrorFilter', () => {
  it('maps a domain exception by its code, with details and Retry-After', () => {
    const sent = respond(new DomainException(ErrorCode.RateLimited, 'slow down', { attempts: 11 }, 42));
    expect(sent).toEqual({ status: 429, headers: { 'Retry-After': '42' }, body: { error: { code: 'RATE_LIMITED', message: 'slow down', details: { attempts: 11 } } } });
  });

  it('keeps the status of Nest exceptions and hides anything else as INTERNAL', () => {
    expect(respond(new NotFoundException('Cannot GET /nope'))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(respond(new Error('db password is hunter2'))).toEqual({ status: 500, headers: {}, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
  });

  it('has a status for every code', () => {
    for (const code of Object.values(ErrorCode)) expect(HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });
});
