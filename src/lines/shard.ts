/**
 * @module lines/shard — which bytes of a file shard I of N owns, with no coordinator: the I-th of N equal byte
 * ranges moved to line starts, so the N shards tile the file and their outputs, concatenated in shard order,
 * are the one-run output. Also the index from the environment of a batch system (Kubernetes Indexed Jobs, AWS
 * Batch array jobs).
 */
import { JsonFlatError } from "../core/errors";
import type { ByteRange } from "./range";
import { openSource, type RangedSource } from "./sources";

/**
 * Shard `index` (0-based) of `count`.
 *
 * @example
 * const shard: ShardSpec = { index: 0, count: 8 }; // the first eighth of the file's lines
 */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Variables batch systems set to a 0-based task index, in the order they are read. */
export const SHARD_INDEX_VARIABLES = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] as const;

function checkCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 1) throw new JsonFlatError("INVALID_OPTION", `the shard count must be a whole number ≥ 1, got ${count}`);
  return count;
}

/**
 * A shard checked: `count` ≥ 1 and `0 ≤ index < count`.
 *
 * @example
 * checkShard({ index: 3, count: 4 }) // { index: 3, count: 4 }
 */
export function checkShard(shard: ShardSpec): ShardSpec {
  const count = checkCount(shard.count);
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= count) {
    throw new JsonFlatError("INVALID_OPTION", `shard index ${shard.index} is out of range: shards of ${count} are numbered 0 to ${count - 1}`);
  }
  return { index: shard.index, count };
}

/**
 * The shard a batch system's task is: its 0-based index from `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job)
 * or `AWS_BATCH_JOB_ARRAY_INDEX` (AWS Batch array job), of `count` shards.
 *
 * @example
 * shardFromEnv({ JOB_COMPLETION_INDEX: "2" }, 8) // { index: 2, count: 8 }
 */
export function shardFromEnv(env: Record<string, string | undefined>, count: number): ShardSpec {
  checkCount(count);
  for (const name of SHARD_INDEX_VARIABLES) {
    const text = env[name];
    if (text === undefined || text === "") continue;
    const index = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!Number.isSafeInteger(index)) throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 0, got "${text}"`);
    return checkShard({ index, count });
  }
  throw new JsonFlatError("INVALID_OPTION", `no shard index in the environment: neither ${SHARD_INDEX_VARIABLES.join(" nor ")} is set`);
}

/**
 * A shard from its command-line text: `I/N` (0-based I), or `env` with the count given apart (`--shard-count`).
 *
 * @example
 * parseShard("1/4") // { index: 1, count: 4 }
 * parseShard("env", 4, { AWS_BATCH_JOB_ARRAY_INDEX: "3" }) // { index: 3, count: 4 }
 */
export function parseShard(text: string, count?: number, env: Record<string, string | undefined> = process.env): ShardSpec {
  if (text === "env") {
    if (count === undefined) throw new JsonFlatError("INVALID_OPTION", "shard env needs the number of shards (--shard-count N)");
    return shardFromEnv(env, count);
  }
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new JsonFlatError("INVALID_OPTION", `a shard is I/N (0-based I, 0 ≤ I < N) or env, got "${text}"`);
  if (count !== undefined && count !== Number(match[2])) {
    throw new JsonFlatError("INVALID_OPTION", `the shard count is given twice and differs: ${match[2]} and ${count}`);
  }
  return checkShard({ index: Number(match[1]), count: Number(match[2]) });
}

/**
 * The raw bytes of a shard before alignment: `[floor(size·I/N), floor(size·(I+1)/N))`, exact at any size.
 *
 * @example
 * shardBytes(10, { index: 1, count: 3 }) // { start: 3, end: 6 }
 */
export function shardBytes(size: number, shard: ShardSpec): ByteRange {
  const { index, count } = checkShard(shard);
  const at = (i: number) => Number((BigInt(size) * BigInt(i)) / BigInt(count));
  return { start: at(index), end: at(index + 1) };
}

const NEWLINE = 0x0a;
const ALIGN_WINDOW = 64 << 10;

/** The first line start at or after `at`: `at` itself when the byte before it is a newline. */
async function lineStartFrom(source: RangedSource, at: number, size: number): Promise<number> {
  if (at <= 0) return 0;
  if (at >= size) return size;
  for (let pos = at - 1; pos < size; pos += ALIGN_WINDOW) {
    const end = Math.min(size, pos + ALIGN_WINDOW);
    let seen = pos;
    for await (const piece of source.read(pos, end)) {
      const nl = piece.indexOf(NEWLINE);
      if (nl >= 0) return seen + nl + 1;
      seen += piece.byteLength;
    }
  }
  return size;
}

/**
 * Moves a byte range of a source to line starts (the lines that start inside it), reading only a window
 * after each end: for a URL or S3 object, a few small range requests.
 *
 * @example
 * await alignSourceRange(openSource("https://example.org/dump.txt"), { start: 0, end: 1 << 30 })
 */
export async function alignSourceRange(source: RangedSource, range: ByteRange): Promise<ByteRange> {
  const size = await source.size();
  if (!(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
    throw new JsonFlatError("INVALID_OPTION", `invalid range ${range.start}:${range.end}`);
  }
  const start = await lineStartFrom(source, range.start, size);
  const end = await lineStartFrom(source, Math.min(range.end, size), size);
  return { start, end: Math.max(start, end) };
}

/**
 * The one place a shard (or a plain range) becomes bytes: the aligned byte range of `source` that shard
 * I of N owns, or of `range`, or the whole source.
 *
 * @example
 * await placeRange("dump.txt", { shard: { index: 1, count: 4 } }) // { start: 262144017, end: 524288061 }
 */
export async function placeRange(source: string | RangedSource, where: { shard?: ShardSpec; range?: ByteRange }): Promise<ByteRange> {
  const from = typeof source === "string" ? openSource(source) : source;
  if (where.shard && where.range) throw new JsonFlatError("INVALID_OPTION", "shard and range exclude each other: a shard is its own range");
  const size = await from.size();
  if (where.shard) return alignSourceRange(from, shardBytes(size, where.shard));
  if (where.range) return alignSourceRange(from, where.range);
  return { start: 0, end: size };
}
