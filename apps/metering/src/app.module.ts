import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@streamgate/database';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { METERING_CONFIG } from './config/metering.config';
import type { MeteringConfig } from './config/metering.config';
import { MeteringModule } from './metering.module';
import { METERING_MIGRATIONS } from './migrations';

@Module({})
export class AppModule {
  static register(config: MeteringConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.provide(METERING_CONFIG, config),
        ObservabilityModule,
        KafkaModule.forRoot(config, 'streamgate-metering'),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          migrationsTableName: 'metering_migrations',
          migrations: METERING_MIGRATIONS,
        }),
        MeteringModule,
      ],
    };
  }
}
