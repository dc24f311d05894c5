/**
 * @module lines — NDJSON of any size through the one native line engine: options, byte ranges and line
 * numbers, the streaming loop, and the flatten and unflatten streams built on them.
 */
export { flattenLines, flattenPieces, flattenReadable, flattenStream } from "./flatten-lines";
export { lineOptions, ON_ERROR_MODES, type LineOptions, type NdjsonOptions, type OnError } from "./options";
export { alignRange, LineCounter, lineNumberAt, type ByteRange } from "./range";
export { alignSourceRange, checkShard, parseShard, placeRange, shardBytes, shardFromEnv, SHARD_INDEX_VARIABLES, type ShardSpec } from "./shard";
export { isRemote, openSource, type RangedSource, type SourceOptions } from "./sources";
export { streamChunks, streamPieces, type ChunkRunner, type LineStreamOptions, type Source, type StreamOptions, type StreamPiece, type StreamProgress } from "./stream";
export { unflattenPieces, unflattenStream, type UnflattenStreamOptions } from "./unflatten-lines";
