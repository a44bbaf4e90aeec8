import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { ReferenceController } from './reference.controller';
import { ReferenceService } from './reference.service';

@Module({ imports: [ControlModule], controllers: [ReferenceController], providers: [ReferenceService] })
export class ReferenceModule {}
