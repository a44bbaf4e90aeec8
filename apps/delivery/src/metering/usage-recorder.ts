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

/** How long a lineage's marks outlive its last delivery: resumes come within seconds of a disconnect. */
const MARKS_KEPT_MS = 15 * 60_000;

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

  /**
   * Starts the first window; returns the windows a previous process on this journal left
   * unreported, whose lineage marks carry over (a partner resuming after the crash is not
   * metered again for what the dead process metered).
   */
  open(): RecoveredWindow[] {
    this.windowStart = Date.now();
    const recovered = this.journal.open(this.windowStart);
    for (const window of recovered) for (const mark of window.marks) this.record({ t: 'k', k: mark });
    return recovered.filter((w) => w.subscriptions.length > 0 || w.replays.length > 0 || w.unreadable > 0);
  }

  /** See UsageTally.marks: -1 when the lineage was never metered in the partition. */
  meteredThrough(partnerId: string, lineage: string, partition: number): number {
    return this.tally.meteredThrough(partnerId, lineage, partition);
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
    const live = this.tally.live();
    this.tally.marks.forget(now - MARKS_KEPT_MS, live.map(({ member }) => member));
    this.journal.rotate(now, live, this.tally.marks.all());
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
