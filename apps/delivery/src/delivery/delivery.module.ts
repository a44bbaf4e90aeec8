import { Module } from '@nestjs/common';
import { AccessDirectory } from '../access/access-directory.service';
import { SocketAuthenticator } from '../access/socket-authenticator.service';
import { DeliveryGateway } from './delivery.gateway';
import { DeliveryHub } from './delivery-hub.service';
import { EnrichedConsumer } from './enriched.consumer';
import { DeliveryMeter } from '../metering/delivery-meter.service';

@Module({ providers: [AccessDirectory, SocketAuthenticator, DeliveryHub, DeliveryGateway, EnrichedConsumer, DeliveryMeter] })
export class DeliveryModule {}
