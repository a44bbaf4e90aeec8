import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { KafkaModule } from '@streamgate/kafka';
import { AppConfigModule, ObservabilityModule } from '@streamgate/service';
import { DELIVERY_CONFIG } from './config/delivery.config';
import type { DeliveryConfig } from './config/delivery.config';
import { DeliveryModule } from './delivery/delivery.module';

@Module({})
export class AppModule {
  static register(config: DeliveryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.provide(DELIVERY_CONFIG, config),
        ObservabilityModule,
        KafkaModule.forRoot(config, 'streamgate-delivery'),
        DeliveryModule,
      ],
    };
  }
}
