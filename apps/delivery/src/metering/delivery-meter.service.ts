import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics } from '@streamgate/contracts';
import type { UsageEvent } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { DeliveryHub } from '../delivery/delivery-hub.service';
import { toUsageEvents } from './usage-events';

/**
 * Reports what this instance actually sent, every USAGE_WINDOW (aligned to the clock): records
 * and bytes per subscription, connection seconds and peak sockets per partner. Event ids are
 * deterministic per (subscription or instance run, window), so a retried send is counted once.
 * A crash loses at most the current window's report: metering can only under-count deliveries,
 * never over-count them.
 */
@Injectable()
export class DeliveryMeter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryMeter.name);
  private readonly run: string;
  private timer?: NodeJS.Timeout;
  private windowStart = Date.now();
  private flushing: Promise<void> = Promise.resolve();
  private readonly reported = this.metrics.counter('streamgate_delivery_usage_events_total', 'Usage events written to usage.events');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly hub: DeliveryHub,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {
    this.run = `${config.INSTANCE_ID ?? `${hostname()}-${process.pid}`}@${Date.now().toString(36)}`;
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  // Runs after the consumer stopped (the hub pushes nothing more), before the producer closes.
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  private schedule(): void {
    const window = this.config.USAGE_WINDOW;
    const next = (Math.floor(Date.now() / window) + 1) * window;
    this.timer = setTimeout(() => {
      void this.flush();
      this.schedule();
    }, next - Date.now());
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const end = Date.now();
      const events = toUsageEvents({
        run: this.run,
        windowStart: new Date(this.windowStart),
        windowEnd: new Date(end),
        subscriptions: this.hub.groups.drain(),
        connections: this.hub.drainConnections(end),
        replays: this.hub.drainReplays(),
      });
      this.windowStart = end;
      if (events.length === 0) return;
      await this.send(events);
    });
    return this.flushing;
  }

  // A failed send keeps its events for the next attempt: they carry their ids, so nothing is counted twice.
  private async send(events: UsageEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.send(this.topics.name(TopicName.UsageEvents), events.map((e) => ({ key: e.partnerId, value: JSON.stringify(e) })));
        this.reported.inc(events.length);
        return;
      } catch (error) {
        this.logger.error({ msg: 'usage report failed', attempt, events: events.length, error: (error as Error).message });
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }
}
