import { Module } from '@nestjs/common';
import { ControlModule } from '../control/control.module';
import { EntitlementsModule } from '../entitlements/entitlements.module';
import { StreamsController } from './streams.controller';
import { StreamsRepository } from './streams.repository';
import { StreamsService } from './streams.service';

@Module({ imports: [ControlModule, EntitlementsModule], controllers: [StreamsController], providers: [StreamsRepository, StreamsService] })
export class StreamsModule {}
