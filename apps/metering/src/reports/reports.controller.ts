import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import type { Reader } from '../auth/finance-auth.service';
import { CurrentReader, ReaderGuard, Readers } from '../auth/reader.guard';
import { ReportsService } from './reports.service';
import type { UsageRow } from './reports.service';
import { parseUsageQuery } from './usage-query';

@Controller('v1')
@UseGuards(ReaderGuard)
@Readers('admin', 'finance', 'partner')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('usage')
  usage(@CurrentReader() reader: Reader, @Query() query: Record<string, unknown>): Promise<UsageRow[]> {
    return this.reports.usage(parseUsageQuery(query), reader);
  }

  @Get('usage.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="usage.csv"')
  usageCsv(@CurrentReader() reader: Reader, @Query() query: Record<string, unknown>): Promise<string> {
    return this.reports.usageCsv(parseUsageQuery(query), reader);
  }
}
