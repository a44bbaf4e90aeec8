import { Module } from '@nestjs/common';
import { FinanceAuth } from './auth/finance-auth.service';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesService } from './invoices/invoices.service';
import { PartnerDirectory } from './partners/partner-directory.service';
import { PlansController } from './plans/plans.controller';
import { PlansRepository } from './plans/plans.repository';
import { PlansService } from './plans/plans.service';
import { QuotaService } from './quotas/quota.service';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';
import { UsageIdsPruner } from './usage/usage-ids-pruner.service';
import { UsageConsumer } from './usage/usage.consumer';
import { UsageRepository } from './usage/usage.repository';

@Module({
  controllers: [ReportsController, InvoicesController, PlansController],
  providers: [PartnerDirectory, FinanceAuth, UsageRepository, UsageConsumer, UsageIdsPruner, QuotaService, PlansRepository, PlansService, ReportsService, InvoicesService],
})
export class MeteringModule {}
