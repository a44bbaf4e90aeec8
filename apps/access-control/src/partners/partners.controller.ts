import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { PartnersService } from './partners.service';
import type { KeyView, PartnerView } from './partners.service';

@Controller('v1/partners')
@UseGuards(AdminGuard)
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  create(@Body() body: unknown): Promise<PartnerView> {
    return this.partners.create(body);
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
  update(@Param('id') id: string, @Body() body: unknown): Promise<PartnerView> {
    return this.partners.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.partners.remove(id);
  }

  @Post(':id/keys')
  createKey(@Param('id') id: string, @Body() body: unknown): Promise<KeyView & { key: string }> {
    return this.partners.createKey(id, body);
  }

  @Get(':id/keys')
  listKeys(@Param('id') id: string): Promise<KeyView[]> {
    return this.partners.listKeys(id);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  revokeKey(@Param('id') id: string, @Param('keyId') keyId: string): Promise<void> {
    return this.partners.revokeKey(id, keyId);
  }
}
