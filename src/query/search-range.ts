/**
 * @module query/search-range — the coworker task `searchRange`: the JSONPath hits of the lines of one file
 * range, as `searchStream` writes them (`[line,"path",value]` lines with the file's line numbers), at most the
 * query's `limit` of them (a range never needs more).
 */
import { eachRangeCall } from "../coworker/range-lines";
import type { RangeParams, RangeResult, TaskContext } from "../coworker/tasks";
import { resolveOptions } from "../core/options";
import { lineOptions } from "../lines/index";
import { native } from "../native";
import { compileQuery, type SearchOptions } from "./search";

/**
 * Parameters of `searchRange`: a `flattenRange` range (its `options` the line options), the JSONPath and its
 * limit, and the search options.
 *
 * @example
 * await pool.run("searchRange", { path: "works.txt", start: 0, options: { column: 5 }, jsonpath: "$..key" })
 */
export interface SearchRangeParams extends RangeParams {
  jsonpath: string;
  limit?: number;
  search?: SearchOptions;
}

/**
 * Counts the newlines of `bytes` (one per hit line).
 *
 * @example
 * hitLines(new TextEncoder().encode('[1,"$",1]\n[2,"$",2]\n')) // 2
 */
export function hitLines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}

/**
 * The hits of a file range, one chunk per native call with hits, stopping once `limit` hits are written.
 *
 * @example
 * const { chunks } = searchRangeTask({ path: "works.ndjson", start: 0, jsonpath: "$.title" }, context);
 */
export function searchRangeTask(params: SearchRangeParams, context: TaskContext): RangeResult {
  const o = resolveOptions(params.search);
  const { firstLine: _, baseOffset: __, ...lines } = lineOptions(params.options ?? {});
  const limit = params.limit ?? Infinity;
  const query = compileQuery(params.limit === undefined ? { jsonpath: params.jsonpath } : { jsonpath: params.jsonpath, limit: params.limit });
  const chunks: { bytes: Uint8Array }[] = [];
  let hits = 0;
  try {
    const counted = eachRangeCall(
      params,
      context,
      (input, at) => native().searchLines(input, query.pointer, o, { ...lines, ...at }),
      (out) => {
        if (!out.length) {
          out.dispose();
          return;
        }
        hits += hitLines(out);
        chunks.push({ bytes: context.own(out) });
        return hits < limit;
      },
      true,
    );
    return { ...counted, chunks };
  } finally {
    query.dispose();
  }
}
