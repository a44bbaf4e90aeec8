import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { SourceDiscovery } from './source-discovery';

@Module({ imports: [CatalogModule], controllers: [IngestController], providers: [IngestService, SourceDiscovery] })
export class IngestModule {}
