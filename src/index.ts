/**
 * @module jsonflat — flatten JSON at native speed: the public API for Bun scripts.
 *
 * @example
 * import { flatten, unflatten } from "jsonflat";
 * flatten('{"a":{"b":[1,2]}}') // { "a.b[0]": 1, "a.b[1]": 2 }
 * unflatten({ "a.b[0]": 1 })    // { a: { b: [1] } }
 */
export {
  flattenFileParallel,
  Pool,
  WorkerCrashError,
  type ParallelOptions,
  type ParallelSummary,
  type PoolOptions,
  type PoolStats,
  type RunOptions,
} from "./coworker/index";
export { JsonFlatError, type ErrorCode, type ErrorInfo } from "./core/errors";
export { log } from "./core/log";
export { crc32c, Wal } from "./durable/wal";
export { flatten, flattenBytes, flattenEntries } from "./document/flatten";
export type { JsonInput } from "./core/input";
export type { AllocStats, NativeBytes, NativeOutput } from "./native";
export type { BigIntMode, FlattenMode, FlattenOptions, PathStyle, UnflattenOptions } from "./core/options";
export { compileQuery, Query, QUERY_LIMITS, search, searchAll, searchBytes, searchStream, type Hit, type SearchOptions, type SearchQuery } from "./query/search";
export { searchFileParallel, type SearchParallelOptions } from "./query/search-parallel";
export { JSONPATH_LIMITS } from "./query/search";
export { mergeSchemas, schema, schemaStream, schemaTable, type Schema, type SchemaEntry, type SchemaType } from "./query/schema";
export { mergeTypeStats, typeStats, typeStatsLines, typeStatsStream, type PathStats, type TypeStats, type TypeStatsOptions, type TypeStatsStreamOptions } from "./query/type-stats";
export { typeStatsParallel, type TypeStatsParallelOptions } from "./query/type-stats-parallel";
export { jsonSchemaFromStats, jsonSchemaOf, jsonSchemaOfStream, JSON_SCHEMA_DIALECT, type JsonSchema, type JsonSchemaOptions } from "./query/json-schema";
export { typescriptFromStats, typescriptOf, typescriptOfStream, type TypeScriptOptions } from "./query/typescript";
export { shapeFromJsonSchema, type DecodedJsonSchema, type FromJsonSchema, type JsonSchemaDocument, type JsonSchemaShape, type SchemaIssue } from "./bind/json-schema";
export { unflatten, unflattenBytes } from "./document/unflatten";
export { alignRange, flattenLines, flattenPieces, flattenReadable, flattenStream, type ByteRange, type NdjsonOptions, type OnError, type StreamOptions, type StreamPiece, type StreamProgress } from "./lines/index";
export { pathIndex, PathIndex, type IndexOptions, type LookupOptions } from "./query/path-index";
export type { IndexStats } from "./native";
export { bind, Binding, ShapeMismatchError, type BindOptions, type DecodeLinesOptions, type StandardResult, type StandardSchemaV1 } from "./bind/bind";
export type { Decoded, Field, FieldSpec, Problem, ScalarType, Shape } from "./bind/shape";
export { readJournal, runJournaled, type JournalChunk, type JournaledJob, type JournalPiece, type JournalPosition, type JournalResume, type JournalSummary } from "./durable/journal";
export { flattenFile, unflattenFile, type FileJobOptions, type FileJobSummary, type FlattenFileOptions, type UnflattenFileOptions } from "./durable/jobs";
export { unflattenPieces, unflattenStream, type UnflattenStreamOptions } from "./lines/index";
export { openSource, parseShard, placeRange, shardFromEnv, type RangedSource, type ShardSpec } from "./lines/index";
export { tableColumns, tableDocument, tableLines, tableReadable, tableStream, type TableFormat, type TableOptions, type UnknownPolicy } from "./table/index";
export { tableFileParallel, type TableParallelOptions } from "./table/parallel";
export { flattenRangesParallel, type RangeOutput } from "./coworker/index";
export { CompressedInputError, decompress, detectCompression, readWhole, WHOLE_READ_LIMIT, type ByteSource, type Compression, type CompressionOption, type DecompressOptions } from "./core/decompress";
export { flattenDocumentReadable, flattenDocumentStream, type DocumentProgress, type DocumentSource, type DocumentStreamOptions } from "./document/stream";
export { schemaDocumentStream, searchDocumentStream, type DocumentReadOptions } from "./query/document-stream";
export { flattenDocumentParallel, type SplitParallelOptions, type SplitSummary } from "./coworker/split";
