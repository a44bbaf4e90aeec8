import { Module } from '@nestjs/common';
import { AccessDirectory } from '../access/access-directory.service';
import { SocketAuthenticator } from '../access/socket-authenticator.service';
import { DeliveryMeter } from '../metering/delivery-meter.service';
import { UsageRecorder } from '../metering/usage-recorder';
import { AccessGate } from './access-gate';
import { CatchUp } from './catch-up';
import { DeliveryGateway } from './delivery.gateway';
import { DeliveryHub } from './delivery-hub.service';
import { Enforcement } from './enforcement';
import { EnrichedController } from './enriched.controller';
import { EnrichedPositions } from './enriched-positions';
import { LiveFeed } from './live-feed';
import { ReplayLane } from './replay-lane';
import { SlowConsumers } from './slow-consumers';
import { SocketRegistry } from './socket-registry';
import { Subscriptions } from './subscriptions';
import { UsageWindows } from './usage-windows';

@Module({
  controllers: [EnrichedController],
  providers: [
    AccessDirectory,
    SocketAuthenticator,
    SocketRegistry,
    AccessGate,
    UsageRecorder,
    LiveFeed,
    CatchUp,
    Subscriptions,
    ReplayLane,
    Enforcement,
    SlowConsumers,
    UsageWindows,
    DeliveryHub,
    DeliveryGateway,
    EnrichedPositions,
    DeliveryMeter,
  ],
})
export class DeliveryModule {}
