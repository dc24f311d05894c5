/**
 * @module coworker — the coworker front end: a pool of Bun Workers running jsonflat tasks, and parallel
 * flattening of large NDJSON files.
 *
 * @example
 * import { Pool, flattenFileParallel } from "jsonflat/src/coworker";
 * await using pool = new Pool({ size: 4 });
 * const { bytes } = await pool.run("flatten", { input: '{"a":[1]}' });
 * for await (const chunk of flattenFileParallel("dump.txt", { pool, column: 5 })) process.stdout.write(chunk);
 */
export { flattenFileParallel, flattenRangesParallel, type ParallelOptions, type ParallelProgress, type ParallelSummary, type RangeOutput } from "./parallel";
export { flattenDocumentParallel, type SplitParallelOptions, type SplitSummary } from "./split";
export { Pool, type CloseOptions, type PoolOptions, type PoolStats, type RunOptions, type TaskProgress, type TaskTiming } from "./pool";
export { serve, WorkerCrashError } from "./protocol";
export {
  TASKS,
  type BytesResult,
  type FlattenParams,
  type LinesParams,
  type LinesResult,
  type RangeChunk,
  type RangeParams,
  type RangeResult,
  type Task,
  type TaskContext,
  type TaskName,
  type TaskParams,
  type TaskRegistry,
  type TaskResult,
  type UnflattenParams,
} from "./tasks";
export type { TimingSummary } from "./timings";
