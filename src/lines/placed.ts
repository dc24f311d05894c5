/**
 * @module lines/placed — the streaming loop over a shard of a file, or over a file at a URL or in S3: reads only
 * the source's own byte range, and numbers lines as in the whole file without reading what lies before the
 * range unless an output needs a line number (an `emit` error record, a search hit, a thrown error).
 */
import { MAGIC_BYTES, refuseRangeOfCompressed, refuseRangeOfCompressedHead } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { native } from "../native";
import { lineNumberAt, type ByteRange } from "./range";
import { placeRange } from "./shard";
import { isRemote, openSource, type RangedSource } from "./sources";
import { streamPieces, type ChunkRunner, type LineStreamOptions, type Source, type StreamPiece, type StreamProgress } from "./stream";

/** Runners whose every output line carries its input line number (search hits), so every output needs it. */
const NUMBERED_OUTPUTS = new WeakSet<ChunkRunner>();

/**
 * Marks a runner whose output lines all carry line numbers (search hits), so a shard learns its real first
 * line before its first non-empty output, not only at its first bad line.
 *
 * @example
 * streamChunks(source, options, numberedOutputs((whole, lines) => native().searchLines(whole, q, o, lines)))
 */
export function numberedOutputs(run: ChunkRunner): ChunkRunner {
  NUMBERED_OUTPUTS.add(run);
  return run;
}

/**
 * True when a stream must go through `placedPieces`: a shard, or a source that is a URL or an S3 object.
 *
 * @example
 * isPlaced("s3://dumps/x.txt", {}) // true
 */
export function isPlaced(source: Source, options: LineStreamOptions): source is string {
  return typeof source === "string" && (options.shard !== undefined || isRemote(source));
}

/** The number of the line that starts at `offset`: the newlines before it counted natively. */
async function countLinesBefore(location: string, source: RangedSource, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  if (!isRemote(location)) return lineNumberAt(location, offset);
  let newlines = 0;
  const counter = native();
  for await (const piece of source.read(0, offset)) newlines += counter.countNewlines(piece);
  return newlines + 1;
}

/**
 * `streamPieces` over a shard (`options.shard`) or a `range` of a path, URL or S3 object. Lines are first
 * numbered from 1 within the range; outputs with no line number in them (no bad line; no search hit) are
 * the same whatever the first line is, so they go out as they are. The first output that needs numbers makes
 * the range count the newlines before it once (at newline-count speed; for a URL or S3 object that reads the
 * prefix), and the stream goes on from that chunk with real numbers: one chunk is run twice.
 *
 * @example
 * for await (const p of placedPieces("dump.txt", { shard: { index: 1, count: 4 } }, run)) write(p.out);
 */
export async function* placedPieces(location: string, options: LineStreamOptions, run: ChunkRunner): AsyncGenerator<StreamPiece, StreamProgress> {
  const source = openSource(location);
  const remote = isRemote(location);
  const { shard: _, range: given, firstLine: fixed, baseOffset = 0, onProgress, ...rest } = options;
  if (options.shard === undefined && given === undefined) return yield* streamPieces(source.whole(), { ...rest, onProgress, firstLine: fixed, baseOffset }, run);
  await refuseCompressed(location, source, options);
  const range: ByteRange = await placeRange(source, { shard: options.shard, range: given });
  const alwaysNumbered = NUMBERED_OUTPUTS.has(run);
  const progress: StreamProgress = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 };
  /** The real number of the range's first line, once known. */
  let first: number | undefined = fixed ?? (range.start === 0 ? 1 : undefined);

  /** Pieces of `[from, range.end)` with file offsets, their first line being `firstLine`. */
  const from = (start: number, firstLine: number): AsyncGenerator<StreamPiece, StreamProgress> => {
    const sub = { ...rest, firstLine, onProgress: undefined };
    if (!remote) return streamPieces(location, { ...sub, baseOffset, range: { start, end: range.end } }, run);
    return shifted(streamPieces(source.read(start, range.end), { ...sub, baseOffset: baseOffset + start }, run), start);
  };
  const needsNumbers = (piece: StreamPiece) => piece.out.errors > 0 || (alwaysNumbered && piece.out.length > 0);

  let pieces = from(range.start, first ?? 1);
  try {
    for (;;) {
      let next: IteratorResult<StreamPiece, StreamProgress>;
      try {
        next = await pieces.next();
      } catch (error) {
        if (first !== undefined || !(error instanceof JsonFlatError) || error.line === undefined) throw error;
        const known = await countLinesBefore(location, source, range.start);
        throw new JsonFlatError(error.code, error.message, { offset: error.offset, line: error.line + known - 1, column: error.column });
      }
      if (next.done) break;
      const piece = next.value;
      if (first === undefined && needsNumbers(piece)) {
        first = await countLinesBefore(location, source, range.start);
        const real = first + piece.firstLine - 1;
        await pieces.return(progress); // frees this piece's output: it is run again with real numbers
        pieces = from(piece.input.start, real);
        continue;
      }
      progress.lines += piece.out.lines;
      progress.documents += piece.out.documents;
      progress.errors += piece.out.errors;
      progress.leaves += piece.out.leaves;
      progress.bytesRead = piece.input.end - range.start;
      onProgress?.({ ...progress });
      yield piece; // while the first line is unknown, its firstLine counts from the range's start
    }
  } finally {
    await pieces.return(progress);
  }
  progress.bytesRead = range.end - range.start;
  return progress;
}

/** A shard or range of compressed data has no meaning: its byte offsets are not positions in the content. */
async function refuseCompressed(location: string, source: RangedSource, options: LineStreamOptions): Promise<void> {
  const what = options.shard ? "shard" : "range";
  if (!isRemote(location)) return refuseRangeOfCompressed(location, what, options.compression);
  const head: Uint8Array[] = [];
  for await (const piece of source.read(0, Math.min(MAGIC_BYTES, await source.size()))) head.push(piece.slice());
  refuseRangeOfCompressedHead(Buffer.concat(head), location, what, options.compression);
}

/** Pieces of a stream that starts at file offset `start`, with their input ranges as file offsets. */
async function* shifted(pieces: AsyncGenerator<StreamPiece, StreamProgress>, start: number): AsyncGenerator<StreamPiece, StreamProgress> {
  let next = await pieces.next();
  try {
    for (; !next.done; next = await pieces.next()) {
      const p = next.value;
      yield { ...p, input: { start: p.input.start + start, end: p.input.end + start } };
    }
    return next.value;
  } finally {
    if (!next.done) await pieces.return(next.value as never);
  }
}
