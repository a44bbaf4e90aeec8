import { Injectable, Logger } from '@nestjs/common';
import { Server } from '@nestjs/microservices';
import type { CustomTransportStrategy, MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Batch } from 'kafkajs';
import { Topics } from '@streamgate/contracts';
import type { BatchConsumer, BatchContext } from '../batch-consumer';
import { BatchConsumers } from '../batch-consumers';
import type { BatchOutput } from '../transactional-fetch';
import { ConsumerHooks } from './consumer-hooks';
import { consumerGroupId } from './consumer-pattern';
import type { ConsumerPattern } from './consumer-pattern';

interface Running {
  pattern: string;
  consumer: BatchConsumer;
}

/**
 * The seam between Kafka and Nest: every `@ConsumeBatches` (`@EventPattern`) handler becomes a
 * BatchConsumer that calls it once per fetch. The transport owns the order — consumers start
 * after the app's start-up hooks (control tables read, links up), in declaration order, and stop
 * in reverse before the producers close — and the commits: offsets after a handled fetch, or,
 * for transactional consumers, each batch's output and offset in one Kafka transaction.
 */
@Injectable()
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(KafkaBatchTransport.name);
  private running: Running[] = [];

  constructor(
    private readonly consumers: BatchConsumers,
    private readonly hooks: ConsumerHooks,
    private readonly topics: Topics,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.startAll().then(() => callback(), callback);
  }

  async close(): Promise<void> {
    const running = this.running.reverse();
    this.running = [];
    for (const { pattern, consumer } of running) {
      await consumer.stop();
      this.hooks.detach(pattern);
    }
  }

  on(): never {
    throw new Error('the Kafka batch transport emits no events');
  }

  unwrap<T>(): T {
    return this.running.map((r) => r.consumer) as T;
  }

  private async startAll(): Promise<void> {
    for (const [pattern, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) continue;
      const consumer = await this.startOne(pattern, handler, handler.extras as unknown as ConsumerPattern);
      this.running.push({ pattern, consumer });
    }
  }

  private async startOne(pattern: string, handler: MessageHandler, declared: ConsumerPattern): Promise<BatchConsumer> {
    const hooks = this.hooks.of(pattern);
    const name = declared.name ?? declared.group;
    const options = {
      groupId: consumerGroupId(this.topics, declared.group, hooks.groupSuffix),
      topics: declared.topics ? declared.topics.map((t) => this.topics.name(t)) : await (hooks.topics?.() ?? []),
      fromBeginning: declared.fromBeginning ?? true,
      ...(declared.maxWaitTimeInMs ? { maxWaitTimeInMs: declared.maxWaitTimeInMs } : {}),
      ...(declared.maxBytes ? { maxBytes: declared.maxBytes } : {}),
      ...(declared.maxBytesPerPartition ? { maxBytesPerPartition: declared.maxBytesPerPartition } : {}),
      ...(hooks.onAssigned ? { onAssigned: hooks.onAssigned } : {}),
      onCrash: (error: Error) => this.log.error({ msg: 'consumer crashed', consumer: name, error: error.message }),
    };
    const call = (batches: Batch[], context: BatchContext) => invoke(handler, batches, context);
    const consumer = declared.transactional
      ? this.consumers.createTransactional(name, { ...options, transform: (batches, context) => call(batches, context) as Promise<BatchOutput[]> }, declared.health)
      : this.consumers.create(name, { ...options, commit: declared.commit ?? true, handle: async (batches, context) => void (await call(batches, context)) }, declared.health);
    const seek = (await hooks.beforeStart?.()) ?? [];
    await consumer.start({ seek });
    this.hooks.attach(pattern, consumer);
    this.log.log({ msg: 'consumer started', consumer: name, group: options.groupId, topics: options.topics });
    return consumer;
  }
}

/** Calls a Nest handler; what it returns (or throws) comes back as a promise. */
async function invoke(handler: MessageHandler, batches: Batch[], context: BatchContext): Promise<unknown> {
  const result: unknown = await handler(batches, context);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}
