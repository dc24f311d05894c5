/**
 * @module coworker/compressed — `flattenFileParallel` over a compressed file. A compressed stream can only be
 * decoded from its start, so it cannot be cut into byte ranges for workers: it is decoded on zlib's thread pool
 * and flattened in this thread, the two overlapping (bench/compressed measures it), and `workers` is unused.
 */
import { stat } from "node:fs/promises";
import { JsonFlatError } from "../core/errors";
import { flattenPieces, type StreamProgress } from "../lines/index";
import type { ParallelOptions, ParallelSummary, RangeOutput } from "./parallel";

/**
 * The output of a compressed NDJSON file, one native call's output per `RangeOutput`, with the same totals and
 * progress fields as a parallel run (`bytesRead` and `totalBytes` count compressed bytes). A `range` is refused
 * (`INVALID_OPTION`) before this runs.
 *
 * @example
 * for await (const r of compressedRanges("dump.txt.gz", { column: 5 })) write(r.chunks);
 */
export async function* compressedRanges(path: string, options: ParallelOptions): AsyncGenerator<RangeOutput, ParallelSummary> {
  const { pool: _pool, workers: _w, rangeBytes: _rb, readBytes, maxInFlight: _m, timeoutMs: _t, retain, onProgress, range: _range, ...stream } = options;
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
  }
  const summary: ParallelSummary = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, ranges: 0, unsafeIntegers: 0 };
  let rangesDone = 0;
  const report = (p: StreamProgress) => onProgress?.({ ...p, bytesRead: p.compressedBytesRead ?? 0, totalBytes, rangesDone });
  const pieces = flattenPieces(path, { ...stream, chunkBytes: readBytes, onProgress: report });
  for await (const { out, input, firstLine } of pieces) {
    summary.lines += out.lines;
    summary.documents += out.documents;
    summary.errors += out.errors;
    summary.leaves += out.leaves;
    summary.unsafeIntegers += out.unsafeIntegers;
    if (out.firstError && !summary.firstError) summary.firstError = out.firstError.toJSON();
    summary.ranges++;
    rangesDone++;
    // The piece is freed when the next is requested, as unretained parallel chunks are; a copy stays valid.
    yield { chunks: [retain ? out.slice() : out], input, firstLine, lines: out.lines, documents: out.documents, errors: out.errors, leaves: out.leaves };
  }
  summary.bytesRead = totalBytes;
  return summary;
}
