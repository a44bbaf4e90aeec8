import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { ReferenceController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';

@Module({ imports: [ControlModule], controllers: [ReferenceController], providers: [ReferenceRepository, ReferenceService] })
export class ReferenceModule {}
