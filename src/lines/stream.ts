/**
 * @module lines/stream — the one streaming loop of every NDJSON front end: a file (or a byte range of it) or a
 * stream read into one reused buffer, whole lines handed to a native line-engine call chunk by chunk with the
 * right first line number and file offset, outputs yielded in order with bounded memory.
 */
import { open } from "node:fs/promises";
import { decompress, fileCompression, refuseRangeOfCompressed, type DecompressOptions } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import type { LinesCall, LinesOutput, NativeBytes } from "../native";
import { lineOptions, type LineOptions, type NdjsonOptions } from "./options";
import { lineNumberAt, type ByteRange } from "./range";
import { isPlaced, placedPieces } from "./placed";
import type { ShardSpec } from "./shard";

/**
 * How any NDJSON stream is read, whatever the operation: the line options plus chunking, range, progress and
 * cancellation.
 *
 * @example
 * const read: LineStreamOptions = { onError: "skip", chunkBytes: 1 << 20, range: { start: 0, end: 1 << 30 } };
 */
export interface LineStreamOptions extends LineOptions, DecompressOptions {
  /** Bytes of input per native call; default 8 MiB. Memory use is a small multiple of it. */
  chunkBytes?: number;
  /** Only the lines that start in this byte range of a file (see `alignRange`); refused for a compressed file. */
  range?: ByteRange;
  /**
   * Only shard `index` (0-based) of `count` of a file (path, URL or S3 object): the lines that start in its
   * byte range `[floor(size·index/count), floor(size·(index+1)/count))`; see `lines/shard`.
   */
  shard?: ShardSpec;
  /** Called after every chunk with the bytes read so far. */
  onProgress?: (progress: StreamProgress) => void;
  /** Stops the stream with an `ABORTED` error. */
  signal?: AbortSignal;
}

/** Progress of a stream, reported after each chunk. */
export interface StreamProgress {
  /** Input bytes read, decoded ones for compressed input: the bytes line offsets count. */
  bytesRead: number;
  /** For compressed input only: compressed bytes read so far (compare with the file's size). */
  compressedBytesRead?: number;
  lines: number;
  documents: number;
  errors: number;
  leaves: number;
}

/**
 * Options of the flatten streams (`flattenStream`, `searchStream`, `schemaStream`, ...): every flatten
 * option plus how the stream is read.
 *
 * @example
 * flattenStream("dump.txt", { column: 5, onError: "emit", style: "pointer" } satisfies StreamOptions)
 */
export interface StreamOptions extends NdjsonOptions, LineStreamOptions {}

const DEFAULT_CHUNK = 8 << 20;
const NOTHING_READ: StreamProgress = Object.freeze({ bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 });
const NEWLINE = 0x0a;

/** Accumulates bytes and hands out whole lines, reusing one buffer. */
class LineBuffer {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Room to read into, growing when a single line is longer than the buffer. */
  space(min: number): Uint8Array {
    if (this.buffer.length - this.length < min) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + min));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return this.buffer.subarray(this.length);
  }

  append(bytes: Uint8Array): void {
    this.space(bytes.length).set(bytes);
    this.length += bytes.length;
  }

  /** The whole lines held (all bytes when `final`), or an empty view. */
  wholeLines(final: boolean): Uint8Array {
    if (final) return this.buffer.subarray(0, this.length);
    const last = this.buffer.subarray(0, this.length).lastIndexOf(NEWLINE);
    return this.buffer.subarray(0, last + 1);
  }

  /** Drops the first `n` bytes (a processed chunk), keeping the partial line after them. */
  consume(n: number): void {
    this.buffer.copyWithin(0, n, this.length);
    this.length -= n;
  }
}

/** A file path, `http(s)://` URL or `s3://bucket/key` object (see `lines/sources`), or a stream of bytes. */
export type Source = string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

async function* readFile(path: string, range: ByteRange | undefined, chunk: number, lines: LineBuffer) {
  const file = await open(path, "r");
  try {
    const size = (await file.stat()).size;
    let pos = range?.start ?? 0;
    const end = Math.min(range?.end ?? size, size);
    while (pos < end) {
      const space = lines.space(chunk);
      const { bytesRead } = await file.read(space, 0, Math.min(space.length, end - pos), pos);
      if (bytesRead === 0) break;
      lines.length += bytesRead;
      pos += bytesRead;
      yield pos - (range?.start ?? 0);
    }
  } finally {
    await file.close();
  }
}

async function* readStream(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, lines: LineBuffer) {
  let total = 0;
  for await (const piece of source as AsyncIterable<Uint8Array>) {
    lines.append(piece);
    total += piece.byteLength;
    yield total;
  }
}

/** One native line-engine call over whole lines: flatten, schema, search, decode or unflatten. */
export type ChunkRunner = (wholeLines: Uint8Array, lines: LinesCall) => NativeBytes & LinesOutput;

/**
 * One native call's output with the input lines it covered: what a journal records per chunk.
 *
 * @example
 * for await (const { out, input, firstLine } of flattenPieces("x.ndjson")) console.log(input, firstLine, out.lines);
 */
export interface StreamPiece {
  /** The call's output and counters (freed when the next piece is requested). */
  out: NativeBytes & LinesOutput;
  /** Where its lines lie: file offsets for a file, offsets from the first byte for a stream. */
  input: ByteRange;
  /** Number of its first line. */
  firstLine: number;
}

/**
 * The streaming loop every NDJSON front end shares: reads a file (or a byte range of it) or a stream into one
 * reused buffer, hands whole lines to `run` chunk by chunk with the right line numbers and file offsets, and
 * yields every call's output with the input it covered, in order (empty outputs too). Each piece is freed when
 * the next is requested.
 *
 * @example
 * for await (const p of streamPieces("x.ndjson", {}, (lines, at) => native().flattenLines(lines, o, at))) use(p.out);
 */
export async function* streamPieces(
  source: Source,
  options: LineStreamOptions,
  run: ChunkRunner,
): AsyncGenerator<StreamPiece, StreamProgress> {
  if (isPlaced(source, options)) return yield* placedPieces(source, options, run);
  const { firstLine: given, ...lo } = lineOptions(options);
  const chunk = options.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) throw new JsonFlatError("INVALID_OPTION", `chunkBytes must be ≥ 1, got ${chunk}`);
  const lines = new LineBuffer(chunk * 2);
  const progress: StreamProgress = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 };
  const rangeStart = typeof source === "string" ? (options.range?.start ?? 0) : 0;
  // A compressed file, like any stream, is decoded from its first byte on: a range of it has no meaning.
  const compressed = typeof source === "string" && (await fileCompression(source, options.compression)) !== undefined;
  if (compressed && options.range) await refuseRangeOfCompressed(source as string, "range", options.compression);
  let firstLine = given ?? (typeof source === "string" && !compressed ? await lineNumberAt(source, rangeStart) : 1);
  let position = rangeStart;
  const decoded = (input: Source) =>
    decompress(input, { ...options, onCompressedBytes: (n) => (progress.compressedBytesRead = n) });
  const reads = typeof source === "string" && !compressed ? readFile(source, options.range, chunk, lines) : readStream(decoded(source), lines);

  /** One native call over the whole lines held (all bytes when `final`), or nothing yet. */
  function flush(final: boolean): StreamPiece | undefined {
    if (!final && lines.length < chunk) return undefined;
    const whole = lines.wholeLines(final);
    if (whole.length === 0) return undefined;
    const out = run(whole, { ...lo, firstLine, baseOffset: lo.baseOffset + position });
    const piece: StreamPiece = { out, input: { start: position, end: position + whole.length }, firstLine };
    firstLine += out.lines;
    position += whole.length;
    progress.lines += out.lines;
    progress.documents += out.documents;
    progress.errors += out.errors;
    progress.leaves += out.leaves;
    lines.consume(whole.length);
    return piece;
  }

  /** Reports progress and yields the piece, freeing its output when the next is requested. */
  function* deliver(piece: StreamPiece | undefined): Generator<StreamPiece> {
    if (!piece) return;
    options.onProgress?.({ ...progress });
    try {
      yield piece;
    } finally {
      piece.out.dispose();
    }
  }

  for await (const bytesRead of reads) {
    if (options.signal?.aborted) throw new JsonFlatError("ABORTED", "the stream was aborted");
    progress.bytesRead = bytesRead;
    yield* deliver(flush(false));
  }
  yield* deliver(flush(true));
  return progress;
}

/**
 * `streamPieces` as bytes only: yields each non-empty output in order, freed when the next is requested.
 *
 * @example
 * for await (const out of streamChunks("x.ndjson", {}, (lines, at) => native().flattenLines(lines, o, at))) use(out);
 */
export async function* streamChunks(
  source: Source,
  options: LineStreamOptions,
  run: ChunkRunner,
): AsyncGenerator<Uint8Array, StreamProgress> {
  const pieces = streamPieces(source, options, run);
  let next = await pieces.next();
  try {
    for (; !next.done; next = await pieces.next()) if (next.value.out.length) yield next.value.out;
    return next.value;
  } finally {
    if (!next.done) await pieces.return(NOTHING_READ); // the consumer stopped early: close the file
  }
}
