import type { DataSource } from 'typeorm';
import { TopicName, Topics, referenceTopicKey } from '@streamgate/contracts';
import { openDatabase } from '@streamgate/database';
import { provisionContractTopics } from '@streamgate/dev-stack';
import { RecordProducer } from '@streamgate/kafka';
import type { Admin, Kafka } from '@streamgate/kafka';
import { Metrics } from '@streamgate/service';
import { TopicReader, createTestDatabase, dropTestDatabase, expectEventually, testKafka, testKafkaBrokers, uniqueName } from '@streamgate/testing';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { Transactions } from '../database/transactions';
import { EntitlementsRepository } from '../entitlements/entitlements.repository';
import { EntitlementEntity } from '../entitlements/entitlement.entity';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { ACCESS_CONTROL_MIGRATIONS } from '../migrations';
import { ApiKeyEntity } from '../partners/api-key.entity';
import { ApiKeysRepository } from '../partners/api-keys.repository';
import { PartnerEntity } from '../partners/partner.entity';
import { PartnersRepository } from '../partners/partners.repository';
import { PartnersService } from '../partners/partners.service';
import { ReferenceRowEntity } from '../reference/reference-row.entity';
import { StreamEntity } from '../streams/stream.entity';
import { ControlOutbox } from './control-outbox';
import { ControlReconciler } from './control-reconciler.service';
import { ControlRelay } from './control-relay.service';

/** The outbox against the real PostgreSQL and broker: only committed changes reach Kafka, in commit order per key. */
describe('control outbox and relay', () => {
  let url: string;
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let topics: Topics;
  let reader: TopicReader;
  const producers: RecordProducer[] = [];
  const relays: ControlRelay[] = [];
  const outbox = new ControlOutbox();

  async function startRelay(): Promise<{ relay: ControlRelay; producer: RecordProducer; metrics: Metrics }> {
    const producer = new RecordProducer(kafka);
    await producer.connect();
    producers.push(producer);
    const metrics = new Metrics();
    const relay = new ControlRelay(dataSource, producer, topics, metrics);
    await relay.onApplicationBootstrap();
    relays.push(relay);
    return { relay, producer, metrics };
  }

  /** A reference row of table `t` under its contract key. */
  const row = (key: string) => ({ key: referenceTopicKey('t', key), value: { table: 't', key, row: {} } });
  const rowValues = (key: string) => values(TopicName.ControlReference, referenceTopicKey('t', key));

  /** Latest value per key as read from the topic (null = tombstone). */
  const values = (topic: TopicName, key: string) => reader.on(topics.name(topic)).filter((m) => m.key === key).map((m) => (m.value ? JSON.parse(m.value.toString('utf8')) : null));

  beforeAll(async () => {
    url = await createTestDatabase();
    ({ dataSource } = await openDatabase({
      url,
      migrationsTableName: 'access_control_migrations',
      migrations: ACCESS_CONTROL_MIGRATIONS,
      entities: [StreamEntity, ReferenceRowEntity, PartnerEntity, ApiKeyEntity, EntitlementEntity, AuditEntryEntity],
    }));
    await dataSource.query('CREATE TABLE outbox_test_counters (key text PRIMARY KEY, n int NOT NULL)');
    const prefix = `${uniqueName('outbox')}.`;
    await provisionContractTopics(testKafkaBrokers(), prefix);
    topics = new Topics(prefix);
    kafka = testKafka('outbox-int');
    admin = kafka.admin();
    await admin.connect();
    reader = await TopicReader.start(kafka, [topics.name(TopicName.ControlKeys), topics.name(TopicName.ControlReference), topics.name(TopicName.ControlPartners)]);
  });

  afterAll(async () => {
    for (const relay of relays) await relay.beforeApplicationShutdown();
    for (const producer of producers) await producer.disconnect();
    await reader?.stop();
    await admin?.disconnect();
    await dataSource?.destroy();
    await dropTestDatabase(url);
  });

  it('a key revocation whose transaction fails never reaches Kafka; the next committed change does', async () => {
    await startRelay();
    const audit = new AuditService(new AuditRepository(dataSource));
    const reconciler = new ControlReconciler(kafka, admin, topics, dataSource, outbox);
    const transactions = new Transactions(dataSource);
    const partnerRows = new PartnersRepository(dataSource);
    const entitlements = new EntitlementsService(new EntitlementsRepository(dataSource), partnerRows, transactions, outbox, reconciler, audit);
    const partners = new PartnersService(partnerRows, new ApiKeysRepository(dataSource), transactions, outbox, reconciler, audit, entitlements);
    const partner = await partners.create({ name: 'Rollback Ltd' }, 'test');
    const first = await partners.createKey(partner.id, { scopes: ['subscribe'] }, 'test');
    await expectEventually(() => expect(values(TopicName.ControlKeys, first.id)).toHaveLength(1));

    // The audit write is the last statement of the revocation: it fails after the tombstone was written to the outbox.
    jest.spyOn(audit, 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    await expect(partners.revokeKey(partner.id, first.id, 'test')).rejects.toThrow('audit log unavailable');
    expect((await partners.listKeys(partner.id))[0]).toMatchObject({ id: first.id, revokedAt: null });

    // A change committed after it is published: once it is on the topic, the relay has had every chance.
    const second = await partners.createKey(partner.id, { scopes: ['subscribe'] }, 'test');
    await expectEventually(() => expect(values(TopicName.ControlKeys, second.id)).toHaveLength(1));
    expect(values(TopicName.ControlKeys, first.id)).toEqual([expect.objectContaining({ id: first.id })]);
    // The relay deletes a row only after Kafka acknowledged it, so the table empties just after the topic shows it.
    await expectEventually(async () => expect(await dataSource.query('SELECT count(*)::int AS n FROM control_outbox')).toEqual([{ n: 0 }]));
  });

  it('rows written in a rolled-back transaction are never published', async () => {
    await startRelay();
    const key = uniqueName('rolled-back');
    await expect(
      dataSource.transaction(async (em) => {
        await outbox.add(em, TopicName.ControlReference, [row(key)]);
        throw new Error('the change failed after its outbox write');
      }),
    ).rejects.toThrow('the change failed');
    const sentinel = uniqueName('sentinel');
    await dataSource.transaction((em) => outbox.add(em, TopicName.ControlReference, [row(sentinel)]));
    await expectEventually(() => expect(rowValues(sentinel)).toHaveLength(1));
    expect(rowValues(key)).toEqual([]);
  });

  it('two relays and concurrent writers keep every key in commit order', async () => {
    await startRelay();
    await startRelay();
    const keys = Array.from({ length: 5 }, (_, i) => uniqueName(`ordered-${i}-`));
    // 8 writers per key, each incrementing a counter read under the key's lock: the committed
    // values of a key are 1, 2, 3, … in commit order, and the topic must show them in that order
    // (carried in the partner record's name).
    const writes = keys.flatMap((key) =>
      Array.from({ length: 8 }, () =>
        dataSource.transaction(async (em) => {
          await outbox.lock(em, TopicName.ControlPartners, [key]);
          const [row] = (await em.query('SELECT n FROM outbox_test_counters WHERE key = $1', [key])) as Array<{ n: number }>;
          const n = (row?.n ?? 0) + 1;
          await outbox.add(em, TopicName.ControlPartners, [{ key, value: { id: key, name: String(n), plan: null, timezone: 'UTC', status: 'active' } }]);
          await em.query('INSERT INTO outbox_test_counters (key, n) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET n = EXCLUDED.n', [key, n]);
        }),
      ),
    );
    await Promise.all(writes);
    await expectEventually(() => {
      for (const key of keys) expect(values(TopicName.ControlPartners, key).at(-1)).toMatchObject({ name: '8' });
    });
    for (const key of keys) {
      const seen = values(TopicName.ControlPartners, key).map((v: { name: string }) => Number(v.name));
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('a relay whose Kafka write fails keeps the rows, counts the failure and retries with backoff', async () => {
    const { producer, metrics } = await startRelay();
    for (const relay of relays.slice(0, -1)) await relay.beforeApplicationShutdown();
    jest.spyOn(producer, 'sendBatch').mockRejectedValueOnce(new Error('broker unavailable')).mockRejectedValueOnce(new Error('broker unavailable'));
    const key = uniqueName('retried');
    await dataSource.transaction((em) => outbox.add(em, TopicName.ControlReference, [row(key)]));
    await expectEventually(() => expect(rowValues(key)).toHaveLength(1));
    const failures = await metrics.registry.getSingleMetricAsString('streamgate_access_control_outbox_failures_total');
    expect(failures).toContain('streamgate_access_control_outbox_failures_total 2');
  });
});
