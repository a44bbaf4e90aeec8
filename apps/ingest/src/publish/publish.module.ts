import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { PublishController } from './publish.controller';
import { PublishService } from './publish.service';

@Module({ imports: [CatalogModule], controllers: [PublishController], providers: [PublishService] })
export class PublishModule {}
