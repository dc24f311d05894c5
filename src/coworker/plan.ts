/**
 * @module coworker/plan — how a parallel NDJSON job is cut up: how many workers repay their start for a file
 * of this size, and how many bytes each range (one task) gets so that every worker has work until the end and
 * output flows out while the rest is still being flattened.
 */

/**
 * Input bytes one more worker must take over to repay its start. A worker loads its modules and the native
 * library before its first task: 30 to 50 ms of CPU on an idle machine, three times that under load, time in
 * which the caller's thread flattens some 12 to 16 MB of Open Library lines (~300 MB/s idle, ~100 MB/s under
 * load). With n workers a job of T bytes takes about start + T/n, in one thread T: n workers pay from
 * n/(n−1) × that on, about 32 MB for two (the upper estimate: a job must never be slower for its workers);
 * one worker alone never does.
 */
export const BYTES_PER_WORKER_START = 16 << 20;

/**
 * Ranges per worker: with several each, a worker that finishes early takes another instead of idling while
 * the last big range is done, and the first ranges' output is written while later ones are flattened.
 */
export const RANGES_PER_WORKER = 8;

/** Ranges are never smaller: each costs a task message, a line alignment read and one output handover. */
export const MIN_RANGE_BYTES = 1 << 20;

/**
 * Ranges are never larger: memory holds about `maxInFlight` (twice the workers) ranges' output at once, and a
 * worker's last range is output only when it is done.
 */
export const MAX_RANGE_BYTES = 32 << 20;

/** Range size when the job runs in the caller's thread: as one native call of `flattenStream` reads. */
export const IN_THREAD_RANGE_BYTES = 8 << 20;

/**
 * What a parallel job runs on: `workers` (0: the caller's thread) and the bytes of each range.
 *
 * @example
 * const plan: ParallelPlan = { workers: 2, rangeBytes: 12 << 20 };
 */
export interface ParallelPlan {
  workers: number;
  rangeBytes: number;
}

/**
 * How many of `requested` workers repay their start on `totalBytes`: 0 (run in the caller's thread) when
 * fewer than two would, else as many as the input feeds (`BYTES_PER_WORKER_START` each), at most `requested`.
 *
 * @example
 * workersFor(1 << 20, 2)   // 0: one thread is done before a worker would have started
 * workersFor(200e6, 2)     // 2
 * workersFor(30e6, 8)      // 0: 30 MB repays no second worker
 * workersFor(100e6, 8)     // 5
 */
export function workersFor(totalBytes: number, requested: number): number {
  const fed = Math.min(requested, Math.floor(totalBytes / BYTES_PER_WORKER_START));
  return fed >= 2 ? fed : 0;
}

/**
 * Bytes per range for `workers` workers on `totalBytes`: `RANGES_PER_WORKER` ranges each, within
 * [`MIN_RANGE_BYTES`, `MAX_RANGE_BYTES`]; `IN_THREAD_RANGE_BYTES` for the caller's thread (workers 0).
 *
 * @example
 * rangeBytesFor(30e6, 2)  // 1875000 bytes: 16 ranges
 * rangeBytesFor(2e9, 2)   // 33554432 (the maximum)
 */
export function rangeBytesFor(totalBytes: number, workers: number): number {
  if (workers === 0) return IN_THREAD_RANGE_BYTES;
  const even = Math.ceil(totalBytes / (workers * RANGES_PER_WORKER));
  return Math.min(MAX_RANGE_BYTES, Math.max(MIN_RANGE_BYTES, even));
}

/**
 * The plan for `totalBytes` with up to `requested` workers; a `rangeBytes` the caller chose is kept.
 *
 * @example
 * planParallel(30e6, 2)             // { workers: 0, rangeBytes: 8388608 }: in the caller's thread
 * planParallel(200e6, 2)            // { workers: 2, rangeBytes: 12500000 }
 * planParallel(200e6, 2, 1 << 20)   // { workers: 2, rangeBytes: 1048576 }
 */
export function planParallel(totalBytes: number, requested: number, rangeBytes?: number): ParallelPlan {
  const workers = workersFor(totalBytes, requested);
  return { workers, rangeBytes: rangeBytes ?? rangeBytesFor(totalBytes, workers) };
}
