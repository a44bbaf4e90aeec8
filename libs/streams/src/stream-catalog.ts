import type { Admin, Kafka } from 'kafkajs';
import { TopicName, controlReferenceCodec } from '@streamgate/contracts';
import type { ReferenceRow, Topics } from '@streamgate/contracts';
import { ControlTable } from '@streamgate/kafka';
import type { CompileOptions, CompiledStream } from './compile-stream';
import { createSchemaCompiler } from './definition';
import { compileStoredDefinition } from './stored-definition';

export interface StreamCatalogOptions {
  kafka: Kafka;
  admin: Admin;
  topics: Topics;
  /** Names this reader's consumer group (e.g. `ingest`). */
  app: string;
  hashKey?: string;
  onChange?: () => void;
  /** A value that does not parse, or a stored schema this version refuses (that stream then fails closed). */
  onInvalid?: (key: string, error: Error) => void;
}

/**
 * The stream catalog as an app sees it: control.streams followed live, each definition
 * compiled once per version (schema validator and step program), indexed by name and by the
 * physical source topic. A version's validator owns its Ajv instance, so a redefinition or a
 * tombstone releases the old one (nothing else holds it).
 */
export class StreamCatalog {
  private readonly table: ControlTable<CompiledStream>;
  private bySourceTopic = new Map<string, CompiledStream>();
  /** Called with the name of a stream whose definition was tombstoned. */
  onDelete?: (stream: string) => void;

  constructor(private readonly options: StreamCatalogOptions) {
    const compile: CompileOptions = { ajv: createSchemaCompiler(), hashKey: options.hashKey ?? '' };
    this.table = new ControlTable(options.kafka, options.admin, {
      topic: options.topics.name(TopicName.ControlStreams),
      groupPrefix: `${options.topics.prefix}streamgate.${options.app}.control.streams`,
      parse: (value, key) => compileStoredDefinition(value, compile, options.onInvalid, key),
      onChange: (name, stream) => {
        this.reindex();
        options.onChange?.();
        if (!stream) this.onDelete?.(name);
      },
      onInvalid: options.onInvalid,
    });
  }

  start(): Promise<void> {
    return this.table.start();
  }

  stop(): Promise<void> {
    return this.table.stop();
  }

  get(name: string): CompiledStream | undefined {
    return this.table.get(name);
  }

  /** The stream reading a physical topic (TOPIC_PREFIX applied), if any. */
  bySource(topic: string): CompiledStream | undefined {
    return this.bySourceTopic.get(topic);
  }

  sourceTopics(): string[] {
    return [...this.bySourceTopic.keys()];
  }

  private reindex(): void {
    const next = new Map<string, CompiledStream>();
    for (const [, stream] of this.table.entries()) next.set(this.options.topics.physical(stream.definition.source.topic), stream);
    this.bySourceTopic = next;
  }
}

/** Reference rows of control.reference, for `lookup` steps. */
export class ReferenceTables {
  private readonly table: ControlTable<ReferenceRow>;

  constructor(options: Pick<StreamCatalogOptions, 'kafka' | 'admin' | 'topics' | 'app' | 'onInvalid'>) {
    this.table = new ControlTable(options.kafka, options.admin, {
      topic: options.topics.name(TopicName.ControlReference),
      groupPrefix: `${options.topics.prefix}streamgate.${options.app}.control.reference`,
      parse: controlReferenceCodec.decodeValue,
      onInvalid: options.onInvalid,
    });
  }

  start(): Promise<void> {
    return this.table.start();
  }

  stop(): Promise<void> {
    return this.table.stop();
  }

  readonly lookup = (table: string, key: string) => this.table.get(`${table}/${key}`)?.row;
}
