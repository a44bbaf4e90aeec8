import { Module } from '@nestjs/common';
import { DeliveryGateway } from './delivery.gateway';
import { DeliveryHub } from './delivery-hub.service';
import { EnrichedConsumer } from './enriched.consumer';
import { StreamDirectory } from './stream-directory.service';

@Module({ providers: [StreamDirectory, DeliveryHub, DeliveryGateway, EnrichedConsumer] })
export class DeliveryModule {}
