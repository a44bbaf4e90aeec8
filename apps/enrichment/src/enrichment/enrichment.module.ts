import { Module } from '@nestjs/common';
import { EnrichmentConsumer } from './enrichment.consumer';

@Module({ providers: [EnrichmentConsumer] })
export class EnrichmentModule {}
