/**
 * @module coworker/split — ONE document flattened in parallel inside itself: the elements of one of its
 * arrays (the root array or one at a path of member names) are cut into ranges of whole elements by a native
 * structural scan, the ranges are flattened by `flattenSplitRange` tasks on a pool, and the outputs come out
 * in order, byte for byte `flattenBytes` of the whole document (element k keeps its path `statuses[k]`, an
 * error its true offset, line and column).
 */
import { fileCompression, type DecompressOptions } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { resolveFormat, resolveOptions } from "../core/options";
import { flattenDocumentStream, type DocumentStreamOptions } from "../document/stream";
import { checkSplitOptions, splitPath, SplitPlanner, type SplitPath, type SplitRangeOutput } from "../document/split";
import { Pool } from "./pool";
import type { SplitRangeParams } from "./split-task";

/**
 * Options of `flattenDocumentParallel`: the flatten options (leaf mode) and output format, the array to split
 * at, and how the ranges are run.
 *
 * @example
 * flattenDocumentParallel("twitter.json", { split: "statuses", workers: 2, style: "pointer" })
 */
export interface SplitParallelOptions extends Omit<DocumentStreamOptions, "onProgress" | "chunkBytes">, DecompressOptions {
  /** The array whose elements are split across coworkers (see `SplitPath`): `""` for the root array. */
  split: SplitPath;
  /** A pool to run on (left open afterwards). Without one, a pool of `workers` workers is made and closed. */
  pool?: Pool;
  /** Size of the pool made when `pool` is not given; default `navigator.hardwareConcurrency`. */
  workers?: number;
  /** Bytes of elements per range (one task each), default 4 MiB; the file is scanned 8 ranges at a time. */
  rangeBytes?: number;
  /** Bytes a task reads per native call, default 1 MiB. */
  readBytes?: number;
  /** Ranges in flight (running, queued, or done and waiting their turn); default twice the pool size. Bounds memory. */
  maxInFlight?: number;
  /** Per-range timeout in milliseconds. */
  timeoutMs?: number;
  /** Called as ranges progress, with the bytes done (in any order) out of the file's size. */
  onProgress?: (progress: { bytesRead: number; totalBytes: number }) => void;
}

/**
 * The generator's return value.
 *
 * @example
 * const it = flattenDocumentParallel(path, { split: "" }); let r; while (!(r = await it.next()).done) write(r.value);
 * r.value.ranges; // tasks run
 */
export interface SplitSummary {
  bytesRead: number;
  leaves: number;
  /** Ranges the document was cut into (1: it was streamed in this thread). */
  ranges: number;
}

const DEFAULT_RANGE = 4 << 20;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

/** `["a","b"]` as the JSON Pointer the messages name it by. */
function pointer(names: readonly string[]): string {
  return names.map((name) => "/" + name.replaceAll("~", "~0").replaceAll("/", "~1")).join("") || '"" (the root)';
}

/**
 * Why there is nothing to split: the document's own error when it has one (read through in this thread, as
 * `flattenDocumentStream`), else INVALID_OPTION naming the path.
 */
async function noArrayAt(path: string, names: readonly string[], options: SplitParallelOptions): Promise<never> {
  const { split: _s, pool: _p, workers: _w, rangeBytes: _r, readBytes: _rb, maxInFlight: _m, timeoutMs: _t, onProgress: _o, ...flatten } = options;
  for await (const _ of flattenDocumentStream(path, flatten));
  throw new JsonFlatError("INVALID_OPTION", `split: no array at ${pointer(names)} (the first member of each name must be an object on the way and an array at the end)`);
}

/** One range, or one worker: the document streamed in this thread (the same bytes, without the split's costs). */
async function* inThisThread(path: string, options: SplitParallelOptions, size: number): AsyncGenerator<Uint8Array, SplitSummary> {
  const { split: _s, pool: _p, workers: _w, rangeBytes: _r, readBytes, maxInFlight: _m, timeoutMs: _t, onProgress, ...flatten } = options;
  const stream = flattenDocumentStream(path, {
    ...flatten,
    chunkBytes: readBytes,
    onProgress: onProgress && ((p) => onProgress({ bytesRead: p.bytesRead, totalBytes: size })),
  });
  let next = await stream.next();
  for (; !next.done; next = await stream.next()) yield next.value;
  return { bytesRead: next.value.bytesRead, leaves: next.value.leaves, ranges: 1 };
}

/**
 * Flattens ONE JSON document file with the elements of the array at `options.split` spread over coworkers,
 * yielding the output in order: byte for byte `flattenBytes` of the whole document (leaf mode; either format;
 * every style, `maxDepth` below the array, `maxNesting`, `bigint`, `replaceInvalidUtf8`). The file is cut by
 * a native structural scan (no value parsed) into ranges of whole elements of about `rangeBytes`; the first
 * range also flattens what comes before the array, the last what comes after it; each later range starts at
 * its element's true index, offset, line and column, so an invalid document throws the error `flattenBytes`
 * gives (after the output before it: discard it on error). A path that is not an array of the document is
 * `INVALID_OPTION` (after the document's own error, if it has one); grouped and schema mode, `arrays: "leaf"`
 * and a compressed file are `INVALID_OPTION` (stream those with `flattenDocumentStream`). With one worker, or
 * when the array fits one range, the document is streamed in this thread instead (same bytes, no scan or
 * copies). Memory: one scan window (8 ranges) plus about `maxInFlight` ranges' output.
 *
 * @example
 * const out = Bun.file("flat.json").writer();
 * for await (const chunk of flattenDocumentParallel("twitter.json", { split: "statuses", workers: 2 })) out.write(chunk);
 * await out.end();
 */
export async function* flattenDocumentParallel(path: string, options: SplitParallelOptions): AsyncGenerator<Uint8Array, SplitSummary> {
  const names = splitPath(options.split);
  const o = resolveOptions(options);
  resolveFormat(options.format);
  checkSplitOptions(o, names);
  const rangeBytes = positive("rangeBytes", options.rangeBytes, DEFAULT_RANGE);
  const compression = await fileCompression(path, options.compression);
  if (compression) {
    throw new JsonFlatError("INVALID_OPTION", `split reads byte ranges of a plain file; this one is ${compression}: flatten it without split (it streams)`);
  }
  using planner = new SplitPlanner(path, names, rangeBytes);
  let range = planner.next();
  if (!range) return await noArrayAt(path, names, options);
  const workers = options.pool?.size ?? options.workers ?? navigator.hardwareConcurrency;
  if (workers <= 1 || range.last) return yield* inThisThread(path, options, planner.size); // nothing to share: no scan, no copies

  const taskOptions: SplitRangeParams["options"] = {
    style: options.style,
    delimiter: options.delimiter,
    maxDepth: options.maxDepth,
    arrays: options.arrays,
    maxNesting: options.maxNesting,
    bigint: options.bigint,
    replaceInvalidUtf8: options.replaceInvalidUtf8,
    format: options.format,
    mode: options.mode,
  };
  const pool = options.pool ?? new Pool({ size: workers });
  const window = positive("maxInFlight", options.maxInFlight, Math.max(1, 2 * pool.size));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const inFlight: { result: Promise<SplitRangeOutput>; done: { bytes: number }; size: number }[] = [];
  const summary: SplitSummary = { bytesRead: 0, leaves: 0, ranges: 0 };
  const report = () => {
    if (!options.onProgress) return;
    let bytes = summary.bytesRead;
    for (const f of inFlight) bytes += f.done.bytes;
    options.onProgress({ bytesRead: bytes, totalBytes: planner.size });
  };
  try {
    // The scan for the next ranges runs here while the coworkers flatten the ranges already found.
    for (;;) {
      for (; range && inFlight.length < window; range = planner.next()) {
        summary.ranges++;
        const params: SplitRangeParams = { range, options: taskOptions, readBytes: options.readBytes };
        const done = { bytes: 0 };
        const result = pool.run("flattenSplitRange", params, {
          signal: stop.signal,
          timeoutMs: options.timeoutMs,
          onProgress: (p) => {
            done.bytes = p.done;
            report();
          },
        });
        result.catch(() => {}); // awaited in order below
        inFlight.push({ result, done, size: range.end - range.start });
      }
      const head = inFlight[0];
      if (!head) break;
      const out = await head.result;
      inFlight.shift();
      if (options.signal?.aborted) throw new JsonFlatError("ABORTED", "flattenDocumentParallel was aborted");
      summary.bytesRead += head.size;
      summary.leaves += out.leaves;
      report();
      for (const chunk of out.chunks) yield chunk;
    }
    return summary;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    stop.abort();
    if (!options.pool) await pool.close({ mode: "abort" });
  }
}
