import { Module } from '@nestjs/common';
import { FinanceAuth } from './auth/finance-auth.service';
import { ReaderGuard } from './auth/reader.guard';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesRepository } from './invoices/invoices.repository';
import { InvoicesService } from './invoices/invoices.service';
import { PartnerDirectory } from './partners/partner-directory.service';
import { PartnerDirectoryRepository } from './partners/partner-directory.repository';
import { PlansController } from './plans/plans.controller';
import { PlansRepository } from './plans/plans.repository';
import { PlansService } from './plans/plans.service';
import { QuotaService } from './quotas/quota.service';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';
import { UsageRowsRepository } from './reports/usage-rows.repository';
import { UsageIdsPruner } from './usage/usage-ids-pruner.service';
import { UsageController } from './usage/usage.controller';
import { UsageLedger } from './usage/usage-ledger.service';
import { UsageRepository } from './usage/usage.repository';

@Module({
  controllers: [ReportsController, InvoicesController, PlansController, UsageController],
  providers: [PartnerDirectoryRepository, PartnerDirectory, FinanceAuth, ReaderGuard, UsageRepository, UsageLedger, UsageIdsPruner, QuotaService, PlansRepository, PlansService, UsageRowsRepository, ReportsService, InvoicesRepository, InvoicesService],
})
export class MeteringModule {}
