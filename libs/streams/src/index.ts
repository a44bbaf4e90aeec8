export { validateStreamDefinition, createSchemaCompiler, StreamDefinitionError, DefinitionErrorCode } from './definition';
export type { DefinitionProblem } from './definition';
export { compileStream } from './compile-stream';
export type { CompiledStream, CompileOptions, EnrichOutcome, ReferenceLookup } from './compile-stream';
export { compilePath, parsePath, isValidPath } from './paths';
export type { PathAccess, RecordRoots } from './paths';
export { StreamCatalog, ReferenceTables } from './stream-catalog';
export type { StreamCatalogOptions } from './stream-catalog';
