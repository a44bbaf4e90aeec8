import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import type { EntitlementPolicy } from '@streamgate/contracts';
import { Actor } from '../auth/actor.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { EntitlementsService } from './entitlements.service';

@Controller('v1/partners/:id/entitlements')
@UseGuards(AdminGuard)
export class EntitlementsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  @Get()
  list(@Param('id') id: string): Promise<Record<string, EntitlementPolicy>> {
    return this.entitlements.list(id);
  }

  @Put(':stream')
  put(@Param('id') id: string, @Param('stream') stream: string, @Body() body: unknown, @Actor() actor: string): Promise<EntitlementPolicy> {
    return this.entitlements.put(id, stream, body, actor);
  }

  @Delete(':stream')
  @HttpCode(204)
  remove(@Param('id') id: string, @Param('stream') stream: string, @Actor() actor: string): Promise<void> {
    return this.entitlements.remove(id, stream, actor);
  }
}
