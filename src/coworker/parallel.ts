/**
 * @module coworker/parallel — flattens one large NDJSON file on a pool: the file is split into
 * line-aligned ranges, the ranges are flattened in parallel by `flattenRange` tasks, and the output comes
 * out strictly in input order, with the file's real line numbers and byte offsets.
 */
import { stat } from "node:fs/promises";
import { fileCompression, refuseRangeOfCompressed, type DecompressOptions } from "../core/decompress";
import { JsonFlatError, type ErrorInfo } from "../core/errors";
import { resolveFormat, resolveOptions } from "../core/options";
import { alignRange, lineNumberAt, lineOptions, placeRange, type ShardSpec, type ByteRange, type NdjsonOptions, type StreamProgress } from "../lines/index";
import { LineChain, type LineLink } from "./line-chain";
import { planParallel } from "./plan";
import { Pool } from "./pool";
import { addCounters, type RangeParams, type RangeResult } from "./tasks";

/**
 * Options of `flattenFileParallel`: every NDJSON option, plus how the file is split and run.
 *
 * @example
 * flattenFileParallel("dump.txt", { column: 5, onError: "emit", workers: 4 })
 */
export interface ParallelOptions extends NdjsonOptions, DecompressOptions {
  /** A pool to run on (left open afterwards). Without one, a pool of up to `workers` workers is made and closed. */
  pool?: Pool;
  /**
   * Most workers of the pool made when `pool` is not given; default `navigator.hardwareConcurrency`. Only as
   * many start as the input repays (`coworker/plan`): none for a file under about 32 MiB, which is then
   * flattened in the caller's thread.
   */
  workers?: number;
  /**
   * Bytes per range (one task each); default from the input's size and the workers (`coworker/plan`: 8 ranges
   * per worker, 1 to 32 MiB; 8 MiB in the caller's thread). (Not `chunkBytes`: that is bytes per native call,
   * here `readBytes`.)
   */
  rangeBytes?: number;
  /** Bytes a task reads and flattens per native call (progress granularity); default 4 MiB. */
  readBytes?: number;
  /** Ranges in flight (running, queued, or done and waiting their turn); default twice the pool size, at least 1. Bounds memory. */
  maxInFlight?: number;
  /** Only the lines that start in this byte range (see `alignRange`); default the whole file. */
  range?: ByteRange;
  /** Only shard `index` (0-based) of `count` of the file (see `lines/shard`); its first line is counted before it starts. */
  shard?: ShardSpec;
  /** Called as the tasks report progress and as ranges are yielded. */
  onProgress?: (progress: ParallelProgress) => void;
  /** Stops the job with an `ABORTED` error (running tasks' workers are ended). */
  signal?: AbortSignal;
  /** Per-range timeout in milliseconds (see `RunOptions.timeoutMs`). */
  timeoutMs?: number;
  /**
   * `false` (default): each yielded chunk is freed as soon as the next one is requested, so memory stays
   * low (write it or copy it before asking for more: `Bun.file().writer().write()` copies). `true`: chunks
   * stay valid and the garbage collector frees them.
   */
  retain?: boolean;
  /**
   * The task each range runs, and parameters added to its `RangeParams`; default `flattenRange`. It returns a
   * `RangeResult`. (The table writer runs its ranges as `tableRange`: see table/parallel.)
   */
  rangeTask?: { name: string; params?: Record<string, unknown> };
}

/**
 * Progress of a parallel job. `bytesRead` counts bytes flattened by the tasks so far (in any order);
 * the line and document counters cover the ranges already yielded.
 *
 * @example
 * onProgress: (p) => bar.update(p.bytesRead) // bar made with p.totalBytes
 */
export interface ParallelProgress extends StreamProgress {
  /** Bytes of the file (or range) to do. */
  totalBytes: number;
  /** Ranges yielded. */
  rangesDone: number;
}

/**
 * The generator's return value: totals of the job.
 *
 * @example
 * const it = flattenFileParallel(path); let r; while (!(r = await it.next()).done) write(r.value);
 * console.log(r.value.documents, r.value.errors);
 */
export interface ParallelSummary extends StreamProgress {
  /** Ranges the file was split into (empty ones not counted). */
  ranges: number;
  /** Integers beyond ±(2^53−1) written. */
  unsafeIntegers: number;
  /** The first bad line's error (skip and emit modes), with its real line number. */
  firstError?: ErrorInfo;
}

const NOTHING_DONE: ParallelSummary = Object.freeze({ bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, ranges: 0, unsafeIntegers: 0 });

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

interface InFlight {
  range: ByteRange;
  /** Its place in the line chain: its first line, known at launch or handed over later. */
  link: LineLink;
  result: Promise<RangeResult>;
  /** Bytes of the range done so far. */
  done: { bytes: number };
}

/**
 * One range's output, in input order, with its real line numbers: what a journal records per chunk.
 *
 * @example
 * for await (const r of flattenRangesParallel("dump.txt", { workers: 2 })) console.log(r.input, r.firstLine, r.lines);
 */
export interface RangeOutput {
  /** The output, one piece per native call (valid until the next range is requested unless `retain`). */
  chunks: Uint8Array[];
  /** File offsets of the range's lines. */
  input: ByteRange;
  /** Number of its first line. */
  firstLine: number;
  lines: number;
  documents: number;
  errors: number;
  leaves: number;
}

/**
 * Flattens an NDJSON file (or a byte range of it) on a worker pool and yields the output in input order
 * (a compressed file is decoded and flattened in this thread instead: see `coworker/compressed`),
 * byte for byte what `flattenStream` gives, error records and line numbers included. At most
 * `maxInFlight` ranges are held at once, so memory is bounded by about `maxInFlight × rangeBytes` times
 * the output/input ratio, whatever the file size. Each yielded chunk is valid until the next one is
 * requested (copy it to keep it, or pass `retain: true`). Breaking out of the loop cancels the remaining
 * ranges.
 *
 * Line numbers: each range is handed its real first line as soon as the ranges before it are done (their
 * tasks count their lines), through a shared cell its task reads; a task that meets a bad line before then
 * waits for it, so every error record (`emit`), first error (`skip`/`emit`) and thrown error (`fail`) is
 * written with its final line number, and nothing is renumbered afterwards. Byte offsets are file offsets.
 *
 * @example
 * const out = Bun.file("flat.ndjson").writer();
 * for await (const chunk of flattenFileParallel("dump.txt", { column: 5, workers: 4 })) out.write(chunk);
 * await out.end();
 */
export async function* flattenFileParallel(path: string, options: ParallelOptions = {}): AsyncGenerator<Uint8Array, ParallelSummary> {
  const ranges = flattenRangesParallel(path, options);
  let next = await ranges.next();
  try {
    for (; !next.done; next = await ranges.next()) for (const chunk of next.value.chunks) if (chunk.length) yield chunk;
    return next.value;
  } finally {
    if (!next.done) await ranges.return(NOTHING_DONE); // the consumer stopped early: end the remaining ranges
  }
}

/**
 * `flattenFileParallel` one range at a time, with the input each range covers (see `RangeOutput`): the
 * pool producer of a journaled job. Ranges that hold no line are not yielded.
 *
 * @example
 * for await (const { chunks, input } of flattenRangesParallel("big.ndjson", { workers: 2 })) write(chunks, input.end);
 */
export async function* flattenRangesParallel(path: string, options: ParallelOptions = {}): AsyncGenerator<RangeOutput, ParallelSummary> {
  if (await fileCompression(path, options.compression)) {
    if (options.range) await refuseRangeOfCompressed(path, "range", options.compression);
    if (options.shard) await refuseRangeOfCompressed(path, "shard", options.compression);
    const { compressedRanges } = await import("./compressed");
    return yield* compressedRanges(path, options);
  }
  const { pool: given, workers, rangeBytes: rangeOption, readBytes, maxInFlight, range, shard, onProgress, signal, timeoutMs, firstLine, retain, compression: _c, maxDecompressedBytes: _m, rangeTask, ...lines } = options;
  resolveOptions(lines);
  resolveFormat(lines.format);
  const checked = lineOptions({ ...lines, firstLine });
  if (rangeOption !== undefined) positive("rangeBytes", rangeOption, 1);
  if (maxInFlight !== undefined) positive("maxInFlight", maxInFlight, 1);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new JsonFlatError("INVALID_OPTION", `workers must be a whole number ≥ 0, got ${workers}`);
  if (signal?.aborted) throw new JsonFlatError("ABORTED", "flattenFileParallel was aborted");

  // Made once the input's size is known: it decides how many workers are worth starting.
  let pool = given;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const inFlight: InFlight[] = [];
  let current: Uint8Array[] = []; // chunks of the range being yielded, not yet released
  const release = (bytes: Uint8Array) => {
    if (retain) return;
    (bytes as { dispose?: () => void }).dispose?.(); // native bytes (pool of size 0)
    // transfer(0) frees a buffer's memory now instead of at the next garbage collection.
    if (bytes.buffer instanceof ArrayBuffer && !bytes.buffer.detached) bytes.buffer.transfer(0);
  };

  try {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
    }
    const whole = shard ? await placeRange(path, { shard, range }) : await alignRange(path, range ?? { start: 0, end: size });
    const plan = planParallel(whole.end - whole.start, given ? given.size : (workers ?? navigator.hardwareConcurrency), rangeOption);
    const rangeBytes = plan.rangeBytes;
    const running = (pool ??= new Pool({ size: plan.workers }));
    const window = maxInFlight ?? Math.max(1, 2 * running.size);
    // Each range gets its real first line from the ranges before it, so its error records are final when it is done.
    const chain = new LineChain(checked.firstLine ?? (await lineNumberAt(path, whole.start)));
    const summary: ParallelSummary = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, ranges: 0, unsafeIntegers: 0 };
    const totalBytes = whole.end - whole.start;
    let finishedBytes = 0;
    let rangesDone = 0;
    let next = whole.start;

    const report = () => {
      if (!onProgress) return;
      let bytes = finishedBytes;
      for (const f of inFlight) bytes += f.done.bytes;
      onProgress({ ...summary, bytesRead: bytes, totalBytes, rangesDone });
    };

    const launch = async () => {
      const end = Math.min(next + rangeBytes, whole.end);
      const piece = next === whole.start && end === whole.end ? whole : await alignRange(path, { start: next, end });
      next = end;
      if (piece.start === piece.end) return;
      const link = chain.add();
      const params: RangeParams = {
        path,
        start: piece.start,
        end: piece.end,
        options: { ...lines, firstLine: link.firstLine, baseOffset: checked.baseOffset },
        firstLineCell: link.cell,
        ...rangeTask?.params,
      };
      if (readBytes !== undefined) params.readBytes = readBytes;
      // A pool of size 0 runs the task (and its progress calls) before pool.run returns: count into a holder.
      const done = { bytes: 0 };
      const result: Promise<RangeResult> = running.run(rangeTask?.name ?? "flattenRange", params, {
        signal: stop.signal,
        timeoutMs,
        onProgress: (p) => {
          done.bytes = p.done;
          report();
        },
      });
      inFlight.push({ range: piece, link, done, result });
      summary.ranges++;
      // As soon as any range is done the ranges after it may learn their first line (waiting tasks wake up).
      result.then((r) => chain.done(link, r.lines)).catch(() => {}); // failures are awaited in order below
    };

    for (;;) {
      while (inFlight.length < window && next < whole.end) await launch();
      const head = inFlight[0];
      if (!head) break;
      const result = await head.result;
      inFlight.shift();
      if (signal?.aborted) throw new JsonFlatError("ABORTED", "flattenFileParallel was aborted");
      chain.done(head.link, result.lines); // idempotent: makes sure the chain has seen it before it is read
      const firstLine = head.link.firstLine;
      if (firstLine === undefined) throw new Error("jsonflat bug: a range came to its turn without its first line");
      addCounters(summary, result);
      finishedBytes += head.range.end - head.range.start;
      summary.bytesRead = finishedBytes;
      rangesDone++;
      report();
      current = result.chunks.map((chunk) => chunk.bytes);
      yield {
        chunks: current,
        input: head.range,
        firstLine,
        lines: result.lines,
        documents: result.documents,
        errors: result.errors,
        leaves: result.leaves,
      };
      for (const bytes of current) release(bytes);
      current = [];
    }
    return summary;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
    for (const bytes of current) release(bytes);
    if (!given) await pool?.close({ mode: "abort" });
  }
}
