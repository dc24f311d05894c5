/**
 * @module coworker/split-task — the `flattenSplitRange` task: one range of a split document (document/split)
 * flattened in a coworker, its output handed back as transferable chunks.
 */
import { documentCallOptions, documentChunkBytes, type DocumentStreamOptions } from "../document/stream";
import { flattenSplitRange, type SplitRange, type SplitRangeOutput } from "../document/split";
import type { TaskContext } from "./tasks";

/**
 * Parameters of `flattenSplitRange`: the range, the flatten options and the bytes read per native call.
 *
 * @example
 * await pool.run("flattenSplitRange", { range, options: { style: "pointer" } })
 */
export interface SplitRangeParams {
  range: SplitRange;
  /** Flatten options and output format (leaf mode; see `checkSplitOptions`). */
  options?: Pick<DocumentStreamOptions, "style" | "delimiter" | "maxDepth" | "arrays" | "maxNesting" | "bigint" | "replaceInvalidUtf8" | "format" | "mode">;
  /** Bytes read and fed per native call; default 1 MiB (progress is reported after each). */
  readBytes?: number;
}

/**
 * Flattens one range of a split document, checking for cancellation and reporting progress after each read.
 *
 * @example
 * const { chunks, leaves } = flattenSplitRangeTask({ range }, context);
 */
export function flattenSplitRangeTask(params: SplitRangeParams, context: TaskContext): SplitRangeOutput {
  const { o, flags } = documentCallOptions(params.options);
  const readBytes = documentChunkBytes(params.readBytes);
  const { range } = params;
  const total = range.end - range.start;
  return flattenSplitRange(range, o, flags, readBytes, (done) => {
    context.checkpoint();
    context.progress(done, total);
  });
}
