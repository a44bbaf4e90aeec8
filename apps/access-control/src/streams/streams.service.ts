import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { TopicName, Topics } from '@streamgate/contracts';
import type { StreamDefinition } from '@streamgate/contracts';
import { KAFKA_ADMIN, provisionTopics } from '@streamgate/kafka';
import type { Admin } from '@streamgate/kafka';
import { ApiError } from '@streamgate/service';
import { StreamDefinitionError, createSchemaCompiler, validateStreamDefinition } from '@streamgate/streams';
import { ControlPublisher } from '../control/control-publisher.service';
import { ControlReconciler } from '../control/control-reconciler.service';
import { AuditService } from '../audit/audit.service';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { StreamEntity } from './stream.entity';

const SOURCE_PARTITIONS = 6;

/** The stream catalog: definitions in PostgreSQL, every change replicated on control.streams. */
@Injectable()
export class StreamsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StreamsService.name);
  private readonly ajv = createSchemaCompiler();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ControlPublisher,
    private readonly reconciler: ControlReconciler,
    private readonly topics: Topics,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.dataSource.getRepository(StreamEntity).find();
    await this.reconciler.reconcile(TopicName.ControlStreams, new Map(rows.map((r) => [r.name, r.definition])));
  }

  list(): Promise<StreamDefinition[]> {
    return this.dataSource.getRepository(StreamEntity).find({ order: { name: 'ASC' } }).then((rows) => rows.map((r) => r.definition));
  }

  async get(name: string): Promise<StreamDefinition> {
    const row = await this.dataSource.getRepository(StreamEntity).findOneBy({ name });
    if (!row) throw notFound(name);
    return row.definition;
  }

  async create(input: unknown, actor: string): Promise<StreamDefinition> {
    const valid = this.validate(input);
    return this.dataSource.transaction(async (em) => {
      if (await em.getRepository(StreamEntity).findOneBy({ name: valid.name })) {
        throw new ApiError(409, 'STREAM_EXISTS', `stream ${valid.name} already exists`);
      }
      const saved = await this.save(em, { ...valid, version: 1, updatedAt: new Date().toISOString() });
      await this.audit.record(em, { actor, action: 'stream.create', targetType: 'stream', targetId: saved.name, before: null, after: saved });
      return saved;
    });
  }

  async replace(name: string, input: unknown, actor: string): Promise<StreamDefinition> {
    const body = typeof input === 'object' && input !== null ? { name, ...input } : input;
    const valid = this.validate(body);
    if (valid.name !== name) throw new ApiError(400, 'NAME_MISMATCH', `the body names ${valid.name}, the URL ${name}`);
    return this.dataSource.transaction(async (em) => {
      const current = await em.getRepository(StreamEntity).findOne({ where: { name }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound(name);
      const saved = await this.save(em, { ...valid, version: current.version + 1, updatedAt: new Date().toISOString() });
      await this.audit.record(em, { actor, action: 'stream.update', targetType: 'stream', targetId: name, before: current.definition, after: saved });
      return saved;
    });
  }

  async remove(name: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const current = await em.getRepository(StreamEntity).findOne({ where: { name }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw notFound(name);
      await em.getRepository(StreamEntity).delete({ name });
      await this.entitlements.removeStream(em, name);
      await this.audit.record(em, { actor, action: 'stream.delete', targetType: 'stream', targetId: name, before: current.definition, after: null });
      await this.publisher.publish(TopicName.ControlStreams, [{ key: name, value: null }]);
    });
    this.logger.log({ msg: 'stream deleted', stream: name });
  }

  private validate(input: unknown) {
    try {
      return validateStreamDefinition(input, this.ajv);
    } catch (error) {
      if (error instanceof StreamDefinitionError) throw new ApiError(400, error.code, error.message, error.problems);
      throw error;
    }
  }

  private async save(em: EntityManager, definition: StreamDefinition): Promise<StreamDefinition> {
    const owner = await em
      .getRepository(StreamEntity)
      .createQueryBuilder('s')
      .where(`s.definition->'source'->>'topic' = :topic AND s.name <> :name`, { topic: definition.source.topic, name: definition.name })
      .getOne();
    if (owner) throw new ApiError(409, 'SOURCE_IN_USE', `stream ${owner.name} already reads ${definition.source.topic}`);
    // Created on demand so producers can start right away; never deleted with the stream. An
    // existing topic is left as it is (growing it would move other consumers' keys).
    await provisionTopics(this.admin, [{ topic: this.topics.physical(definition.source.topic), partitions: SOURCE_PARTITIONS, compacted: false }], { grow: false });
    await em.getRepository(StreamEntity).save({ name: definition.name, definition, version: definition.version });
    await this.publisher.publish(TopicName.ControlStreams, [{ key: definition.name, value: definition }]);
    this.logger.log({ msg: 'stream saved', stream: definition.name, version: definition.version });
    return definition;
  }
}

function notFound(name: string): ApiError {
  return new ApiError(404, 'STREAM_NOT_FOUND', `no stream named ${name}`);
}
