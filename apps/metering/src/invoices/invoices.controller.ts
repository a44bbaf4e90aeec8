import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Reader } from '../auth/finance-auth.service';
import { CurrentReader, ReaderActor, ReaderGuard, Readers } from '../auth/reader.guard';
import { InvoicesService } from './invoices.service';
import type { PartnerInvoice } from './invoices.service';

@Controller('v1')
@UseGuards(ReaderGuard)
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get('invoices')
  @Readers('admin', 'finance', 'partner')
  list(@CurrentReader() reader: Reader, @Query('period') period: string | undefined): Promise<PartnerInvoice[]> {
    return this.invoices.list(period, reader);
  }

  @Post('periods/:period/close')
  @Readers('admin', 'finance')
  @HttpCode(200)
  close(@ReaderActor() actor: string, @Param('period') period: string) {
    return this.invoices.close(period, actor);
  }
}
