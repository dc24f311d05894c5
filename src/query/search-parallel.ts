/**
 * @module query/search-parallel — JSONPath search over one large NDJSON file on the coworker pool: each range's
 * hits come from a `searchRange` task with the file's line numbers, and are yielded in input order, cut at the
 * query's limit: the bytes `searchStream` writes.
 */
import { fileCompression } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { flattenRangesParallel, type ParallelOptions } from "../coworker/parallel";
import type { ByteRange, StreamOptions } from "../lines/index";
import { searchStream, type SearchOptions, type SearchQuery } from "./search";
import { hitLines } from "./search-range";

/**
 * Options of `searchFileParallel`: the stream and search options, and how the file is split and run.
 *
 * @example
 * searchFileParallel("works.txt", { jsonpath: "$.title" }, { column: 5, workers: 2 })
 */
export interface SearchParallelOptions
  extends Omit<StreamOptions, "onProgress" | "format" | "mode" | "bigint">,
    SearchOptions,
    Pick<ParallelOptions, "pool" | "workers" | "rangeBytes" | "readBytes" | "maxInFlight" | "timeoutMs"> {
  range?: ByteRange;
}

/** The first `n` lines of `bytes`. */
function firstLines(bytes: Uint8Array, n: number): Uint8Array {
  let at = 0;
  for (let i = 0; i < n; i++) at = bytes.indexOf(0x0a, at) + 1;
  return bytes.subarray(0, at);
}

/**
 * Runs a JSONPath query over every document of a local NDJSON file on a worker pool and yields the hits as
 * `[line,"path",value]` lines in input order, the same bytes as `searchStream`; returns the number of hits.
 * A compressed file is searched in this thread. Each chunk is valid until the next one is requested.
 *
 * @example
 * for await (const chunk of searchFileParallel("dump.txt", { jsonpath: "$.isbn_13[0]" }, { column: 5, workers: 2 })) out.write(chunk);
 */
export async function* searchFileParallel(path: string, query: SearchQuery, options: SearchParallelOptions = {}): AsyncGenerator<Uint8Array, number> {
  if (query.jsonpath === undefined || query.path !== undefined || query.key !== undefined || query.value !== undefined) {
    throw new JsonFlatError("INVALID_OPTION", "searchFileParallel runs a jsonpath query (no path, key or value)");
  }
  const { pool, workers, rangeBytes, readBytes, maxInFlight, timeoutMs, style, delimiter, maxNesting, replaceInvalidUtf8, ...lines } = options;
  if (await fileCompression(path, options.compression)) {
    const { pool: _p, workers: _w, rangeBytes: _r, readBytes: _b, maxInFlight: _m, timeoutMs: _t, ...single } = options;
    return yield* searchStream(path, query, single);
  }
  const limit = query.limit ?? Infinity;
  const search: SearchOptions = { style, delimiter, maxNesting, replaceInvalidUtf8 };
  const params = { jsonpath: query.jsonpath, limit: query.limit, search };
  const ranges = flattenRangesParallel(path, { ...lines, pool, workers, rangeBytes, readBytes, maxInFlight, timeoutMs, rangeTask: { name: "searchRange", params } });
  let hits = 0;
  for await (const range of ranges) {
    for (const chunk of range.chunks) {
      const count = hitLines(chunk);
      const kept = hits + count > limit ? firstLines(chunk, limit - hits) : chunk;
      hits += Math.min(count, limit - hits);
      yield kept;
      if (hits >= limit) return hits; // leaving the loop ends the remaining ranges
    }
  }
  return hits;
}
