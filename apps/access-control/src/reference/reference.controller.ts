import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import type { ReferenceRow } from '@streamgate/contracts';
import { Actor } from '../auth/actor.decorator';
import { AdminGuard } from '../auth/admin.guard';
import { ReferenceService } from './reference.service';

@Controller('v1/reference')
@UseGuards(AdminGuard)
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Get(':table')
  list(@Param('table') table: string): Promise<ReferenceRow[]> {
    return this.reference.list(table);
  }

  @Put(':table/:key')
  put(@Param('table') table: string, @Param('key') key: string, @Body() row: unknown, @Actor() actor: string): Promise<ReferenceRow> {
    return this.reference.put(table, key, row, actor);
  }

  @Delete(':table/:key')
  @HttpCode(204)
  remove(@Param('table') table: string, @Param('key') key: string, @Actor() actor: string): Promise<void> {
    return this.reference.remove(table, key, actor);
  }
}
