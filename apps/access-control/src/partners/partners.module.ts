import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { PartnersController } from './partners.controller';
import { KeyUsageConsumer } from './key-usage.consumer';
import { PartnersService } from './partners.service';

@Module({ imports: [ControlModule, EntitlementsModule], controllers: [PartnersController], providers: [PartnersService, KeyUsageConsumer], exports: [PartnersService] })
export class PartnersModule {}
