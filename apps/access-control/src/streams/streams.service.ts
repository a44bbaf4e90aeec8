import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { TopicName, Topics, DomainException, ErrorCode } from '@streamgate/contracts';
import type { StreamDefinition } from '@streamgate/contracts';
import { KAFKA_ADMIN, provisionTopics } from '@streamgate/kafka';
import type { Admin } from '@streamgate/kafka';
import { StreamDefinitionError, createSchemaCompiler, validateStreamDefinition } from '@streamgate/streams';
import { ControlOutbox } from '../control/control-outbox';
import { ControlReconciler } from '../control/control-reconciler.service';
import { AuditService } from '../audit/audit.service';
import { Transactions } from '../database/transactions';
import type { Tx } from '../database/transactions';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { StreamsRepository } from './streams.repository';

const SOURCE_PARTITIONS = 6;

/** The stream catalog: definitions in PostgreSQL, every change replicated on control.streams. */
@Injectable()
export class StreamsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StreamsService.name);
  private readonly ajv = createSchemaCompiler();

  constructor(
    private readonly streams: StreamsRepository,
    private readonly transactions: Transactions,
    private readonly outbox: ControlOutbox,
    private readonly reconciler: ControlReconciler,
    private readonly topics: Topics,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconciler.reconcile(TopicName.ControlStreams, async (tx) => new Map((await this.streams.list(tx)).map((d) => [d.name, d])));
  }

  list(): Promise<StreamDefinition[]> {
    return this.streams.list();
  }

  async get(name: string): Promise<StreamDefinition> {
    const row = await this.streams.find(name);
    if (!row) throw notFound(name);
    return row.definition;
  }

  async create(input: unknown, actor: string): Promise<StreamDefinition> {
    const valid = this.validate(input);
    return this.transactions.run(async (em) => {
      if (await this.streams.find(valid.name, em)) {
        throw new DomainException(ErrorCode.StreamExists, `stream ${valid.name} already exists`);
      }
      const saved = await this.save(em, { ...valid, version: 1, updatedAt: new Date().toISOString() });
      await this.audit.record(em, { actor, action: 'stream.create', targetType: 'stream', targetId: saved.name, before: null, after: saved });
      return saved;
    });
  }

  async replace(name: string, input: unknown, actor: string): Promise<StreamDefinition> {
    const body = typeof input === 'object' && input !== null ? { name, ...input } : input;
    const valid = this.validate(body);
    if (valid.name !== name) throw new DomainException(ErrorCode.NameMismatch, `the body names ${valid.name}, the URL ${name}`);
    return this.transactions.run(async (em) => {
      const current = await this.streams.find(name, em, true);
      if (!current) throw notFound(name);
      const saved = await this.save(em, { ...valid, version: current.version + 1, updatedAt: new Date().toISOString() });
      await this.audit.record(em, { actor, action: 'stream.update', targetType: 'stream', targetId: name, before: current.definition, after: saved });
      return saved;
    });
  }

  async remove(name: string, actor: string): Promise<void> {
    await this.transactions.run(async (em) => {
      const current = await this.streams.find(name, em, true);
      if (!current) throw notFound(name);
      await this.streams.delete(em, name);
      // The stream's tombstone is relayed before the entitlements that lose it, so a subscriber
      // is told STREAM_DELETED rather than ENTITLEMENT_REVOKED.
      await this.outbox.add(em, TopicName.ControlStreams, [{ key: name, value: null }]);
      await this.entitlements.removeStream(em, name);
      await this.audit.record(em, { actor, action: 'stream.delete', targetType: 'stream', targetId: name, before: current.definition, after: null });
    });
    this.logger.log({ msg: 'stream deleted', stream: name });
  }

  private validate(input: unknown) {
    try {
      return validateStreamDefinition(input, this.ajv);
    } catch (error) {
      if (error instanceof StreamDefinitionError) throw new DomainException(error.code, error.message, error.problems);
      throw error;
    }
  }

  private async save(em: Tx, definition: StreamDefinition): Promise<StreamDefinition> {
    const owner = await this.streams.ownerOfSource(em, definition.source.topic, definition.name);
    if (owner) throw new DomainException(ErrorCode.SourceInUse, `stream ${owner.name} already reads ${definition.source.topic}`);
    // Created on demand so producers can start right away; never deleted with the stream. An
    // existing topic is left as it is (growing it would move other consumers' keys).
    await provisionTopics(this.admin, [{ topic: this.topics.physical(definition.source.topic), partitions: SOURCE_PARTITIONS, compacted: false }], { grow: false });
    await this.streams.save(em, definition);
    await this.outbox.add(em, TopicName.ControlStreams, [{ key: definition.name, value: definition }]);
    this.logger.log({ msg: 'stream saved', stream: definition.name, version: definition.version });
    return definition;
  }
}

function notFound(name: string): DomainException {
  return new DomainException(ErrorCode.StreamNotFound, `no stream named ${name}`);
}
