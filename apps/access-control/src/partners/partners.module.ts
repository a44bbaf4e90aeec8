import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { PartnersController } from './partners.controller';
import { PartnersService } from './partners.service';

@Module({ imports: [ControlModule], controllers: [PartnersController], providers: [PartnersService] })
export class PartnersModule {}
