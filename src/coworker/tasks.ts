/**
 * @module coworker/tasks — the task registry: named functions that run the same way in the caller's
 * thread (a pool of size 0) and inside a worker. A task takes plain parameters and a `TaskContext` and
 * returns plain data whose buffers can be transferred.
 */
import { JsonFlatError, type ErrorInfo } from "../core/errors";
import { flattenBytes } from "../document/flatten";
import type { NativeBytes } from "../native";
import { flattenLines, type NdjsonOptions } from "../lines/index";
import type { FlattenOptions, UnflattenOptions } from "../core/options";
import { unflattenBytes } from "../document/unflatten";
import { tableRangeTask } from "../table/range-task";
import { typeStatsRangeTask } from "../query/type-stats-range";
import { searchRangeTask } from "../query/search-range";
import { flattenSplitRangeTask } from "./split-task";
import { eachRangeCall } from "./range-lines";

/**
 * What a running task can do besides computing its result.
 *
 * @example
 * const task: Task<{ n: number }, number> = ({ n }, ctx) => {
 *   for (let i = 0; i < n; i++) { ctx.checkpoint(); ctx.progress(i + 1, n); }
 *   return n;
 * };
 */
export interface TaskContext {
  /** True inside a worker, false in the caller's thread. */
  readonly inWorker: boolean;
  /** Reports progress (bytes done out of a total) to the caller's `onProgress`. */
  progress(done: number, total: number): void;
  /**
   * Throws `ABORTED` or `TIMEOUT` when the task should stop (its caller has already been told). Call it
   * between steps, never inside a native call: a task that stops here frees its native memory and keeps its
   * worker; one that does not is ended by the pool after a grace period.
   */
  checkpoint(): void;
  /**
   * Native bytes as bytes the caller can own: in a worker, one copy into a fresh transferable buffer and
   * the native block freed; in the caller's thread, the native bytes themselves (no copy).
   */
  own(bytes: NativeBytes | Uint8Array): Uint8Array;
}

/**
 * A task: plain parameters in, plain data out (or a promise of it). Buffers in the result are transferred.
 *
 * @example
 * const echo: Task<{ text: string }, string> = ({ text }) => text;
 */
export type Task<P = any, R = unknown> = (params: P, context: TaskContext) => R | Promise<R>;

/**
 * Named tasks.
 *
 * @example
 * const registry: TaskRegistry = { ...TASKS, echo: ({ text }: { text: string }) => text };
 */
export type TaskRegistry = Record<string, Task>;

/**
 * JSON text or UTF-8 bytes handed to a task.
 *
 * @example
 * const input: TaskInput = await Bun.file("doc.json").bytes();
 */
export type TaskInput = string | Uint8Array | ArrayBuffer;

/**
 * Parameters of `flatten`.
 *
 * @example
 * await pool.run("flatten", { input: '{"a":{"b":1}}', options: { style: "pointer" } })
 */
export interface FlattenParams {
  input: TaskInput;
  options?: FlattenOptions & { format?: "object" | "entries" };
}

/**
 * Parameters of `unflatten`.
 *
 * @example
 * await pool.run("unflatten", { input: '{"a.b":1}' })
 */
export interface UnflattenParams {
  input: TaskInput;
  options?: UnflattenOptions;
}

/**
 * Bytes out of a one-document task, with the native counters.
 *
 * @example
 * const { bytes, leaves } = await pool.run("flatten", { input });
 */
export interface BytesResult {
  /** Compact JSON. */
  bytes: Uint8Array;
  /** Leaves written (flatten) or paths read (unflatten). */
  leaves: number;
  /** Integers beyond ±(2^53−1). */
  unsafeIntegers: number;
}

/**
 * Parameters of `flattenLines`: one chunk of whole NDJSON lines.
 *
 * @example
 * await pool.run("flattenLines", { input: chunk, options: { column: 5, onError: "skip" } })
 */
export interface LinesParams {
  input: TaskInput;
  options?: NdjsonOptions;
}

/**
 * Counters of an NDJSON task (as `LinesOutput`, with the first error as plain data).
 *
 * @example
 * const { lines, documents, errors, firstError }: LinesCounters = await pool.run("flattenLines", { input });
 */
export interface LinesCounters {
  /** Lines, blank ones included. */
  lines: number;
  /** Lines flattened. */
  documents: number;
  /** Bad lines skipped or emitted. */
  errors: number;
  leaves: number;
  unsafeIntegers: number;
  /** The first bad line's error (skip and emit modes). */
  firstError?: ErrorInfo;
}

/**
 * Output of `flattenLines`.
 *
 * @example
 * const { bytes, documents, errors } = await pool.run("flattenLines", { input: "{\"a\":1}\n" });
 */
export interface LinesResult extends LinesCounters {
  bytes: Uint8Array;
}

/**
 * Parameters of `flattenRange`: the lines of a file between two line starts (see `alignRange`). The task
 * reads the file itself, so no input bytes cross threads.
 *
 * Line numbers start at the range's real first line: `options.firstLine` when it is known at launch, else the
 * value the coordinator writes into `firstLineCell` once the ranges before this one are done (default 1).
 * Error offsets are file offsets plus `options.baseOffset` (default 0), as `flattenStream` with a `range`.
 *
 * @example
 * await pool.run("flattenRange", { path: "dump.txt", start: 0, end: 1 << 25, options: { column: 5 } })
 */
export interface RangeParams {
  path: string;
  /** First byte (a line start). */
  start: number;
  /** End (exclusive; a line start or the end of the file); default: end of the file. */
  end?: number;
  options?: NdjsonOptions;
  /** Bytes read and flattened per native call; default 4 MiB (progress is reported after each). */
  readBytes?: number;
  /**
   * A shared cell (0 until known) where the coordinator hands over the range's first line when it was not
   * known at launch: the lines of the ranges before it are counted by their own tasks, so no byte is read
   * twice. Only a chunk holding a bad line needs it (error records carry line numbers).
   */
  firstLineCell?: BigInt64Array;
}

/**
 * A piece of a range's output: final bytes, error records and line numbers included (the task is given its
 * range's real first line).
 *
 * @example
 * for (const { bytes } of result.chunks) out.write(bytes);
 */
export interface RangeChunk {
  bytes: Uint8Array;
}

/**
 * Output of `flattenRange`: the output in order, as one chunk per native call, and the counters.
 *
 * @example
 * const { chunks, lines } = await pool.run("flattenRange", { path, start, end });
 */
export interface RangeResult extends LinesCounters {
  chunks: RangeChunk[];
  /** Bytes of the file read. */
  bytesRead: number;
}

/**
 * The counters of one native output, its first error as plain data.
 *
 * @example
 * addCounters(summary, counters(out));
 */
export function counters(out: { lines: number; documents: number; errors: number; leaves: number; unsafeIntegers: number; firstError?: JsonFlatError }): LinesCounters {
  const c: LinesCounters = {
    lines: out.lines,
    documents: out.documents,
    errors: out.errors,
    leaves: out.leaves,
    unsafeIntegers: out.unsafeIntegers,
  };
  if (out.firstError) c.firstError = out.firstError.toJSON();
  return c;
}

/**
 * Adds `from` into `into` (a range's or a chunk's counters into a running total); the first error seen stays.
 *
 * @example
 * addCounters(summary, result);
 */
export function addCounters(into: LinesCounters, from: LinesCounters): void {
  into.lines += from.lines;
  into.documents += from.documents;
  into.errors += from.errors;
  into.leaves += from.leaves;
  into.unsafeIntegers += from.unsafeIntegers;
  if (from.firstError && !into.firstError) into.firstError = from.firstError;
}

/*------------------------------------------------------------------------------
 * The tasks
 *----------------------------------------------------------------------------*/

/**
 * Flattens one document to compact JSON bytes (`flattenBytes`).
 *
 * @example
 * const { bytes } = flattenTask({ input: '{"a":[1]}' }, context); // {"a[0]":1}
 */
export function flattenTask(params: FlattenParams, context: TaskContext): BytesResult {
  const out = flattenBytes(params.input, params.options);
  const { leaves, unsafeIntegers } = out;
  return { bytes: context.own(out), leaves, unsafeIntegers };
}

/**
 * Rebuilds one document from its flattened form (`unflattenBytes`).
 *
 * @example
 * const { bytes } = unflattenTask({ input: '{"a[0]":1}' }, context); // {"a":[1]}
 */
export function unflattenTask(params: UnflattenParams, context: TaskContext): BytesResult {
  const out = unflattenBytes(params.input, params.options);
  const { leaves, unsafeIntegers } = out;
  return { bytes: context.own(out), leaves, unsafeIntegers };
}

/**
 * Flattens one chunk of whole NDJSON lines (`flattenLines`).
 *
 * @example
 * const { bytes, lines } = flattenLinesTask({ input: '{"a":1}\n{"b":2}\n' }, context);
 */
export function flattenLinesTask(params: LinesParams, context: TaskContext): LinesResult {
  const out = flattenLines(params.input, params.options);
  const c = counters(out);
  return { bytes: context.own(out), ...c };
}

/**
 * A range's first line: known at launch, or handed over later through a shared cell.
 *
 * @example
 * const first = new FirstLine(params.options?.firstLine, params.firstLineCell, context);
 * const line = first.peek() ?? first.wait();
 */
export class FirstLine {
  constructor(
    private known: number | undefined,
    private readonly cell: BigInt64Array | undefined,
    private readonly context: TaskContext,
  ) {
    if (known === undefined && !cell) this.known = 1;
  }

  /** The first line if it is known now, without waiting. */
  peek(): number | undefined {
    if (this.known === undefined && this.cell) {
      const value = Atomics.load(this.cell, 0);
      if (value !== 0n) this.known = Number(value);
    }
    return this.known;
  }

  /** The first line, waiting for the coordinator to hand it over (still cancellable). */
  wait(): number {
    // In the caller's thread (a pool of size 0) the ranges run in order, so the line is always known by now:
    // waiting there would block the very thread that hands it over.
    if (!this.context.inWorker && this.peek() === undefined) throw new Error("jsonflat bug: a range in this thread has no first line");
    for (let line = this.peek(); ; line = this.peek()) {
      if (line !== undefined) return line;
      this.context.checkpoint();
      Atomics.wait(this.cell!, 0, 0n, 20);
    }
  }
}

/**
 * Reads the lines of a file range with `node:fs` and flattens them `readBytes` at a time (the loop every range
 * task shares: `eachRangeCall`), with real line numbers and progress after each native call.
 *
 * @example
 * const { chunks, documents } = flattenRangeTask({ path: "dump.ndjson", start: 0, end: 1 << 20 }, context);
 */
export function flattenRangeTask(params: RangeParams, context: TaskContext): RangeResult {
  const options = params.options ?? {};
  const chunks: RangeResult["chunks"] = [];
  const counted = eachRangeCall(params, context, (input, at) => flattenLines(input, { ...options, ...at }), (out) => {
    if (out.length) chunks.push({ bytes: context.own(out) });
    else out.dispose();
  });
  return { chunks, ...counted };
}

/**
 * The built-in tasks, by name. Every worker of a default `Pool` serves these; a pool of size 0 runs them in
 * the caller's thread.
 *
 * @example
 * const { bytes } = await pool.run("flatten", { input: '{"a":{"b":1}}' });
 */
export const TASKS = {
  flatten: flattenTask,
  unflatten: unflattenTask,
  flattenLines: flattenLinesTask,
  flattenRange: flattenRangeTask,
  tableRange: tableRangeTask,
  typeStatsRange: typeStatsRangeTask,
  searchRange: searchRangeTask,
  flattenSplitRange: flattenSplitRangeTask,
} satisfies TaskRegistry;

/**
 * The built-in tasks' names.
 *
 * @example
 * const name: TaskName = "flattenRange";
 */
export type TaskName = keyof typeof TASKS;
/**
 * Parameters of a built-in task.
 *
 * @example
 * const params: TaskParams<"flatten"> = { input: "{}", options: { style: "pointer" } };
 */
export type TaskParams<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
/**
 * Result of a built-in task.
 *
 * @example
 * const result: TaskResult<"flatten"> = await pool.run("flatten", params); // { bytes, leaves, unsafeIntegers }
 */
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
