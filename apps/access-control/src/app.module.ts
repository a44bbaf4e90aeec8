import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@streamgate/database';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { ACCESS_CONTROL_CONFIG } from './config/access-control.config';
import type { AccessControlConfig } from './config/access-control.config';
import { ACCESS_CONTROL_MIGRATIONS } from './migrations';

@Module({})
export class AppModule {
  static register(config: AccessControlConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.provide(ACCESS_CONTROL_CONFIG, config),
        ObservabilityModule,
        KafkaModule.forRoot(config, 'streamgate-access-control'),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          migrationsTableName: 'access_control_migrations',
          migrations: ACCESS_CONTROL_MIGRATIONS,
        }),
      ],
    };
  }
}
