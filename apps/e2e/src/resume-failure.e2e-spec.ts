import type { Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import { startPlatform } from '@streamgate/dev-stack';
import type { TestPlatform } from '@streamgate/dev-stack';
import { expectEventually, testKafka } from '@streamgate/testing';
import { connect, createStream, entitle, partnerKey, subscribeWhenReady } from './e2e-helpers';

// A resume whose read of the log cannot make progress used to end in INTERNAL after 120 s and
// leave a subscription that never joined live delivery. Now it gives up on lack of progress
// (RANGE_READ_IDLE_TIMEOUT, here far too short for any read to start), answers RESUME_FAILED,
// and leaves nothing behind: the same socket subscribes again and receives live records.
describe('a resume that cannot read the log', () => {
  let platform: TestPlatform;
  let producer: Producer;

  beforeAll(async () => {
    platform = await startPlatform({ env: { RECENT_WINDOW_BYTES: '0', RANGE_READ_IDLE_TIMEOUT: '1ms' } });
    producer = testKafka('e2e-resume-failure').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createStream(platform, { name: 'ticks' });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  const produce = (ids: string[]) =>
    producer.send({ topic: new Topics(platform.prefix).source('ticks'), acks: -1, messages: ids.map((id) => ({ value: JSON.stringify({ id }), headers: { id } })) });

  it('answers RESUME_FAILED, keeps no half subscription, and the socket goes on live', async () => {
    const partner = await partnerKey(platform, ['subscribe'], 'Resumer');
    await entitle(platform, partner.partnerId, 'ticks');
    const sub = await connect(platform, { apiKey: partner.key });
    await subscribeWhenReady(sub, { stream: 'ticks' });
    await produce(['before-1', 'before-2']);
    await expectEventually(() => expect(sub.ids().sort()).toEqual(['before-1', 'before-2']));
    expect(await sub.unsubscribe('ticks')).toEqual({ ok: true });

    // From the start of every partition (partitions the topic does not have are ignored).
    const fromStart = Object.fromEntries(Array.from({ length: 32 }, (_, p) => [String(p), -1]));
    const failed = await sub.subscribe({ stream: 'ticks', since: fromStart });
    expect(failed).toMatchObject({ ok: false, error: { code: 'RESUME_FAILED' } });
    // Nothing was left subscribed by the failed resume.
    expect(await sub.unsubscribe('ticks')).toMatchObject({ ok: false, error: { code: 'NOT_SUBSCRIBED' } });

    expect(await sub.subscribe({ stream: 'ticks' })).toMatchObject({ ok: true });
    await produce(['after']);
    await expectEventually(() => expect(sub.ids()).toContain('after'));
    expect((await fetch(`${platform.url('delivery')}/health`)).status).toBe(200);
    sub.close();
  });
});
