import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { bearerToken } from '@streamgate/auth';
import { ApiError } from '@streamgate/service';
import { AuthLimiter } from '../auth/auth-limiter.service';
import { TokensService } from './tokens.service';
import type { TokenGrant } from './tokens.service';

@Controller('v1/tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly limiter: AuthLimiter,
  ) {}

  @Post()
  @HttpCode(201)
  async mint(@Req() req: Request, @Body() body: unknown): Promise<TokenGrant> {
    this.limiter.assertAllowed(req);
    const grant = await this.tokens.mint(bearerToken(req.headers.authorization), body);
    if (!grant) {
      this.limiter.failed(req);
      throw new ApiError(401, 'UNAUTHORIZED', 'missing, unknown or revoked API key');
    }
    return grant;
  }
}
