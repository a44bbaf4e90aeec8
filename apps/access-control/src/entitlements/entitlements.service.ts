import { Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { TopicName } from '@streamgate/contracts';
import type { EntitlementPolicy, PartnerEntitlements } from '@streamgate/contracts';
import { EntitlementError, validateEntitlement } from '@streamgate/entitlements';
import { ApiError } from '@streamgate/service';
import { AuditService } from '../audit/audit.service';
import { ControlPublisher } from '../control/control-publisher.service';
import { ControlReconciler } from '../control/control-reconciler.service';
import { PartnerEntity } from '../partners/partner.entity';
import { EntitlementEntity } from './entitlement.entity';

/**
 * Which streams, rows and fields each partner may see. Stored per (partner, stream); replicated
 * per partner on control.entitlements, from which delivery enforces them.
 */
@Injectable()
export class EntitlementsService implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ControlPublisher,
    private readonly reconciler: ControlReconciler,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const partners = await this.dataSource.getRepository(PartnerEntity).find({ select: { id: true } });
    const expected = new Map<string, PartnerEntitlements>();
    for (const { id } of partners) expected.set(id, await this.snapshot(this.dataSource.manager, id));
    await this.reconciler.reconcile(TopicName.ControlEntitlements, expected);
  }

  async list(partnerId: string): Promise<Record<string, EntitlementPolicy>> {
    await this.partner(this.dataSource.manager, partnerId);
    return (await this.snapshot(this.dataSource.manager, partnerId)).streams;
  }

  async put(partnerId: string, stream: string, body: unknown, actor: string): Promise<EntitlementPolicy> {
    let policy: EntitlementPolicy;
    try {
      policy = validateEntitlement(body);
    } catch (error) {
      if (error instanceof EntitlementError) throw new ApiError(400, error.code, error.message, error.position === undefined ? undefined : { position: error.position });
      throw error;
    }
    return this.dataSource.transaction(async (em) => {
      await this.partner(em, partnerId, true);
      // FOR SHARE: a concurrent stream delete (FOR UPDATE) waits, so no entitlement outlives its stream.
      const found = await em.query('SELECT 1 FROM streams WHERE name = $1 FOR SHARE', [stream]);
      if (found.length === 0) throw new ApiError(404, 'STREAM_NOT_FOUND', `no stream named ${stream}`);
      const before = await em.getRepository(EntitlementEntity).findOneBy({ partnerId, stream });
      await em.getRepository(EntitlementEntity).save({ partnerId, stream, policy });
      await this.audit.record(em, { actor, action: before ? 'entitlement.update' : 'entitlement.create', targetType: 'entitlement', targetId: `${partnerId}/${stream}`, before: before?.policy, after: policy });
      await this.publish(em, partnerId);
      return policy;
    });
  }

  async remove(partnerId: string, stream: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.partner(em, partnerId, true);
      const before = await em.getRepository(EntitlementEntity).findOneBy({ partnerId, stream });
      if (!before) throw new ApiError(404, 'ENTITLEMENT_NOT_FOUND', `partner ${partnerId} has no entitlement to ${stream}`);
      await em.getRepository(EntitlementEntity).delete({ partnerId, stream });
      await this.audit.record(em, { actor, action: 'entitlement.delete', targetType: 'entitlement', targetId: `${partnerId}/${stream}`, before: before.policy, after: null });
      await this.publish(em, partnerId);
    });
  }

  /** A deleted stream takes its entitlements with it (a stream created later under the name starts with none). */
  async removeStream(em: EntityManager, stream: string): Promise<void> {
    const affected = await em.getRepository(EntitlementEntity).findBy({ stream });
    if (affected.length === 0) return;
    await em.getRepository(EntitlementEntity).delete({ stream });
    for (const { partnerId } of affected) await this.publish(em, partnerId);
  }

  /** A deleted partner's entitlements are tombstoned (the rows go with the partner by cascade). */
  async removePartner(partnerId: string): Promise<void> {
    await this.publisher.publish(TopicName.ControlEntitlements, [{ key: partnerId, value: null }]);
  }

  /** The streams a partner is entitled to now (for minting tokens). */
  async streamsOf(partnerId: string): Promise<string[]> {
    return Object.keys((await this.snapshot(this.dataSource.manager, partnerId)).streams);
  }

  private async publish(em: EntityManager, partnerId: string): Promise<void> {
    await this.publisher.publish(TopicName.ControlEntitlements, [{ key: partnerId, value: await this.snapshot(em, partnerId) }]);
  }

  private async snapshot(em: EntityManager, partnerId: string): Promise<PartnerEntitlements> {
    const rows = await em.getRepository(EntitlementEntity).find({ where: { partnerId }, order: { stream: 'ASC' } });
    const updatedAt = rows.reduce((latest, r) => (r.updatedAt > latest ? r.updatedAt : latest), new Date(0));
    return { partnerId, streams: Object.fromEntries(rows.map((r) => [r.stream, r.policy])), updatedAt: updatedAt.toISOString() };
  }

  private async partner(em: EntityManager, id: string, lock = false): Promise<void> {
    const found = await em.getRepository(PartnerEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!found) throw new ApiError(404, 'PARTNER_NOT_FOUND', `no partner ${id}`);
  }
}
