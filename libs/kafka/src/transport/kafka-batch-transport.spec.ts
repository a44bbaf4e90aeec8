import { Injectable, Logger } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Batch } from 'kafkajs';
import { TopicName, Topics } from '@streamgate/contracts';
import type { BatchConsumerOptions, BatchContext } from '../batch-consumer';
import { BatchConsumers } from '../batch-consumers';
import type { TransactionalConsumerOptions } from '../batch-consumers';
import type { BatchOutput } from '../transactional-fetch';
import { ConsumerHooks } from './consumer-hooks';
import { ConsumeBatches, ConsumerController } from './consumer-pattern';
import { KafkaBatchTransport } from './kafka-batch-transport';

/** What the transport asked BatchConsumers for, and a consumer that only records its life. */
class FakeConsumers {
  readonly created: Array<{ name: string; kind: 'plain' | 'transactional'; options: BatchConsumerOptions | TransactionalConsumerOptions; health?: string }> = [];
  readonly events: string[] = [];

  create(name: string, options: BatchConsumerOptions, health?: string) {
    return this.consumer(name, 'plain', options, health);
  }

  createTransactional(name: string, options: TransactionalConsumerOptions, health?: string) {
    return this.consumer(name, 'transactional', options, health);
  }

  private consumer(name: string, kind: 'plain' | 'transactional', options: BatchConsumerOptions | TransactionalConsumerOptions, health?: string) {
    this.created.push({ name, kind, options, health });
    return {
      topics: options.topics,
      start: async (start: { seek?: unknown[] } = {}) => void this.events.push(`start ${name} seek=${JSON.stringify(start.seek ?? [])}`),
      stop: async () => void this.events.push(`stop ${name}`),
    };
  }
}

const context: BatchContext = { heartbeat: async () => undefined, isStopping: () => false };
const batch = (topic: string) => ({ topic, partition: 0, messages: [] }) as unknown as Batch;

@Injectable()
class Seen {
  readonly batches: Batch[][] = [];
}

@ConsumerController()
class EnrichLike {
  constructor(private readonly seen: Seen) {}

  @ConsumeBatches(TopicName.RecordsValidated, { group: 'enrichment', topics: [TopicName.RecordsValidated], transactional: true })
  transform(batches: Batch[]): BatchOutput[] {
    this.seen.batches.push(batches);
    return batches.map((b) => ({ messages: [{ topic: 'out', messages: [{ value: b.topic }] }] }));
  }
}

@ConsumerController()
class MeterLike {
  @ConsumeBatches(TopicName.UsageEvents, { group: 'metering', topics: [TopicName.UsageEvents], commit: true, maxWaitTimeInMs: 100 })
  async apply(batches: Batch[]): Promise<void> {
    if (batches[0]?.topic === 'poison') throw new RangeError('bad batch');
  }
}

describe('KafkaBatchTransport', () => {
  let microservice: INestMicroservice;
  let consumers: FakeConsumers;
  let hooks: ConsumerHooks;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    consumers = new FakeConsumers();
    const module = await Test.createTestingModule({
      controllers: [EnrichLike, MeterLike],
      providers: [Seen, ConsumerHooks, KafkaBatchTransport, { provide: BatchConsumers, useValue: consumers }, { provide: Topics, useValue: new Topics('t1.') }],
    }).compile();
    hooks = module.get(ConsumerHooks);
    hooks.register(TopicName.UsageEvents, { beforeStart: async () => [{ topic: 't1.usage.events', partition: 0, offset: '7' }], groupSuffix: 'x' });
    microservice = module.createNestMicroservice({ strategy: module.get(KafkaBatchTransport) });
    await microservice.listen();
  });

  afterEach(async () => {
    await microservice.close();
  });

  it('makes one consumer per @EventPattern handler, with prefixed group and topics, in declaration order', () => {
    expect(consumers.created.map((c) => [c.name, c.kind, c.options.groupId, c.options.topics])).toEqual([
      ['enrichment', 'transactional', 't1.streamgate.enrichment', ['t1.records.validated']],
      ['metering', 'plain', 't1.streamgate.metering.x', ['t1.usage.events']],
    ]);
    expect(consumers.created[1]?.options).toMatchObject({ commit: true, maxWaitTimeInMs: 100, fromBeginning: true });
    // beforeStart's positions are sought before the first fetch; the running consumer is found by pattern.
    expect(consumers.events).toEqual(['start enrichment seek=[]', 'start metering seek=[{"topic":"t1.usage.events","partition":0,"offset":"7"}]']);
    expect(hooks.consumer(TopicName.UsageEvents)).toBeDefined();
  });

  it("hands a transactional handler the whole fetch and returns its outputs for the transaction", async () => {
    const options = consumers.created[0]?.options as TransactionalConsumerOptions;
    const outputs = await options.transform([batch('a'), batch('b')], context);
    expect(microservice.get(Seen).batches).toHaveLength(1);
    expect(outputs.map((o) => o.messages[0]?.messages[0]?.value)).toEqual(['a', 'b']);
  });

  it("lets a handler's error through unchanged (not Nest's 'Internal server error')", async () => {
    const options = consumers.created[1]?.options as BatchConsumerOptions;
    await expect(options.handle([batch('fine')], context)).resolves.toBeUndefined();
    await expect(options.handle([batch('poison')], context)).rejects.toThrow(new RangeError('bad batch'));
  });

  it('stops the consumers in reverse order on close, and forgets them', async () => {
    await microservice.close();
    expect(consumers.events.slice(2)).toEqual(['stop metering', 'stop enrichment']);
    expect(hooks.consumer(TopicName.UsageEvents)).toBeUndefined();
    microservice = { close: async () => undefined } as INestMicroservice;
  });
});
