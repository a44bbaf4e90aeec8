import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@streamgate/service';
import { FinanceAuth } from '../auth/finance-auth.service';
import { InvoicesService } from './invoices.service';
import type { PartnerInvoice } from './invoices.service';

@Controller('v1')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly auth: FinanceAuth,
  ) {}

  @Get('invoices')
  list(@Req() req: Request, @Query('period') period: string | undefined): Promise<PartnerInvoice[]> {
    const reader = this.auth.reader(req, ['admin', 'finance', 'partner']);
    if (!period) throw new ApiError(400, 'INVALID_PERIOD', 'period=YYYY-MM is required');
    return this.invoices.list(period, reader);
  }

  @Post('periods/:period/close')
  @HttpCode(200)
  close(@Req() req: Request, @Param('period') period: string) {
    const reader = this.auth.reader(req, ['admin', 'finance']);
    return this.invoices.close(period, `${reader.kind}@${req.socket.remoteAddress ?? 'unknown'}`);
  }
}
