import { controlStreamsCodec } from '@streamgate/contracts';
import { compileStream } from './compile-stream';
import type { CompileOptions, CompiledStream } from './compile-stream';
import { SchemaRefusedError } from './schema-compiler';

/**
 * Compiles a definition read from control.streams. One stored before patterns were checked may
 * hold a schema this version refuses (a lookahead, say): the stream then fails closed — every
 * record is refused as a schema violation naming the reason — and `onRefused` is told once, so
 * nothing runs an unchecked pattern and the stream is not silently left on its previous version.
 */
export function compileStoredDefinition(value: Buffer, options: CompileOptions, onRefused?: (name: string, error: SchemaRefusedError) => void, key?: string): CompiledStream {
  const definition = controlStreamsCodec.decodeValue(value, key);
  try {
    return compileStream(definition, options);
  } catch (error) {
    const problems = definition.schema ? options.ajv.problems(definition.schema) : [];
    if (problems.length === 0) throw error;
    const refused = new SchemaRefusedError(problems);
    onRefused?.(definition.name, refused);
    const detail = `the schema of stream ${definition.name} (version ${definition.version}) is refused, so are its records: ${refused.message}`;
    return { ...compileStream({ ...definition, schema: undefined }, options), definition, validate: () => detail };
  }
}
