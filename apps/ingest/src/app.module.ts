import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { INGEST_CONFIG } from './config/ingest.config';
import type { IngestConfig } from './config/ingest.config';
import { IngestModule } from './ingest/ingest.module';
import { PublishModule } from './publish/publish.module';

@Module({})
export class AppModule {
  static register(config: IngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.provide(INGEST_CONFIG, config),
        ObservabilityModule,
        KafkaModule.forRoot(config, 'streamgate-ingest'),
        IngestModule,
        PublishModule,
      ],
    };
  }
}
