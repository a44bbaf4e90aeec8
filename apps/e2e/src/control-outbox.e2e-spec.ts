import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { Client } from 'pg';
import { AppProcess, startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { TopicReader, expectEventually, freePort, testKafka } from '@streamgate/testing';
import { createStream, entitle, partnerKey } from './e2e-helpers';

const PARTNERS = 6;
const KEYS_PER_PARTNER = 7;
const STREAMS = 6;

/**
 * Two access-control instances on one database: A takes admin changes while B starts and
 * reconciles every control topic. B holds each reconciliation for 1.5 s between reading the
 * database and writing its records (test hook), so the revocations made meanwhile land inside
 * that window. Whatever the interleaving, the latest value of each revoked key on control.keys
 * must be the tombstone, and each partner's latest entitlements must be the database's.
 */
describe('control plane with two access-control instances', () => {
  let platform: TestPlatform;
  let second: AppProcess | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    platform = await startPlatform({ apps: ['access-control'] });
  });

  afterAll(async () => {
    await second?.stop();
    await reader?.stop();
    await platform?.stop();
  });

  it('start-up reconciliation of B never republishes a key or entitlement that A revoked meanwhile', async () => {
    const streams = Array.from({ length: STREAMS }, (_, i) => `outbox-${i}`);
    for (const name of streams) await createStream(platform, { name });
    const keys: Array<{ partnerId: string; keyId: string }> = [];
    const partners: string[] = [];
    for (let p = 0; p < PARTNERS; p++) {
      const first = await partnerKey(platform, ['subscribe'], `Partner ${p}`);
      partners.push(first.partnerId);
      keys.push(first);
      for (let k = 1; k < KEYS_PER_PARTNER; k++) {
        const res = await platform.admin.post<{ id: string }>(`/v1/partners/${first.partnerId}/keys`, { scopes: ['subscribe'] });
        keys.push({ partnerId: first.partnerId, keyId: res.body.id });
      }
      for (const stream of streams) await entitle(platform, first.partnerId, stream);
    }
    // Interleaved revocations: keys, and entitlements partner by partner.
    const changes: Array<() => Promise<number>> = [];
    for (let i = 0; i < keys.length; i++) {
      const { partnerId, keyId } = keys[i] as { partnerId: string; keyId: string };
      changes.push(async () => (await platform.admin.delete(`/v1/partners/${partnerId}/keys/${keyId}`)).status);
      const partner = partners[i % PARTNERS] as string;
      const stream = streams[Math.floor(i / PARTNERS) % STREAMS] as string;
      if (i < PARTNERS * STREAMS) changes.push(async () => (await platform.admin.delete(`/v1/partners/${partner}/entitlements/${stream}`)).status);
    }

    second = new AppProcess({
      app: 'access-control',
      env: { ...platform.env, STREAMGATE_TEST_RECONCILE_DELAY_MS: '1500' },
      port: await freePort(),
      output: join(platform.logDir, 'access-control-b.log'),
    });
    let started = false;
    const starting = second.start(120_000).then(() => (started = true));
    let made = 0;
    while (!started && made < changes.length) {
      expect(await (changes[made] as () => Promise<number>)()).toBe(204);
      made++;
      await pause(100);
    }
    await starting;
    // B's five reconciliations take at least 7.5 s: plenty of changes landed inside them.
    expect(made).toBeGreaterThan(15);

    const db = new Client({ connectionString: String(platform.env.DATABASE_URL) });
    await db.connect();
    try {
      await expectEventually(async () => expect((await db.query('SELECT count(*)::int AS n FROM control_outbox')).rows).toEqual([{ n: 0 }]));
      const kafka = testKafka('outbox-e2e');
      const topics = { keys: `${platform.prefix}control.keys`, entitlements: `${platform.prefix}control.entitlements` };
      reader = await TopicReader.start(kafka, Object.values(topics));
      const admin = kafka.admin();
      await admin.connect();
      const ends = { keys: await admin.fetchTopicOffsets(topics.keys), entitlements: await admin.fetchTopicOffsets(topics.entitlements) };
      await admin.disconnect();
      // Everything on the topics has been read: what is latest now is final (the outbox is empty, both instances idle).
      await expectEventually(() => {
        for (const name of ['keys', 'entitlements'] as const) {
          const last = reader?.on(topics[name]).at(-1);
          expect(BigInt(last?.offset ?? -1) + 1n).toBe(BigInt(ends[name][0]?.high ?? 0));
        }
      }, { timeoutMs: 30_000 });
      const latest = (topic: string) => {
        const out = new Map<string, unknown>();
        for (const m of reader?.on(topic) ?? []) out.set(m.key ?? '', m.value ? JSON.parse(m.value.toString('utf8')) : null);
        return out;
      };

      const keyValues = latest(topics.keys);
      const revoked = new Set((await db.query<{ id: string }>('SELECT id FROM api_keys WHERE revoked_at IS NOT NULL')).rows.map((r) => r.id));
      expect(revoked.size).toBeGreaterThan(5);
      const resurrected = [...revoked].filter((id) => keyValues.get(id) !== null);
      expect(resurrected).toEqual([]);
      for (const { keyId } of keys) if (!revoked.has(keyId)) expect(keyValues.get(keyId)).toMatchObject({ id: keyId });

      const entitlementValues = latest(topics.entitlements);
      for (const partnerId of partners) {
        const res = await platform.admin.get<Record<string, unknown>>(`/v1/partners/${partnerId}/entitlements`);
        expect(Object.keys((entitlementValues.get(partnerId) as { streams: Record<string, unknown> }).streams).sort()).toEqual(Object.keys(res.body).sort());
      }
    } finally {
      await db.end();
    }
  });
});
