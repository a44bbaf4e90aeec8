import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestAddress } from '@streamgate/service';

/** Who made an admin change, for the audit log: the admin token's holder and their address. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return `admin@${requestAddress(context.switchToHttp().getRequest<Request>())}`;
});
