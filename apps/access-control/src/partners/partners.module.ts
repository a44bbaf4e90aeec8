import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { ApiKeysRepository } from './api-keys.repository';
import { PartnersController } from './partners.controller';
import { KeyUsageController } from './key-usage.controller';
import { PartnersService } from './partners.service';

// PartnersRepository comes from EntitlementsModule (entitlements check their partner too).
@Module({ imports: [ControlModule, EntitlementsModule], controllers: [PartnersController, KeyUsageController], providers: [ApiKeysRepository, PartnersService], exports: [PartnersService] })
export class PartnersModule {}
