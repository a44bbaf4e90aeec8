import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@streamgate/database';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { ACCESS_CONTROL_CONFIG } from './config/access-control.config';
import type { AccessControlConfig } from './config/access-control.config';
import { ACCESS_CONTROL_MIGRATIONS } from './migrations';
import { ApiKeyEntity } from './partners/api-key.entity';
import { PartnerEntity } from './partners/partner.entity';
import { PartnersModule } from './partners/partners.module';
import { ReferenceRowEntity } from './reference/reference-row.entity';
import { ReferenceModule } from './reference/reference.module';
import { StreamEntity } from './streams/stream.entity';
import { StreamsModule } from './streams/streams.module';
import { AuditEntryEntity } from './audit/audit-entry.entity';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { TransactionsModule } from './database/transactions.module';
import { EntitlementEntity } from './entitlements/entitlement.entity';
import { EntitlementsModule } from './entitlements/entitlements.module';
import { TokensModule } from './tokens/tokens.module';

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
          entities: [StreamEntity, ReferenceRowEntity, PartnerEntity, ApiKeyEntity, EntitlementEntity, AuditEntryEntity],
        }),
        TransactionsModule,
        AuthModule,
        AuditModule,
        StreamsModule,
        ReferenceModule,
        PartnersModule,
        EntitlementsModule,
        TokensModule,
      ],
    };
  }
}
