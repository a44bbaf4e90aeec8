import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TopicName, Topics, controlQuotasCodec } from '@streamgate/contracts';
import type { QuotaState } from '@streamgate/contracts';
import { RecordProducer } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { monthBounds, periodOf } from '../billing';
import { METERING_CONFIG } from '../config/metering.config';
import type { MeteringConfig } from '../config/metering.config';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { PlansRepository } from '../plans/plans.repository';
import { UsageRepository } from '../usage/usage.repository';

/**
 * Each partner's quota state for the current period (records delivered and replayed against
 * its plan's soft and hard limits), published on the compacted control.quotas whenever it
 * changes: delivery and ingest enforce it. Evaluated right after usage is counted, and swept
 * periodically for period roll-overs and plan changes.
 */
@Injectable()
export class QuotaService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QuotaService.name);
  private readonly published = new Map<string, string>();
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private readonly states = this.metrics.gauge('streamgate_metering_partners_over_quota', 'Partners over a limit', ['state']);

  constructor(
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
    private readonly plans: PlansRepository,
    private readonly usage: UsageRepository,
    private readonly partners: PartnerDirectory,
    private readonly producer: RecordProducer,
    private readonly topics: Topics,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A new plan or time zone changes the limits and the period at once.
    this.partners.onChange((partnerId) => this.touched([partnerId]));
    await this.evaluate(this.partners.all().filter((p) => !p.deleted).map((p) => p.id), true);
    this.sweeper = setInterval(() => this.touched(this.partners.all().filter((p) => !p.deleted).map((p) => p.id)), this.config.QUOTA_SWEEP_INTERVAL);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    clearTimeout(this.timer);
    await this.running;
  }

  /** Partners whose usage just changed; evaluated together within ~200 ms. */
  touched(partnerIds: Iterable<string>): void {
    for (const id of partnerIds) this.pending.add(id);
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const ids = [...this.pending];
      this.pending.clear();
      this.running = this.running.then(() => this.evaluate(ids, false)).catch((error: Error) => this.logger.error({ msg: 'quota evaluation failed', error: error.message }));
    }, 200);
  }

  planChanged(planId: string): void {
    this.touched(this.partners.all().filter((p) => p.plan === planId && !p.deleted).map((p) => p.id));
  }

  async current(partnerId: string): Promise<QuotaState> {
    const partner = this.partners.get(partnerId);
    const timeZone = partner?.timezone ?? 'UTC';
    const period = periodOf(new Date(), timeZone);
    const plan = partner?.plan ? await this.plans.get(partner.plan) : undefined;
    const soft = plan?.softLimitRecords ?? null;
    const hard = plan?.hardLimitRecords ?? null;
    const { start, end } = monthBounds(period, timeZone);
    const used = await this.usage.recordsUsed(partnerId, start, end, period);
    const state = hard !== null && used >= hard ? 'hard' : soft !== null && used >= soft ? 'soft' : 'ok';
    return { state, period, used, limit: hard ?? soft, maxConnections: plan?.maxConnections ?? null, replayRecordsPerSecond: plan?.replayRecordsPerSecond ?? null };
  }

  private async evaluate(partnerIds: string[], initial: boolean): Promise<void> {
    const changes: Array<{ key: string; quota: QuotaState; signature: string }> = [];
    for (const id of partnerIds) {
      const quota = await this.current(id);
      const signature = `${quota.state}/${quota.period}/${quota.limit}/${quota.maxConnections}/${quota.replayRecordsPerSecond}`;
      // Published on a change of state, period or limit (and once at start-up).
      if (!initial && this.published.get(id) === signature) continue;
      changes.push({ key: id, quota, signature });
      if (quota.state !== 'ok') this.logger.log({ msg: 'quota state', partner: id, ...quota });
    }
    if (changes.length > 0) {
      await this.producer.send(this.topics.name(TopicName.ControlQuotas), changes.map(({ key, quota }) => controlQuotasCodec.encode({ key, value: quota })));
      // Remembered only once Kafka has it: a failed send is retried at the next evaluation.
      for (const change of changes) this.published.set(change.key, change.signature);
    }
    let soft = 0;
    let hard = 0;
    for (const signature of this.published.values()) {
      if (signature.startsWith('soft/')) soft++;
      if (signature.startsWith('hard/')) hard++;
    }
    this.states.set({ state: 'soft' }, soft);
    this.states.set({ state: 'hard' }, hard);
  }
}
