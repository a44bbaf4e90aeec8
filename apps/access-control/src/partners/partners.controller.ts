import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { Actor } from '../auth/actor.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { PartnersService } from './partners.service';
import type { KeyView, PartnerView } from './partners.service';

@Controller('v1/partners')
@UseGuards(AdminGuard)
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  create(@Body() body: unknown, @Actor() actor: string): Promise<PartnerView> {
    return this.partners.create(body, actor);
  }

  @Get()
  list(): Promise<PartnerView[]> {
    return this.partners.list();
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<PartnerView> {
    return this.partners.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string): Promise<PartnerView> {
    return this.partners.update(id, body, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    return this.partners.remove(id, actor);
  }

  @Post(':id/keys')
  createKey(@Param('id') id: string, @Body() body: unknown, @Actor() actor: string): Promise<KeyView & { key: string }> {
    return this.partners.createKey(id, body, actor);
  }

  @Get(':id/keys')
  listKeys(@Param('id') id: string): Promise<KeyView[]> {
    return this.partners.listKeys(id);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  revokeKey(@Param('id') id: string, @Param('keyId') keyId: string, @Actor() actor: string): Promise<void> {
    return this.partners.revokeKey(id, keyId, actor);
  }
}
