import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { PartnersRepository } from '../partners/partners.repository';
import { EntitlementsController } from './entitlements.controller';
import { EntitlementsRepository } from './entitlements.repository';
import { EntitlementsService } from './entitlements.service';

@Module({
  imports: [ControlModule],
  controllers: [EntitlementsController],
  providers: [EntitlementsRepository, PartnersRepository, EntitlementsService],
  exports: [EntitlementsService, PartnersRepository],
})
export class EntitlementsModule {}
