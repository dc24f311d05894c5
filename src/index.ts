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
export { JsonFlatError, type ErrorCode, type ErrorInfo } from "./errors";
export { log } from "./log";
export { crc32c, Wal } from "./wal";
export { flatten, flattenBytes, flattenEntries } from "./flatten";
export type { JsonInput } from "./input";
export { native, type AllocStats, type NativeBytes, type NativeOutput } from "./native";
export type { BigIntMode, FlattenMode, FlattenOptions, PathStyle, UnflattenOptions } from "./options";
export { compileQuery, Query, QUERY_LIMITS, search, searchAll, searchBytes, searchStream, type Hit, type SearchOptions, type SearchQuery } from "./search";
export { mergeSchemas, schema, schemaStream, schemaTable, type Schema, type SchemaEntry, type SchemaType } from "./schema";
export { unflatten, unflattenBytes } from "./unflatten";
export { alignRange, flattenLines, flattenPieces, flattenReadable, flattenStream, type ByteRange, type NdjsonOptions, type OnError, type StreamOptions, type StreamPiece, type StreamProgress } from "./ndjson";
export { index, PathIndex, type IndexOptions, type LookupOptions } from "./path-index";
export type { IndexStats } from "./native";
export { bind, Binding, ShapeMismatchError, type BindOptions, type DecodeLinesOptions, type StandardResult, type StandardSchemaV1 } from "./bind";
export type { Decoded, Field, FieldSpec, Problem, ScalarType, Shape } from "./shape";
export { readJournal, runJournaled, type JournalChunk, type JournaledJob, type JournalPiece, type JournalPosition, type JournalResume, type JournalSummary } from "./journal";
export { flattenFile, unflattenFile, type FileJobOptions, type FileJobSummary, type FlattenFileOptions, type UnflattenFileOptions } from "./jobs";
export { unflattenPieces, unflattenStream, type UnflattenStreamOptions } from "./unflatten-lines";
export { flattenRangesParallel, type RangeOutput } from "./coworker/index";
