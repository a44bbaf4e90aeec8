import { Catch, Controller, UseFilters, applyDecorators } from '@nestjs/common';
import type { RpcExceptionFilter } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import type { TopicName, Topics } from '@streamgate/contracts';

/**
 * A consumer as declared on its handler: `@EventPattern(topic, { group, … })`. Topics are the
 * contract's names; the transport adds the deployment's prefix. The handler gets a whole fetch
 * (one call per fetch, never per message) and, when `transactional`, returns each batch's output
 * for the transport to write with the batch's offset in one transaction.
 */
export interface ConsumerPattern {
  /** The consumer group, after `<prefix>streamgate.` (e.g. `enrichment`). */
  group: string;
  /** Topics read; none for a consumer whose topics are found at run time (see ConsumerHooks.topics). */
  topics?: TopicName[];
  /** Metrics label and log name (default: the group). */
  name?: string;
  /** The /health link (default `consumer`: one main consumer per app). */
  health?: string;
  transactional?: boolean;
  /** Where a group without committed offsets starts (default: from the beginning). */
  fromBeginning?: boolean;
  commit?: boolean;
  maxWaitTimeInMs?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
}

/** The Kafka group of a declared consumer: `<prefix>streamgate.<group>[.<suffix>]`. */
export function consumerGroupId(topics: Topics, group: string, suffix?: string): string {
  return `${topics.prefix}streamgate.${group}${suffix ? `.${suffix}` : ''}`;
}

/** `@EventPattern` with the consumer's options typed. */
export function ConsumeBatches(topic: string, pattern: ConsumerPattern): MethodDecorator {
  return EventPattern(topic, { ...pattern });
}

/**
 * Nest's RPC exception filter turns a handler's error into `{ status, message: 'Internal server
 * error' }`; the transport needs the error itself (health, logs, fencing), so it passes through.
 */
@Catch()
export class RethrowConsumerErrors implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** The class holding a Kafka consumer's handler: a controller of the Kafka transport. */
export function ConsumerController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(RethrowConsumerErrors));
}
