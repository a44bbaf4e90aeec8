import { Module } from '@nestjs/common';
import { DeliveryGateway } from './delivery.gateway';
import { DeliveryHub } from './delivery-hub.service';
import { EnrichedConsumer } from './enriched.consumer';

@Module({ providers: [DeliveryHub, DeliveryGateway, EnrichedConsumer] })
export class DeliveryModule {}
