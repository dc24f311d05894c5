/**
 * @module query/type-stats-range — the coworker task `typeStatsRange`: the type statistics of the lines of one
 * file range (what `typeStatsStream` collects), merged within the range and returned as one entries text, so
 * that the coordinator merges the ranges in file order into exactly the statistics of one pass.
 */
import { eachRangeCall } from "../coworker/range-lines";
import type { RangeParams, RangeResult, TaskContext } from "../coworker/tasks";
import { lineOptions } from "../lines/index";
import { native } from "../native";
import { DETAIL, detailOptions, mergeTypeStats, type TypeStats, type TypeStatsOptions } from "./type-stats";

/**
 * Parameters of `typeStatsRange`: a `flattenRange` range (its `options` the line options) and the types options.
 *
 * @example
 * await pool.run("typeStatsRange", { path: "works.txt", start: 0, end: 1 << 25, options: { column: 5 }, types: {} })
 */
export interface TypeStatsRangeParams extends RangeParams {
  types?: TypeStatsOptions;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The type statistics of a file range: one chunk, the entries text (`[[path, PathStats], …]`) of the range.
 *
 * @example
 * const { chunks: [{ bytes }], documents } = typeStatsRangeTask({ path: "works.ndjson", start: 0 }, context);
 */
export function typeStatsRangeTask(params: TypeStatsRangeParams, context: TaskContext): RangeResult {
  const detail = detailOptions(params.types ?? {});
  const { firstLine: _, baseOffset: __, ...lines } = lineOptions(params.options ?? {});
  const stats: TypeStats = { paths: new Map(), documents: 0 };
  const counted = eachRangeCall(params, context, (input, at) => native().flattenLines(input, detail, { ...lines, ...at }, DETAIL), (out) => {
    try {
      if (out.length) mergeTypeStats(stats, decoder.decode(out), out.documents);
    } finally {
      out.dispose();
    }
  });
  return { ...counted, chunks: [{ bytes: encoder.encode(JSON.stringify([...stats.paths])) }] };
}
