import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { clientAddress } from './auth-limiter.service';

/** Who made an admin change, for the audit log: the admin token's holder and their address. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return `admin@${clientAddress(context.switchToHttp().getRequest<Request>())}`;
});
