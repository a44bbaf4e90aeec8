import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { PublishKeyGuard } from './publish-key.guard';
import { PublishMetrics } from './publish-metrics';
import { PublishController } from './publish.controller';
import { PublishService } from './publish.service';

@Module({ imports: [CatalogModule], controllers: [PublishController], providers: [PublishService, PublishMetrics, PublishKeyGuard] })
export class PublishModule {}
