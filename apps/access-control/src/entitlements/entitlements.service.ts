import { Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, DomainException, ErrorCode } from '@streamgate/contracts';
import type { EntitlementPolicy, PartnerEntitlements } from '@streamgate/contracts';
import { EntitlementError, grantsSubscribe, validateEntitlement } from '@streamgate/entitlements';
import { AuditService } from '../audit/audit.service';
import { ControlOutbox } from '../control/control-outbox';
import { ControlReconciler } from '../control/control-reconciler.service';
import { Transactions } from '../database/transactions';
import type { Tx } from '../database/transactions';
import { PartnersRepository } from '../partners/partners.repository';
import { EntitlementsRepository } from './entitlements.repository';

/**
 * Which streams, rows and fields each partner may see. Stored per (partner, stream); replicated
 * per partner on control.entitlements (through the outbox), from which delivery enforces them.
 */
@Injectable()
export class EntitlementsService implements OnApplicationBootstrap {
  constructor(
    private readonly entitlements: EntitlementsRepository,
    private readonly partners: PartnersRepository,
    private readonly transactions: Transactions,
    private readonly outbox: ControlOutbox,
    private readonly reconciler: ControlReconciler,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconciler.reconcile(TopicName.ControlEntitlements, async (em) => {
      const partners = await this.partners.list(em);
      const expected = new Map<string, PartnerEntitlements>();
      for (const { id } of partners) expected.set(id, await this.snapshot(id, em));
      return expected;
    });
  }

  async list(partnerId: string): Promise<Record<string, EntitlementPolicy>> {
    await this.partner(partnerId);
    return (await this.snapshot(partnerId)).streams;
  }

  async put(partnerId: string, stream: string, body: unknown, actor: string): Promise<EntitlementPolicy> {
    let policy: EntitlementPolicy;
    try {
      policy = validateEntitlement(body);
    } catch (error) {
      if (error instanceof EntitlementError) throw new DomainException(error.code, error.message, error.position === undefined ? undefined : { position: error.position });
      throw error;
    }
    return this.transactions.run(async (em) => {
      await this.partner(partnerId, em);
      if (!(await this.entitlements.streamExistsLocked(em, stream))) throw new DomainException(ErrorCode.StreamNotFound, `no stream named ${stream}`);
      const before = await this.entitlements.find(em, partnerId, stream);
      await this.entitlements.save(em, partnerId, stream, policy);
      await this.audit.record(em, { actor, action: before ? 'entitlement.update' : 'entitlement.create', targetType: 'entitlement', targetId: `${partnerId}/${stream}`, before: before?.policy, after: policy });
      await this.publish(em, partnerId);
      return policy;
    });
  }

  async remove(partnerId: string, stream: string, actor: string): Promise<void> {
    await this.transactions.run(async (em) => {
      await this.partner(partnerId, em);
      const before = await this.entitlements.find(em, partnerId, stream);
      if (!before) throw new DomainException(ErrorCode.EntitlementNotFound, `partner ${partnerId} has no entitlement to ${stream}`);
      await this.entitlements.delete(em, partnerId, stream);
      await this.audit.record(em, { actor, action: 'entitlement.delete', targetType: 'entitlement', targetId: `${partnerId}/${stream}`, before: before.policy, after: null });
      await this.publish(em, partnerId);
    });
  }

  /** A deleted stream takes its entitlements with it (a stream created later under the name starts with none). */
  async removeStream(em: Tx, stream: string): Promise<void> {
    const affected = await this.entitlements.ofStream(em, stream);
    if (affected.length === 0) return;
    // The partners' records are computed below: lock them first, so a concurrent change of one
    // of these partners (another stream deleted) cannot interleave and publish a stale snapshot.
    await this.outbox.lock(em, TopicName.ControlEntitlements, affected.map((a) => a.partnerId));
    await this.entitlements.deleteStream(em, stream);
    for (const { partnerId } of affected) await this.publish(em, partnerId);
  }

  /** A deleted partner's entitlements are tombstoned (the rows go with the partner by cascade). */
  async removePartner(em: Tx, partnerId: string): Promise<void> {
    await this.outbox.add(em, TopicName.ControlEntitlements, [{ key: partnerId, value: null }]);
  }

  /** The streams a partner is entitled to now (for minting tokens). */
  /** Streams the partner may subscribe to (a publish-only grant mints no subscription token). */
  async subscribableStreamsOf(partnerId: string): Promise<string[]> {
    const { streams } = await this.snapshot(partnerId);
    return Object.keys(streams).filter((stream) => grantsSubscribe(streams[stream]));
  }

  /** Writes the partner's entitlements to the outbox, in the change's transaction. */
  private async publish(em: Tx, partnerId: string): Promise<void> {
    await this.outbox.lock(em, TopicName.ControlEntitlements, [partnerId]);
    await this.outbox.add(em, TopicName.ControlEntitlements, [{ key: partnerId, value: await this.snapshot(partnerId, em) }]);
  }

  private async snapshot(partnerId: string, em?: Tx): Promise<PartnerEntitlements> {
    const rows = await this.entitlements.ofPartner(partnerId, em);
    const updatedAt = rows.reduce((latest, r) => (r.updatedAt > latest ? r.updatedAt : latest), new Date(0));
    return { partnerId, streams: Object.fromEntries(rows.map((r) => [r.stream, r.policy])), updatedAt: updatedAt.toISOString() };
  }

  /** In a transaction, the partner stays locked until it ends: changes of one partner take turns. */
  private async partner(id: string, em?: Tx): Promise<void> {
    const found = await this.partners.find(id, em, em !== undefined);
    if (!found) throw new DomainException(ErrorCode.PartnerNotFound, `no partner ${id}`);
  }
}
