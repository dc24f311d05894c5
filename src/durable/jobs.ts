/**
 * @module durable/jobs — NDJSON file to file: flatten (in this thread or on a coworker pool) or unflatten, with an
 * optional journal so that running the same job again after a crash resumes where the last run stopped.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { ParallelOptions } from "../coworker/parallel";
import { fileCompression, refuseRangeOfCompressed, type CompressionOption } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { runJournaled, type JournalPiece, type JournalPosition, type JournalResume, type JournalSummary } from "./journal";
import { alignRange, flattenPieces, lineNumberAt, type ByteRange, type StreamPiece, type StreamProgress } from "../lines/index";
import { unflattenPieces, type UnflattenStreamOptions } from "../lines/index";

/**
 * What every file job takes besides its own options.
 *
 * @example
 * { journal: "job.wal", onResume: (r) => console.error("resuming at byte", r.from.input) }
 */
export interface FileJobOptions {
  /**
   * A write-ahead log directory (created when missing) that records each finished chunk once the output is
   * durable; the same call after a crash resumes from it (see `runJournaled`). Without it, the output is
   * simply written.
   */
  journal?: string;
  /** Called when a journaled job resumes from an earlier run. */
  onResume?: (resume: JournalResume) => void;
  /** Called after each chunk is written, with the input bytes done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Options of `flattenFile`: the NDJSON options of `flattenFileParallel`. `workers: 1` (the default) flattens in
 * this thread, `chunkBytes` per native call; more uses a coworker pool: `rangeBytes` per range (one task each),
 * and `readBytes` (or else `chunkBytes`) per native call inside a task.
 *
 * @example
 * await flattenFile("dump.txt", "flat.ndjson", { column: 5, workers: 2, rangeBytes: 16 << 20, journal: "flat.wal" })
 */
export interface FlattenFileOptions extends Omit<ParallelOptions, "onProgress" | "retain">, FileJobOptions {
  /** Input bytes per native call (default 8 MiB in this thread; on a pool, `readBytes` when given wins). */
  chunkBytes?: number;
}

/**
 * Options of `unflattenFile`.
 *
 * @example
 * await unflattenFile("flat.ndjson", "docs.ndjson", { style: "pointer", journal: "unflat.wal" })
 */
export interface UnflattenFileOptions extends Omit<UnflattenStreamOptions, "onProgress">, FileJobOptions {}

/**
 * Totals of a file job (see `JournalSummary`; without a journal, `commits` is 0 and nothing is resumed).
 *
 * @example
 * const { documents, errors, outputBytes } = await flattenFile("in.ndjson", "out.ndjson");
 */
export type FileJobSummary = JournalSummary;

// Options that decide how the work is split, never what is written: not part of a journal's identity.
const NOT_SHAPING = new Set(["pool", "workers", "chunkBytes", "rangeBytes", "readBytes", "maxInFlight", "signal", "timeoutMs", "range", "firstLine", "journal", "onResume", "onProgress"]);

function shaping(kind: string, options: object): Record<string, unknown> {
  const picked: Record<string, unknown> = { kind };
  for (const [key, value] of Object.entries(options)) if (!NOT_SHAPING.has(key) && value !== undefined) picked[key] = value;
  return picked;
}

function fromStream(piece: StreamPiece): JournalPiece {
  const { out } = piece;
  return { bytes: [out], input: piece.input, firstLine: piece.firstLine, lines: out.lines, documents: out.documents, errors: out.errors, leaves: out.leaves };
}

async function* streamed(pieces: AsyncGenerator<StreamPiece, StreamProgress>): AsyncGenerator<JournalPiece> {
  for await (const piece of pieces) yield fromStream(piece);
}

/** The pool's ranges from `from` to the end of `range` (a compressed input: all of it, `range` and `from` unset). */
async function* ranged(
  input: string,
  range: ByteRange | undefined,
  from: JournalPosition | undefined,
  options: FlattenFileOptions,
  onProgress?: ParallelOptions["onProgress"],
): AsyncGenerator<JournalPiece> {
  const { flattenRangesParallel } = await import("../coworker/parallel");
  const { journal: _j, onResume: _r, onProgress: _p, chunkBytes, ...rest } = options;
  const where = range && from ? { range: { start: from.input, end: range.end }, firstLine: from.line } : {};
  const ranges = flattenRangesParallel(input, { readBytes: chunkBytes, ...rest, ...where, onProgress });
  for await (const r of ranges) {
    yield { bytes: r.chunks, input: r.input, firstLine: r.firstLine, lines: r.lines, documents: r.documents, errors: r.errors, leaves: r.leaves };
  }
}

async function jobRange(input: string, range: ByteRange | undefined): Promise<ByteRange> {
  let size: number;
  try {
    size = (await stat(input)).size;
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${input}: ${(error as Error).message}`);
  }
  return alignRange(input, range ?? { start: 0, end: size });
}

/** Writes every piece to `output` (truncated first): the job without a journal. */
async function writePlain(output: string, range: ByteRange, pieces: AsyncIterable<JournalPiece>): Promise<FileJobSummary> {
  let fd: number;
  try {
    fd = openSync(output, "w");
  } catch (error) {
    throw new JsonFlatError("IO", `cannot open ${output} for writing: ${(error as Error).message}`);
  }
  const s: FileJobSummary = { lines: 0, documents: 0, errors: 0, leaves: 0, inputBytes: 0, inputBytesThisRun: 0, outputBytes: 0, pieces: 0, commits: 0, alreadyComplete: false };
  try {
    for await (const piece of pieces) {
      for (const bytes of piece.bytes) {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
        s.outputBytes += bytes.length;
      }
      s.lines += piece.lines;
      s.documents += piece.documents ?? 0;
      s.errors += piece.errors ?? 0;
      s.leaves += piece.leaves ?? 0;
      s.pieces++;
      s.inputBytes = s.inputBytesThisRun = piece.input.end - range.start;
    }
  } finally {
    closeSync(fd);
  }
  return s;
}

function withProgress(pieces: AsyncIterable<JournalPiece>, range: ByteRange, onProgress: FileJobOptions["onProgress"]): AsyncIterable<JournalPiece> {
  if (!onProgress) return pieces;
  return (async function* () {
    for await (const piece of pieces) {
      yield piece;
      onProgress(piece.input.end - range.start, range.end - range.start);
    }
  })();
}

/** Produces a compressed input's pieces, telling `onProgress` the compressed bytes read so far. */
type CompressedProducer = (onProgress?: (compressedBytes: number) => void) => AsyncIterable<JournalPiece>;

/**
 * A compressed input: decoded from its start, so no journal (it resumes at a byte offset of the input) and no
 * range; flattened in this thread or handed to the pool chunk by chunk (see `coworker/compressed`), progress
 * in compressed bytes of the file.
 */
async function compressedJob(
  input: string,
  output: string,
  options: FileJobOptions & { range?: ByteRange; compression?: CompressionOption },
  pieces: CompressedProducer,
): Promise<FileJobSummary> {
  if (options.journal !== undefined) await refuseRangeOfCompressed(input, "a journal", options.compression);
  if (options.range) await refuseRangeOfCompressed(input, "range", options.compression);
  const size = (await stat(input)).size;
  const report = options.onProgress;
  return writePlain(output, { start: 0, end: size }, pieces(report && ((done) => report(done, size))));
}

async function runFileJob(
  kind: string,
  input: string,
  output: string,
  options: FileJobOptions & { range?: ByteRange; firstLine?: number; chunkBytes?: number; rangeBytes?: number; workers?: number; compression?: CompressionOption },
  produce: (from: JournalPosition, range: ByteRange) => AsyncIterable<JournalPiece>,
  compressed: CompressedProducer,
): Promise<FileJobSummary> {
  if (await fileCompression(input, options.compression)) return compressedJob(input, output, options, compressed);
  const range = await jobRange(input, options.range);
  // A range numbers its lines as in the whole file.
  const firstLine = options.firstLine ?? (await lineNumberAt(input, range.start));
  if (!options.journal) {
    return writePlain(output, range, withProgress(produce({ input: range.start, line: firstLine, output: 0 }, range), range, options.onProgress));
  }
  return runJournaled({
    journal: options.journal,
    input,
    output,
    range,
    firstLine,
    options: shaping(kind, options),
    notes: { chunkBytes: options.chunkBytes, rangeBytes: options.rangeBytes, workers: options.workers ?? 1 },
    produce: (from) => withProgress(produce(from, range), range, options.onProgress),
    onResume: options.onResume,
  });
}

/**
 * Flattens an NDJSON file (or Open Library TSV with `column: 5`) into `output`, in this thread or on a pool
 * (`workers`, `pool`). With `journal`, every finished chunk is recorded once its output is durable, and the same
 * call after a crash (`kill -9`, power loss) resumes from the last intact chunk; the output is then byte for
 * byte what one uninterrupted run writes, error records and line numbers included. A job already finished is
 * not run again (`alreadyComplete`); one started with another input or other options is refused
 * (`JOURNAL_MISMATCH`). `workers`, `chunkBytes`, `rangeBytes` and `readBytes` may change between runs: they never change the output.
 * A compressed input (see `decompress`) is decoded here and flattened in this thread or, chunk by chunk, on the
 * pool (see `coworker/compressed`); `journal` and `range` are then refused (`INVALID_OPTION`): they are byte offsets of the input, which in a compressed file are not line positions.
 *
 * @example
 * const s = await flattenFile("big.ndjson", "out.ndjson", { journal: "job.wal", workers: 2, onError: "emit" });
 * console.log(s.documents, s.resumed?.from.input ?? 0, s.alreadyComplete);
 */
export function flattenFile(input: string, output: string, options: FlattenFileOptions = {}): Promise<FileJobSummary> {
  const parallel = options.pool !== undefined || (options.workers ?? 1) > 1;
  return runFileJob("flatten", input, output, options, (from, range) => {
    if (parallel) return ranged(input, range, from, options);
    return streamed(flattenPieces(input, { ...streamOptions(options), range: { start: from.input, end: range.end }, firstLine: from.line }));
  }, (onProgress) => {
    if (parallel) return ranged(input, undefined, undefined, options, onProgress && ((p) => onProgress(p.bytesRead)));
    return streamed(flattenPieces(input, { ...streamOptions(options), onProgress: onProgress && ((p) => onProgress(p.compressedBytesRead ?? 0)) }));
  });
}

/** What `flattenFile` hands the single-thread stream: its options without the job's and the pool's. */
function streamOptions(options: FlattenFileOptions) {
  const { journal: _j, onResume: _r, onProgress: _p, pool: _pool, workers: _w, rangeBytes: _rg, readBytes: _rb, maxInFlight: _m, timeoutMs: _t, ...stream } = options;
  return stream;
}

/**
 * Rebuilds every line of an NDJSON file of flattened objects into `output` (as `unflattenStream`), journaled
 * like `flattenFile` when `journal` is given (and, like it, reading compressed input without journal or range).
 *
 * @example
 * await unflattenFile("flat.ndjson", "docs.ndjson", { style: "pointer", journal: "unflat.wal" })
 */
export function unflattenFile(input: string, output: string, options: UnflattenFileOptions = {}): Promise<FileJobSummary> {
  return runFileJob("unflatten", input, output, options, (from, range) => {
    const { journal: _j, onResume: _r, onProgress: _p, ...stream } = options;
    return streamed(unflattenPieces(input, { ...stream, range: { start: from.input, end: range.end }, firstLine: from.line }));
  }, (onProgress) => {
    const { journal: _j, onResume: _r, onProgress: _p, ...stream } = options;
    return streamed(unflattenPieces(input, { ...stream, onProgress: onProgress && ((p) => onProgress(p.compressedBytesRead ?? 0)) }));
  });
}
