import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { IngestConsumer } from './ingest.consumer';

@Module({ imports: [CatalogModule], providers: [IngestConsumer] })
export class IngestModule {}
