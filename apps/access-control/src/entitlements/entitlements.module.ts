import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { EntitlementsController } from './entitlements.controller';
import { EntitlementsService } from './entitlements.service';

@Module({ imports: [ControlModule], controllers: [EntitlementsController], providers: [EntitlementsService], exports: [EntitlementsService] })
export class EntitlementsModule {}
