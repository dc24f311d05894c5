/**
 * @module coworker/compressed — `flattenFileParallel` over a compressed file. A compressed stream can only be
 * decoded from its start, so it cannot be cut into byte ranges that workers read themselves: it is decoded on
 * a thread of its own (`core/decode-thread`), cut here into chunks of whole lines, and each chunk is handed to
 * the pool (moved, not copied) with its first line number and offset counted here; outputs come back in input
 * order. With fewer than two threads left for flattening, the chunks are flattened in this thread instead,
 * overlapping the decoding just the same.
 */
import { stat } from "node:fs/promises";
import { decompress, threadCompression } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { resolveFormat, resolveOptions } from "../core/options";
import { flattenPieces, lineOptions, type StreamProgress } from "../lines/index";
import { native } from "../native";
import type { ParallelOptions, ParallelSummary, RangeOutput } from "./parallel";
import { Pool } from "./pool";
import { addCounters, counters, type LinesResult } from "./tasks";

/** Decoded bytes per pool task: big enough to amortise a message, small enough to keep both threads busy. */
const DEFAULT_TASK_BYTES = 4 << 20;
const NEWLINE = 0x0a;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
  }
}

function emptySummary(): ParallelSummary {
  return { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, ranges: 0, unsafeIntegers: 0 };
}

/**
 * The output of a compressed NDJSON file as `flattenRangesParallel` gives it, byte for byte what
 * `flattenStream` writes: on a given `pool` of more than one worker; else, of `workers` threads (default
 * `navigator.hardwareConcurrency`), the decoding thread takes one when there is one (`threadCompression`), and
 * the rest form a pool when they are two or more, or else this thread flattens. `rangeBytes` is the decoded
 * bytes per task (default 4 MiB); progress counts compressed bytes against the file's size. A `range` is
 * refused before this runs.
 *
 * @example
 * for await (const r of compressedRanges("dump.txt.gz", { column: 5, workers: 2 })) write(r.chunks);
 */
export async function* compressedRanges(path: string, options: ParallelOptions): AsyncGenerator<RangeOutput, ParallelSummary> {
  const totalBytes = await sizeOf(path);
  if (options.pool) return yield* options.pool.size > 1 ? pooled(path, options, totalBytes) : inThisThread(path, options, totalBytes);
  // The decoding thread is one of the `workers` threads asked for: the pool gets the others, and with fewer
  // than two of them this thread flattens (one worker would only add a hop, and the decoder already has a core).
  const decoders = (await threadCompression(path, options.compression)) ? 1 : 0;
  const flatteners = (options.workers ?? navigator.hardwareConcurrency) - decoders;
  return yield* flatteners > 1 ? pooled(path, { ...options, workers: flatteners }, totalBytes) : inThisThread(path, options, totalBytes);
}

async function* inThisThread(path: string, options: ParallelOptions, totalBytes: number): AsyncGenerator<RangeOutput, ParallelSummary> {
  const { pool: _pool, workers: _w, rangeBytes: _rb, readBytes, maxInFlight: _m, timeoutMs: _t, retain, onProgress, range: _range, ...stream } = options;
  const summary = emptySummary();
  const report = (p: StreamProgress) => onProgress?.({ ...p, bytesRead: p.compressedBytesRead ?? 0, totalBytes, rangesDone: summary.ranges });
  for await (const { out, input, firstLine } of flattenPieces(path, { ...stream, chunkBytes: readBytes, onProgress: report })) {
    addCounters(summary, counters(out));
    summary.ranges++;
    // The piece is freed when the next is requested, as unretained parallel chunks are; a copy stays valid.
    yield { chunks: [retain ? out.slice() : out], input, firstLine, lines: out.lines, documents: out.documents, errors: out.errors, leaves: out.leaves };
  }
  summary.bytesRead = totalBytes;
  return summary;
}

/** Decoded pieces gathered into chunks of whole lines of about `size` bytes (the rest at the end). */
async function* wholeLineChunks(pieces: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  for await (const piece of pieces) {
    held.push(piece);
    heldBytes += piece.byteLength;
    if (heldBytes < size) continue;
    const joined = Bun.concatArrayBuffers(held, Infinity, true);
    const cut = joined.lastIndexOf(NEWLINE) + 1;
    if (cut === 0) continue; // one line longer than `size`: keep gathering
    held = cut < joined.length ? [joined.slice(cut)] : [];
    heldBytes = joined.length - cut;
    yield joined.subarray(0, cut);
  }
  if (heldBytes > 0) yield Bun.concatArrayBuffers(held, Infinity, true);
}

interface Task {
  result: Promise<LinesResult>;
  input: { start: number; end: number };
  firstLine: number;
}

async function* pooled(path: string, options: ParallelOptions, totalBytes: number): AsyncGenerator<RangeOutput, ParallelSummary> {
  const { pool: given, workers, rangeBytes, readBytes: _rb, maxInFlight, range: _range, onProgress, signal, timeoutMs, firstLine, retain, compression, maxDecompressedBytes, ...lines } = options;
  resolveOptions(lines);
  resolveFormat(lines.format);
  const checked = lineOptions({ ...lines, firstLine });
  const taskBytes = rangeBytes ?? DEFAULT_TASK_BYTES;
  if (!Number.isInteger(taskBytes) || taskBytes < 1) throw new JsonFlatError("INVALID_OPTION", `rangeBytes must be a whole number ≥ 1, got ${taskBytes}`);
  if (signal?.aborted) throw new JsonFlatError("ABORTED", "flattenFileParallel was aborted");
  const pool = given ?? new Pool({ size: workers ?? navigator.hardwareConcurrency });
  const window = maxInFlight ?? Math.max(1, 2 * pool.size);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const summary = emptySummary();
  const inFlight: Task[] = [];
  let compressedRead = 0;
  let current: Uint8Array | undefined;
  const release = (bytes: Uint8Array) => {
    // transfer(0) frees a buffer's memory now instead of at the next garbage collection.
    if (!retain && bytes.buffer instanceof ArrayBuffer && !bytes.buffer.detached) bytes.buffer.transfer(0);
  };

  /** Waits for the oldest task and hands out its output, in input order. */
  async function* deliver(): AsyncGenerator<RangeOutput> {
    const head = inFlight.shift()!;
    const r = await head.result;
    if (signal?.aborted) throw new JsonFlatError("ABORTED", "flattenFileParallel was aborted");
    addCounters(summary, r);
    summary.ranges++;
    onProgress?.({ ...summary, bytesRead: compressedRead, totalBytes, rangesDone: summary.ranges });
    current = r.bytes;
    yield { chunks: [r.bytes], input: head.input, firstLine: head.firstLine, lines: r.lines, documents: r.documents, errors: r.errors, leaves: r.leaves };
    release(r.bytes);
    current = undefined;
  }

  try {
    const decoded = decompress(path, { compression, maxDecompressedBytes, onCompressedBytes: (n) => (compressedRead = n) });
    let line = checked.firstLine ?? 1;
    let offset = 0;
    for await (const chunk of wholeLineChunks(decoded, taskBytes)) {
      if (signal?.aborted) throw new JsonFlatError("ABORTED", "flattenFileParallel was aborted");
      const newlines = native().countNewlines(chunk);
      const params = { input: chunk, options: { ...lines, firstLine: line, baseOffset: checked.baseOffset + offset } };
      const result = pool.run("flattenLines", params, { signal: stop.signal, timeoutMs, transfer: true }) as Promise<LinesResult>;
      result.catch(() => {}); // awaited in order by deliver()
      inFlight.push({ result, input: { start: offset, end: offset + chunk.length }, firstLine: line });
      line += newlines;
      offset += chunk.length;
      while (inFlight.length >= window) yield* deliver();
    }
    while (inFlight.length > 0) yield* deliver();
    summary.bytesRead = totalBytes;
    return summary;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
    if (current) release(current);
    if (!given) await pool.close({ mode: "abort" });
  }
}
