import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { KEY_SCOPES, TopicName, isJsonObject, parseApiKey, DomainException, ErrorCode } from '@streamgate/contracts';
import type { ApiKeyRecord, KeyScope, PartnerRecord } from '@streamgate/contracts';
import { generateApiKey, verifyApiKey } from '@streamgate/auth';
import type { KeyCheck } from '@streamgate/auth';
import { ControlOutbox } from '../control/control-outbox';
import { ControlReconciler } from '../control/control-reconciler.service';
import { AuditService } from '../audit/audit.service';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { Transactions } from '../database/transactions';
import type { Tx } from '../database/transactions';
import { ApiKeysRepository } from './api-keys.repository';
import type { ApiKeyEntity } from './api-key.entity';
import type { PartnerEntity } from './partner.entity';
import { PartnersRepository } from './partners.repository';

export interface PartnerView extends PartnerRecord {
  createdAt: string;
  updatedAt: string;
}

export interface KeyView {
  id: string;
  prefix: string;
  scopes: KeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const MAX_ACTIVE_KEYS = 10;

/**
 * Partners and their API keys. Partners are replicated on control.partners, active keys (as
 * hashes) on control.keys; revoking a key or deleting a partner tombstones them there.
 */
@Injectable()
export class PartnersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartnersService.name);

  constructor(
    private readonly partners: PartnersRepository,
    private readonly keys: ApiKeysRepository,
    private readonly transactions: Transactions,
    private readonly outbox: ControlOutbox,
    private readonly reconciler: ControlReconciler,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconciler.reconcile(TopicName.ControlPartners, async (em) => new Map((await this.partners.list(em)).map((p) => [p.id, toRecord(p)])));
    await this.reconciler.reconcile(TopicName.ControlKeys, async (em) => {
      // Only keys of active partners are replicated: a suspended partner's keys stop working everywhere.
      const active = new Set((await this.partners.list(em)).filter((p) => p.status === 'active').map((p) => p.id));
      const keys = (await this.keys.active(undefined, em)).filter((k) => active.has(k.partnerId));
      return new Map(keys.map((k) => [k.id, toKeyRecord(k)]));
    });
  }

  async list(): Promise<PartnerView[]> {
    return (await this.partners.list()).map(toView);
  }

  async get(id: string): Promise<PartnerView> {
    return toView(await this.find(id));
  }

  async create(body: unknown, actor: string): Promise<PartnerView> {
    const input = parsePartnerInput(body, true);
    const partner: Partial<PartnerEntity> = {
      id: `ptn_${randomBytes(8).toString('hex')}`,
      name: input.name as string,
      plan: input.plan ?? null,
      timezone: input.timezone ?? 'UTC',
      status: input.status ?? 'active',
    };
    return this.transactions.run(async (em) => {
      const saved = await this.partners.save(em, partner);
      await this.outbox.add(em, TopicName.ControlPartners, [{ key: saved.id, value: toRecord(saved) }]);
      await this.audit.record(em, { actor, action: 'partner.create', targetType: 'partner', targetId: saved.id, before: null, after: toRecord(saved) });
      this.logger.log({ msg: 'partner created', partner: saved.id });
      return toView(saved);
    });
  }

  async update(id: string, body: unknown, actor: string): Promise<PartnerView> {
    const input = parsePartnerInput(body, false);
    return this.transactions.run(async (em) => {
      const partner = await this.find(id, em);
      const before = toRecord(partner);
      Object.assign(partner, input);
      const saved = await this.partners.save(em, partner);
      await this.outbox.add(em, TopicName.ControlPartners, [{ key: id, value: toRecord(saved) }]);
      if (before.status !== saved.status) {
        // Suspension withdraws the partner's keys from control.keys (sockets end, publishes and
        // tokens are refused); reactivation puts them back.
        const keys = await this.keys.active(id, em);
        await this.outbox.add(em, TopicName.ControlKeys, keys.map((k) => ({ key: k.id, value: saved.status === 'active' ? toKeyRecord(k) : null })));
      }
      await this.audit.record(em, { actor, action: 'partner.update', targetType: 'partner', targetId: id, before, after: toRecord(saved) });
      return toView(saved);
    });
  }

  /** Deleting a partner revokes everything it holds. */
  async remove(id: string, actor: string): Promise<void> {
    await this.transactions.run(async (em) => {
      const partner = await this.find(id, em);
      const keys = await this.keys.active(id, em);
      await this.keys.deleteOfPartner(em, id);
      await this.partners.delete(em, id);
      await this.outbox.add(em, TopicName.ControlKeys, keys.map((k) => ({ key: k.id, value: null })));
      await this.entitlements.removePartner(em, id);
      await this.outbox.add(em, TopicName.ControlPartners, [{ key: id, value: null }]);
      await this.audit.record(em, { actor, action: 'partner.delete', targetType: 'partner', targetId: id, before: toRecord(partner), after: null });
    });
    this.logger.log({ msg: 'partner deleted', partner: id });
  }

  async createKey(partnerId: string, body: unknown, actor: string): Promise<KeyView & { key: string }> {
    const scopes = isJsonObject(body) ? body.scopes : undefined;
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => (KEY_SCOPES as readonly unknown[]).includes(s))) {
      throw new DomainException(ErrorCode.InvalidScopes, `scopes must be a non-empty array of ${KEY_SCOPES.join(', ')}`);
    }
    return this.transactions.run(async (em) => {
      const partner = await this.find(partnerId, em);
      const active = await this.keys.countActive(em, partnerId);
      if (active >= MAX_ACTIVE_KEYS) throw new DomainException(ErrorCode.TooManyKeys, `a partner holds at most ${MAX_ACTIVE_KEYS} active keys: revoke one first`);
      const generated = generateApiKey();
      const saved = await this.keys.save(em, {
        id: generated.id,
        partnerId,
        hash: generated.hash,
        prefix: generated.prefix,
        scopes: [...new Set(scopes as KeyScope[])],
        lastUsedAt: null,
        revokedAt: null,
      });
      if (partner.status === 'active') await this.outbox.add(em, TopicName.ControlKeys, [{ key: saved.id, value: toKeyRecord(saved) }]);
      await this.audit.record(em, { actor, action: 'key.create', targetType: 'key', targetId: saved.id, before: null, after: toKeyView(saved) });
      this.logger.log({ msg: 'key created', partner: partnerId, keyId: saved.id });
      return { ...toKeyView(saved), key: generated.key };
    });
  }

  async listKeys(partnerId: string): Promise<KeyView[]> {
    await this.find(partnerId);
    const keys = await this.keys.ofPartner(partnerId);
    return keys.map(toKeyView);
  }

  async revokeKey(partnerId: string, keyId: string, actor: string): Promise<void> {
    await this.transactions.run(async (em) => {
      // The partner first, as every change of its keys does: a suspension or reactivation in
      // flight (which republishes the partner's active keys) cannot interleave with this revocation.
      await this.partners.find(partnerId, em, true);
      const key = await this.keys.findLocked(em, partnerId, keyId);
      if (!key) throw new DomainException(ErrorCode.KeyNotFound, `partner ${partnerId} has no key ${keyId}`);
      if (key.revokedAt) return;
      const before = toKeyView(key);
      key.revokedAt = new Date();
      await this.keys.save(em, key);
      await this.outbox.add(em, TopicName.ControlKeys, [{ key: keyId, value: null }]);
      await this.audit.record(em, { actor, action: 'key.revoke', targetType: 'key', targetId: keyId, before, after: toKeyView(key) });
    });
    this.logger.log({ msg: 'key revoked', partner: partnerId, keyId });
  }

  /** The active key behind a partner's API key string, verified against its stored hash. */
  async verifyKey(key: string | undefined, scope: KeyScope): Promise<KeyCheck> {
    const parsed = key ? parseApiKey(key) : undefined;
    const record = parsed ? await this.keys.activeById(parsed.keyId) : null;
    const partner = record ? await this.partners.find(record.partnerId) : null;
    return verifyApiKey(key, () => (record && partner?.status === 'active' ? toKeyRecord(record) : undefined), scope);
  }

  /** In a transaction, the partner stays locked until it ends: changes of one partner take turns. */
  private async find(id: string, em?: Tx): Promise<PartnerEntity> {
    const partner = await this.partners.find(id, em, em !== undefined);
    if (!partner) throw new DomainException(ErrorCode.PartnerNotFound, `no partner ${id}`);
    return partner;
  }
}

function parsePartnerInput(body: unknown, creating: boolean): Partial<Pick<PartnerEntity, 'name' | 'plan' | 'timezone' | 'status'>> {
  if (!isJsonObject(body)) throw new DomainException(ErrorCode.InvalidPartner, 'the body is a JSON object');
  const out: Partial<Pick<PartnerEntity, 'name' | 'plan' | 'timezone' | 'status'>> = {};
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!['name', 'plan', 'timezone', 'status'].includes(key)) problems.push(`unknown field ${key}`);
  if (body.name !== undefined || creating) {
    if (typeof body.name !== 'string' || body.name.trim().length === 0 || body.name.length > 200) problems.push('name must be 1..200 characters');
    else out.name = body.name.trim();
  }
  if (body.plan !== undefined) {
    if (body.plan !== null && (typeof body.plan !== 'string' || !/^[a-z0-9_-]{1,64}$/.test(body.plan))) problems.push('plan must be a plan id or null');
    else out.plan = body.plan;
  }
  if (body.timezone !== undefined) {
    if (typeof body.timezone !== 'string' || !isTimeZone(body.timezone)) problems.push('timezone must be an IANA time zone such as Europe/Paris');
    else out.timezone = body.timezone;
  }
  if (body.status !== undefined) {
    if (body.status !== 'active' && body.status !== 'suspended') problems.push('status must be active or suspended');
    else out.status = body.status;
  }
  if (problems.length > 0) throw new DomainException(ErrorCode.InvalidPartner, problems.join('; '));
  return out;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const toRecord = (p: Pick<PartnerEntity, 'id' | 'name' | 'plan' | 'timezone' | 'status'>): PartnerRecord => ({
  id: p.id,
  name: p.name,
  plan: p.plan,
  timezone: p.timezone,
  status: p.status,
});
const toView = (p: PartnerEntity): PartnerView => ({ ...toRecord(p), createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() });
const toKeyRecord = (k: ApiKeyEntity): ApiKeyRecord => ({ id: k.id, partnerId: k.partnerId, hash: k.hash, scopes: k.scopes, createdAt: k.createdAt.toISOString() });
const toKeyView = (k: ApiKeyEntity): KeyView => ({
  id: k.id,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});
