import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { ENRICHMENT_CONFIG } from './config/enrichment.config';
import type { EnrichmentConfig } from './config/enrichment.config';
import { EnrichmentModule } from './enrichment/enrichment.module';

@Module({})
export class AppModule {
  static register(config: EnrichmentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.provide(ENRICHMENT_CONFIG, config),
        ObservabilityModule,
        KafkaModule.forRoot(config, 'streamgate-enrichment'),
        EnrichmentModule,
      ],
    };
  }
}
