import { Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { requestAddress } from '@streamgate/service';
import { FinanceAuth } from './finance-auth.service';
import type { Reader, ReaderKind } from './finance-auth.service';

const READERS = 'streamgate:metering:readers';

interface ReaderRequest extends Request {
  reader?: Reader;
}

/** Which kinds of reader an endpoint (or a whole controller) admits; ReaderGuard enforces it. */
export const Readers = (...kinds: ReaderKind[]) => SetMetadata(READERS, kinds);

/** Authenticates the caller (rate-limited) and admits only the kinds named by @Readers; the reader goes on the request. */
@Injectable()
export class ReaderGuard implements CanActivate {
  constructor(
    private readonly auth: FinanceAuth,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<ReaderKind[] | undefined>(READERS, [context.getHandler(), context.getClass()]);
    if (!allowed) throw new Error(`${context.getClass().name}.${context.getHandler().name} names no @Readers`);
    const req = context.switchToHttp().getRequest<ReaderRequest>();
    req.reader = this.auth.reader(req, allowed);
    return true;
  }
}

/** The reader ReaderGuard admitted. */
export const CurrentReader = createParamDecorator((_: unknown, context: ExecutionContext): Reader => {
  const reader = context.switchToHttp().getRequest<ReaderRequest>().reader;
  if (!reader) throw new Error('CurrentReader used without ReaderGuard');
  return reader;
});

/** Who made a change, for logs: the reader's kind and its address. */
export const ReaderActor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const req = context.switchToHttp().getRequest<ReaderRequest>();
  return `${req.reader?.kind ?? 'unknown'}@${requestAddress(req)}`;
});
