import { Module } from '@nestjs/common';
import { IngestConsumer } from './ingest.consumer';

@Module({ providers: [IngestConsumer] })
export class IngestModule {}
