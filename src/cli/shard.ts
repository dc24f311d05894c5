/**
 * @module cli/shard — the command line's side of sharding and remote inputs: `--shard I/N|env` with
 * `--shard-count N`, whole documents read from a URL or S3, and `schema --merge` of shard schemas.
 */
import { JsonFlatError } from "../core/errors";
import { parseShard, type ShardSpec } from "../lines/shard";
import { isRemote, openSource } from "../lines/sources";
import { mergeSchemas, type Schema } from "../query/schema";

/**
 * The shard the flags ask for, or none: `--shard I/N` (0-based I), or `--shard env` with `--shard-count N`
 * and the index from `JOB_COMPLETION_INDEX` or `AWS_BATCH_JOB_ARRAY_INDEX`.
 *
 * @example
 * shardFlags("env", "8", { JOB_COMPLETION_INDEX: "3" }) // { index: 3, count: 8 }
 */
export function shardFlags(shard: string | undefined, count: string | undefined, env: Record<string, string | undefined> = process.env): ShardSpec | undefined {
  if (shard === undefined) {
    if (count !== undefined) throw new JsonFlatError("INVALID_OPTION", "--shard-count goes with --shard env");
    return undefined;
  }
  let n: number | undefined;
  if (count !== undefined) {
    n = /^\d+$/.test(count) ? Number(count) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new JsonFlatError("INVALID_OPTION", `--shard-count expects a whole number ≥ 1, got "${count}"`);
  }
  return parseShard(shard, n, env);
}

/**
 * Why a shard cannot run on this input, or undefined: standard input has no size to split.
 *
 * @example
 * shardRefusal("-") // "--shard needs a FILE or URL to split by size, not standard input"
 */
export function shardRefusal(file: string): string | undefined {
  return file === "-" ? "--shard needs a FILE or URL to split by size, not standard input" : undefined;
}

/**
 * The schemas of `files` (each the JSON a `jsonflat schema --ndjson` shard wrote), merged in the order given:
 * in shard order, exactly the schema one run over the whole input writes.
 *
 * @example
 * await mergeSchemaFiles(["part-0.json", "part-1.json"])
 */
export async function mergeSchemaFiles(files: string[]): Promise<Schema> {
  if (files.length === 0) throw new JsonFlatError("INVALID_OPTION", "--merge needs the schema files to merge, in shard order");
  const merged: Schema = {};
  for (const file of files) {
    let text: string;
    try {
      text = file === "-" ? await Bun.stdin.text() : await Bun.file(file).text();
    } catch (error) {
      throw new JsonFlatError("IO", `cannot read ${file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new JsonFlatError("INVALID_JSON", `${file} is not a schema: not JSON (write shards with jsonflat schema --ndjson, without --table)`);
    }
    if (!isSchema(parsed)) throw new JsonFlatError("INVALID_JSON", `${file} is not a schema: each member must be {key, count, docs, types}`);
    mergeSchemas(merged, parsed);
  }
  return merged;
}

function isSchema(value: unknown): value is Schema {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (e) =>
      typeof e === "object" &&
      e !== null &&
      (typeof e.key === "string" || e.key === null) &&
      Number.isSafeInteger(e.count) &&
      Number.isSafeInteger(e.docs) &&
      typeof e.types === "object" &&
      e.types !== null &&
      Object.values(e.types).every((n) => Number.isSafeInteger(n)),
  );
}
