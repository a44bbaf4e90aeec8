import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { StreamgateClient } from '@streamgate/client';
import { TopicName, Topics } from '@streamgate/contracts';
import type { AppName, DeliveredRecord, ErrorBody } from '@streamgate/contracts';
import { Supervisor, killAndAwaitRestart, pauseTreeFor, startPlatform, startPrivateStack, waitFor } from '@streamgate/dev-stack';
import type { PrivateStack, TestPlatform } from '@streamgate/dev-stack';
import { SteadyProducer, expectEventually, testKafka } from '@streamgate/testing';
import { duplicateIds, duplicatePlaces, readTopics, readiness, settledMeteredDeliveries, subscriberGaps } from './chaos-helpers';
import { createStream, entitle, partnerKey } from './e2e-helpers';

const STREAM = 'ticks';
const BROKER_PAUSE_MS = 45_000;
const POSTGRES_PAUSE_MS = 30_000;

interface Fault {
  fault: string;
  /** Seconds since the stream started. */
  at: number;
  ms: number;
}

// Issue 14. A broker and a database of the test's own (the shared ones are never paused), the
// five apps as processes kept running by the dev-stack Supervisor, ~100 records/s from a
// producer that never gives up, and one partner on the SDK resuming with `since` after every
// disconnect. The schedule: SIGKILL ingest, SIGKILL enrichment, SIGSTOP the broker 45 s,
// SIGKILL delivery while PostgreSQL is SIGSTOPped 30 s, SIGKILL metering. Then: each id once
// at the subscriber, once on records.validated and records.enriched, metered deliveries equal
// to the records received, every app ready.
// Not yet in `npm test` (issue 14 stays open): it passed locally, then failed once in a
// clean-clone CI run (no record reached the subscriber for 120 s after delivery's SIGKILL during
// the PostgreSQL pause; enrichment logged CONCURRENT_TRANSACTIONS just before). `npm run
// test:chaos` runs it; it joins the suite once it passes reliably.
const describeChaos = process.env.STREAMGATE_CHAOS === '1' ? describe : describe.skip;

describeChaos('chaos: broker and database hangs, SIGKILL of every pipeline app, under a steady stream', () => {
  let stack: PrivateStack;
  let platform: TestPlatform;
  let topics: Topics;
  let producer: Producer;
  let pump: SteadyProducer;
  let client: StreamgateClient;
  const supervisors: Supervisor[] = [];
  const supervision: string[] = [];
  const received: DeliveredRecord[] = [];
  /** When each received record arrived, seconds since the stream started. */
  const arrivals: number[] = [];
  const subscriberErrors: ErrorBody[] = [];
  const faults: Fault[] = [];
  let reconnects = 0;
  let streamStart = 0;
  let summary: Record<string, unknown> = {};
  let result: { acked: string[]; validated: string[]; enriched: string[]; metered: number; ready: Record<string, number> } | undefined;

  beforeAll(async () => {
    stack = await startPrivateStack();
    platform = await startPlatform({ kafkaBrokers: stack.kafka.brokers, databaseServerUrl: stack.postgres.url, env: { USAGE_WINDOW: '1s' } });
    for (const app of Object.values(platform.apps)) {
      const supervisor = new Supervisor(app, { log: (line) => supervision.push(`${new Date().toISOString()} ${line}`), baseDelayMs: 250, maxDelayMs: 2_000 });
      await supervisor.start({ running: true });
      supervisors.push(supervisor);
    }
    topics = new Topics(platform.prefix);
    await createStream(platform, { name: STREAM });
    const partner = await partnerKey(platform, ['subscribe'], 'Chaos Partner');
    await entitle(platform, partner.partnerId, STREAM);
    producer = testKafka('e2e-chaos', { brokers: stack.kafka.brokers, quiet: true }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    pump = new SteadyProducer(producer, { topic: topics.source(STREAM), idPrefix: 'chaos', perTick: 5, intervalMs: 50 });
    // dedupeIds 0: the SDK hands over every record it receives, so duplicates stay visible here.
    client = new StreamgateClient({ urls: [platform.url('delivery')], apiKey: partner.key, dedupeIds: 0, reconnectDelayMs: 250, resumeAttempts: 20 });
    client.onConnection((event) => (reconnects += event === 'connect' ? 1 : 0));
    await expectEventually(() => client.connect(), { timeoutMs: 30_000 });
    await expectEventually(() => client.subscribe(STREAM, {
      record: (r) => {
        received.push(r);
        arrivals.push(since());
      },
      error: (e) => subscriberErrors.push(e),
    }), { timeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    client?.close();
    await pump?.stop({ timeoutMs: 5_000 }).catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
    if (platform) writeFileSync(join(platform.logDir, 'supervisor.log'), supervision.join('\n') + '\n');
    await platform?.stop();
    await stack?.stop();
  }, 120_000);

  const since = () => Math.round((Date.now() - streamStart) / 100) / 10;

  async function crash(app: AppName): Promise<void> {
    const at = since();
    const restart = await killAndAwaitRestart(platform.apps[app], { timeoutMs: 90_000 });
    faults.push({ fault: `SIGKILL ${app}`, at, ms: restart.ms });
  }

  async function hang(what: 'kafka' | 'postgres', ms: number, meanwhile: () => Promise<void> = async () => undefined): Promise<void> {
    const at = since();
    const [held] = await Promise.all([pauseTreeFor(stack[what].pid, ms), meanwhile()]);
    faults.push({ fault: `SIGSTOP ${what} (${held.pids.length} processes)`, at, ms: held.pausedMs });
  }

  /** Records keep reaching the subscriber (the pipeline recovered from the last fault). */
  const flowing = async (more = 200) => {
    const mark = received.length;
    await waitFor(`${more} more records at the subscriber`, async () => received.length >= mark + more, { timeoutMs: 120_000, intervalMs: 250 });
  };

  it('runs the fault schedule and the pipeline recovers from each fault', async () => {
    const started = Date.now();
    streamStart = started;
    pump.start();
    await flowing(100);
    await crash('ingest');
    await flowing();
    await crash('enrichment');
    await flowing();
    await hang('kafka', BROKER_PAUSE_MS);
    await flowing();
    await hang('postgres', POSTGRES_PAUSE_MS, () => crash('delivery'));
    await flowing();
    await crash('metering');
    await flowing();
    await pump.stop({ timeoutMs: 60_000 });
    const acked = [...pump.acked];
    // Drained: every acknowledged record reached the subscriber (what is still missing then is reported).
    await waitFor('the subscriber to drain', async () => {
      const ids = new Set(received.map((r) => r.id));
      return acked.every((id) => ids.has(id));
    }, { timeoutMs: 60_000, intervalMs: 500 }).catch(() => undefined);
    const metered = await settledMeteredDeliveries(platform, STREAM);
    const kafka = testKafka('e2e-chaos-reader', { brokers: stack.kafka.brokers, quiet: true });
    const onTopics = await readTopics(kafka, {
      source: topics.source(STREAM),
      validated: topics.name(TopicName.RecordsValidated),
      enriched: topics.name(TopicName.RecordsEnriched),
    }, acked);
    const ready = await waitFor('every app ready', async () => {
      const statuses = await readiness(platform);
      return Object.values(statuses).every((status) => status === 200) && statuses;
    }, { timeoutMs: 30_000 }).catch(() => readiness(platform));
    const ofTopic = (name: string) => (onTopics[name] ?? []).map((r) => r.id);
    result = { acked, validated: ofTopic('validated'), enriched: ofTopic('enriched'), metered, ready };

    const ids = received.map((r) => r.id);
    const unique = new Set(ids);
    summary = {
      chaos: 'summary',
      recordsProduced: pump.produced,
      recordsAcked: acked.length,
      received: ids.length,
      uniqueReceived: unique.size,
      missingAtSubscriber: acked.filter((id) => !unique.has(id)).length,
      duplicatesAtSubscriber: ids.length - unique.size,
      duplicateIdsAtSubscriber: duplicateIds(ids).length,
      duplicateIdsInSource: duplicateIds(ofTopic('source')).length,
      validated: result.validated.length,
      duplicateIdsInValidated: duplicateIds(result.validated).length,
      enriched: result.enriched.length,
      duplicateIdsInEnriched: duplicateIds(result.enriched).length,
      // Where the first duplicates sit (partition:offset of each copy), to place them against the faults.
      duplicatesInValidatedAt: duplicatePlaces(onTopics.validated ?? []),
      duplicatesInEnrichedAt: duplicatePlaces(onTopics.enriched ?? []),
      meteredDeliveries: metered,
      meteredMinusReceived: metered - ids.length,
      // Where records.enriched offsets never reached the subscriber (first 10 runs), to place a loss against the faults.
      subscriberGaps: subscriberGaps(onTopics.enriched ?? [], received.map((r, i) => ({ pos: r.pos, at: arrivals[i] as number }))),
      ready,
      faults,
      unplannedExits: supervision.filter((l) => l.includes(' exited (') && !l.includes('(SIGKILL)')),
      restarts: supervisors.reduce((n, s) => n + s.restartCount, 0),
      subscriberConnects: reconnects,
      subscriberErrors: subscriberErrors.map((e) => e.code),
      producerRetries: pump.retried,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    writeFileSync(join(platform.logDir, 'chaos-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

    // The faults happened as scheduled (delivery's crash and the database hang overlap).
    expect(faults.map((f) => f.fault.replace(/ \(.*/, '')).sort()).toEqual(['SIGKILL delivery', 'SIGKILL enrichment', 'SIGKILL ingest', 'SIGKILL metering', 'SIGSTOP kafka', 'SIGSTOP postgres']);
    expect(faults.find((f) => f.fault.startsWith('SIGSTOP kafka'))?.ms).toBeGreaterThanOrEqual(BROKER_PAUSE_MS);
    expect(faults.find((f) => f.fault.startsWith('SIGSTOP postgres'))?.ms).toBeGreaterThanOrEqual(POSTGRES_PAUSE_MS);
  }, 300_000);

  it('delivers every record to the subscriber exactly once (resuming with since)', () => {
    expect(summary).toMatchObject({ missingAtSubscriber: 0, duplicatesAtSubscriber: 0 });
    expect(received.length).toBe(result?.acked.length);
  });

  it('writes each id once to records.validated and records.enriched (read_committed)', () => {
    expect(duplicateIds(result?.validated ?? []).slice(0, 10)).toEqual([]);
    expect(duplicateIds(result?.enriched ?? []).slice(0, 10)).toEqual([]);
  });

  it('meters exactly the deliveries the subscriber received', () => {
    expect(result?.metered).toBe(received.length);
  });

  it('leaves every app ready', () => {
    expect(Object.values(result?.ready ?? {})).toHaveLength(5);
    expect(result?.ready).toEqual({ ingest: 200, enrichment: 200, 'access-control': 200, metering: 200, delivery: 200 });
  });
});
