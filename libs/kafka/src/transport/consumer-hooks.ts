import { Injectable } from '@nestjs/common';
import type { BatchConsumer, BatchConsumerOptions } from '../batch-consumer';

type Position = { topic: string; partition: number; offset: string };

/** What a consumer needs from the app's services, set by them before the transport starts. */
export interface ConsumerHookSet {
  /** Topics for a pattern declared without any (found at run time, e.g. ingest's sources). */
  topics?(): Promise<string[]> | string[];
  /** Runs before the consumer joins; positions returned are sought before its first fetch. */
  beforeStart?(): Promise<Position[] | void>;
  onAssigned?: BatchConsumerOptions['onAssigned'];
  /** A group of this instance's own (`<group>.<suffix>`): every instance reads every partition. */
  groupSuffix?: string;
}

/**
 * The meeting point of the transport and the services around a consumer: services register
 * hooks by pattern; the transport registers the running consumers (e.g. for ingest to change
 * its topics when streams come and go).
 */
@Injectable()
export class ConsumerHooks {
  private readonly hooks = new Map<string, ConsumerHookSet>();
  private readonly running = new Map<string, BatchConsumer>();

  register(pattern: string, hooks: ConsumerHookSet): void {
    this.hooks.set(pattern, { ...this.hooks.get(pattern), ...hooks });
  }

  of(pattern: string): ConsumerHookSet {
    return this.hooks.get(pattern) ?? {};
  }

  attach(pattern: string, consumer: BatchConsumer): void {
    this.running.set(pattern, consumer);
  }

  detach(pattern: string): void {
    this.running.delete(pattern);
  }

  /** The running consumer of a pattern, once the transport started it. */
  consumer(pattern: string): BatchConsumer | undefined {
    return this.running.get(pattern);
  }
}
