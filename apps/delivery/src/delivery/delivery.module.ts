import { Module } from '@nestjs/common';
import { AccessDirectory } from '../access/access-directory.service';
import { SocketAuthenticator } from '../access/socket-authenticator.service';
import { DeliveryGateway } from './delivery.gateway';
import { DeliveryHub } from './delivery-hub.service';
import { EnrichedConsumer } from './enriched.consumer';

@Module({ providers: [AccessDirectory, SocketAuthenticator, DeliveryHub, DeliveryGateway, EnrichedConsumer] })
export class DeliveryModule {}
