import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { FinanceAuth } from '../auth/finance-auth.service';
import { ReportsService } from './reports.service';
import type { UsageRow } from './reports.service';
import { parseUsageQuery } from './usage-query';

@Controller('v1')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly auth: FinanceAuth,
  ) {}

  @Get('usage')
  usage(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<UsageRow[]> {
    const reader = this.auth.reader(req, ['admin', 'finance', 'partner']);
    return this.reports.usage(parseUsageQuery(query), reader);
  }

  @Get('usage.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="usage.csv"')
  usageCsv(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<string> {
    const reader = this.auth.reader(req, ['admin', 'finance', 'partner']);
    return this.reports.usageCsv(parseUsageQuery(query), reader);
  }
}
