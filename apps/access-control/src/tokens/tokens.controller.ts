import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { ApiKeyRecord } from '@streamgate/contracts';
import { PartnerKey, PartnerKeyGuard } from './partner-key.guard';
import { TokensService } from './tokens.service';
import type { TokenGrant } from './tokens.service';

@Controller('v1/tokens')
@UseGuards(PartnerKeyGuard)
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(201)
  mint(@PartnerKey() key: ApiKeyRecord, @Body() body: unknown): Promise<TokenGrant> {
    return this.tokens.mint(key, body);
  }
}
