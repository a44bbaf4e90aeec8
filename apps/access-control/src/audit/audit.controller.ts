import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { AuditService } from './audit.service';
import type { AuditView } from './audit.service';

@Controller('v1/audit')
@UseGuards(AdminGuard)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query() query: { limit?: string; before?: string; targetType?: string; targetId?: string }): Promise<AuditView[]> {
    return this.audit.list(query);
  }
}
