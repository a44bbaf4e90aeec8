import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TopicName, Topics, usageEventsCodec } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { UsageWindows } from '../delivery/usage-windows';
import { UnsentUsage } from './unsent-usage';
import { toUsageEvents } from './usage-events';
import { UsageRecorder } from './usage-recorder';

/**
 * Reports what this instance actually sent, every USAGE_WINDOW (aligned to the clock): records
 * and bytes per subscription and replay (from the UsageRecorder), connection seconds and peak
 * sockets per partner. Event ids are deterministic per (subscription, replay or instance run,
 * window), so a retried send is counted once. While usage.events cannot be written, reports
 * wait in a bounded queue and are retried with backoff; the flush never rejects, so an outage is
 * waited out. A crash loses no delivery: the next process on the same journal reports the
 * windows this one did not (connection seconds of the last window are lost).
 */
@Injectable()
export class DeliveryMeter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryMeter.name);
  private readonly run: string;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly unsent: UnsentUsage;
  private readonly reported = this.metrics.counter('streamgate_delivery_usage_events_total', 'Usage events written to usage.events');
  private readonly dropped = this.metrics.counter('streamgate_delivery_usage_events_dropped_total', 'Usage events dropped because the unsent queue was full (under-counted)');
  private readonly unsentGauge = this.metrics.gauge('streamgate_delivery_usage_events_unsent', 'Usage events waiting to be written to usage.events');

  constructor(
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    private readonly recorder: UsageRecorder,
    private readonly connections: UsageWindows,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {
    this.unsent = new UnsentUsage(config.MAX_UNSENT_USAGE_EVENTS);
    this.run = `${config.INSTANCE_ID ?? `${hostname()}-${process.pid}`}@${Date.now().toString(36)}`;
  }

  onApplicationBootstrap(): void {
    const recovered = this.recorder.open();
    if (recovered.length > 0) {
      const events = recovered.flatMap((window) => toUsageEvents({ run: this.run, ...window, connections: [] }));
      this.unsent.add(events);
      const unreadable = recovered.reduce((n, w) => n + w.unreadable, 0);
      this.logger.warn({ msg: 'usage recovered from the journal of a process that stopped without reporting it', windows: recovered.length, events: events.length, unreadableLines: unreadable });
      void this.flush({ closeWindow: false });
    }
    this.schedule();
  }

  // Runs after the transport stopped the consumer (nothing more is pushed), before the producer
  // closes (Kafka's module is global: its hooks run last): the last window and anything still
  // unsent get a few tries.
  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
    for (let attempt = 0; attempt < 3 && this.unsent.size > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await this.send();
    }
    if (this.unsent.size > 0) this.logger.error({ msg: 'usage events not reported at shutdown: the next process on this journal reports them', events: this.unsent.size });
    this.recorder.shutdown({ allReported: this.unsent.size === 0 });
  }

  private schedule(): void {
    const window = this.config.USAGE_WINDOW;
    const next = (Math.floor(Date.now() / window) + 1) * window;
    this.timer = setTimeout(() => {
      void this.flush();
      this.schedule();
    }, next - Date.now());
  }

  /**
   * Closes the current window into the unsent queue, then sends the queue unless a backoff is
   * running. Serialized, and it never rejects: a failed send stays queued for a later tick.
   */
  private flush({ closeWindow = true } = {}): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const end = Date.now();
      const events = closeWindow ? toUsageEvents({ run: this.run, ...this.recorder.close(end), connections: this.connections.drain(end) }) : [];
      const dropped = this.unsent.add(events);
      if (dropped > 0) {
        this.dropped.inc(dropped);
        this.logger.error({ msg: 'usage events dropped: the unsent queue is full', dropped, bound: this.config.MAX_UNSENT_USAGE_EVENTS });
      }
      if (this.unsent.due()) await this.send();
      // Every closed window is on usage.events (or had nothing to report): the journal lets them go.
      if (this.unsent.size === 0) this.recorder.reported();
      this.unsentGauge.set(this.unsent.size);
    });
    return this.flushing;
  }

  // Events carry deterministic ids, so a batch resent after an unclear failure is counted once.
  private async send(): Promise<void> {
    const events = this.unsent.peek();
    try {
      await this.producer.send(this.topics.name(TopicName.UsageEvents), events.map((e) => usageEventsCodec.encode(e)));
      this.unsent.sent(events.length);
      this.reported.inc(events.length);
    } catch (error) {
      const retryInMs = this.unsent.failed();
      this.logger.error({ msg: 'usage report failed; kept for retry', events: events.length, retryInMs, error: (error as Error).message });
    }
  }
}
