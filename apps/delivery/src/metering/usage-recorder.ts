import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_CONFIG } from '../config/delivery.config';
import type { DeliveryConfig } from '../config/delivery.config';
import { UsageJournal } from './usage-journal';
import { apply } from './usage-journal';
import type { JournalEntry, RecoveredWindow } from './usage-journal';
import { UsageTally } from './usage-tally';
import type { Member, ReplayMember, ReplayUsage, Sent, SubscriptionUsage } from './usage-tally';

/** One closed window of this process. */
export interface ClosedWindow {
  windowStart: Date;
  windowEnd: Date;
  subscriptions: SubscriptionUsage[];
  replays: ReplayUsage[];
}

/**
 * What delivery sent, as it sends it: each call goes to the journal first, then to the current
 * window's tally. Callers record before they push to the socket, so a crash can leave a record
 * metered that the partner never got (a resume then sends it again), never the reverse.
 */
@Injectable()
export class UsageRecorder {
  private readonly tally = new UsageTally();
  private windowStart = Date.now();
  private readonly journal: UsageJournal;

  constructor(@Inject(DELIVERY_CONFIG) config: DeliveryConfig) {
    this.journal = new UsageJournal(config.USAGE_JOURNAL_DIR ?? join(tmpdir(), `streamgate-delivery-usage-${config.PORT}`));
  }

  /** Starts the first window; returns the windows a previous process on this journal left unreported. */
  open(): RecoveredWindow[] {
    this.windowStart = Date.now();
    return this.journal.open(this.windowStart);
  }

  activate(room: string, member: Member): void {
    this.record({ t: 'a', r: room, m: member });
  }

  deactivate(room: string, subscriptionId: string): void {
    this.record({ t: 'd', r: room, s: subscriptionId });
  }

  sent(room: string, sent: Sent): void {
    this.record({ t: 's', r: room, x: sent });
  }

  direct(member: Member, sent: Sent): void {
    this.record({ t: 'c', m: member, x: sent });
  }

  replayed(replay: ReplayMember, records: number, bytes: number): void {
    if (records > 0) this.record({ t: 'p', m: replay, n: records, b: bytes });
  }

  /** Closes the current window (its file stays until `reported`) and starts the next. */
  close(now = Date.now()): ClosedWindow {
    const { subscriptions, replays } = this.tally.drain();
    const window = { windowStart: new Date(this.windowStart), windowEnd: new Date(now), subscriptions, replays };
    this.windowStart = now;
    this.journal.rotate(now, this.tally.live());
    return window;
  }

  /** Every closed window has been written to usage.events. */
  reported(): void {
    this.journal.prune();
  }

  /** After the last window was reported at shutdown: nothing is left for a next process. */
  shutdown({ allReported }: { allReported: boolean }): void {
    this.journal.close({ discard: allReported });
  }

  private record(entry: JournalEntry): void {
    this.journal.append(entry);
    apply(this.tally, entry);
  }
}
