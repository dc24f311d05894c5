/**
 * @module lines/ndjson — flatten NDJSON (and Open Library TSV) of any size: whole chunks per native call,
 * memory bounded by the chunk size, line numbers and file offsets kept across chunks.
 */
import { open, type FileHandle } from "node:fs/promises";
import { JsonFlatError } from "../core/errors";
import { toBytes } from "../core/input";
import { native, type LinesCall, type LinesOutput, type NativeBytes } from "../native";
import { resolveFormat, resolveOptions, type FlattenOptions } from "../core/options";

/** What to do with a bad line: stop (`fail`), leave it out (`skip`), or write an error record (`emit`). */
export type OnError = "fail" | "skip" | "emit";

/**
 * Options of the NDJSON calls: every flatten option, plus how lines are read.
 *
 * @example
 * flattenLines(bytes, { column: 5, onError: "skip" }) // Open Library dump lines
 */
export interface NdjsonOptions extends FlattenOptions {
  /** Output shape per line; default `object`. */
  format?: "object" | "entries";
  /** Bad lines; default `fail`. */
  onError?: OnError;
  /** 0 or absent: each line is a document; N: the Nth tab-separated field (Open Library dumps: 5). */
  column?: number;
  /** Number of the first line (for a chunk or range taken from the middle of a file); default 1. */
  firstLine?: number;
  /** Byte offset of the input in its file, added to error offsets; default 0. */
  baseOffset?: number;
}

/** Options of the streaming calls. */
export interface StreamOptions extends NdjsonOptions {
  /** Bytes of input per native call; default 8 MiB. Memory use is a small multiple of it. */
  chunkBytes?: number;
  /** Called after every chunk with the bytes read so far. */
  onProgress?: (progress: StreamProgress) => void;
  /** Stops the stream with an `ABORTED` error. */
  signal?: AbortSignal;
}

/** Progress of a stream, reported after each chunk. */
export interface StreamProgress {
  bytesRead: number;
  lines: number;
  documents: number;
  errors: number;
  leaves: number;
}

/** A byte range of a file: `[start, end)`. */
export interface ByteRange {
  start: number;
  end: number;
}

const DEFAULT_CHUNK = 8 << 20;
const NEWLINE = 0x0a;

/** NDJSON options checked and defaulted, as the native calls take them. */
export function lineOptions(o: NdjsonOptions) {
  const column = o.column ?? 0;
  if (!Number.isInteger(column) || column < 0) throw new JsonFlatError("INVALID_OPTION", `column must be a whole number ≥ 0, got ${column}`);
  const onError = o.onError ?? "fail";
  if (!["fail", "skip", "emit"].includes(onError)) throw new JsonFlatError("INVALID_OPTION", `onError must be fail, skip or emit, got ${onError}`);
  resolveFormat(o.format);
  return { onError, column, firstLine: o.firstLine ?? 1, baseOffset: o.baseOffset ?? 0 };
}

/**
 * Flattens every line of an NDJSON text or buffer in one native call; one output line per document.
 * The result is native bytes (zero copy) with counters: `lines`, `documents`, `errors`, `leaves`.
 *
 * @example
 * const out = flattenLines('{"a":{"b":1}}\n{"a":{"b":2}}\n');
 * new TextDecoder().decode(out) // '{"a.b":1}\n{"a.b":2}\n'
 */
export function flattenLines(input: string | Uint8Array | ArrayBuffer, options: NdjsonOptions = {}): NativeBytes & LinesOutput {
  const o = resolveOptions(options);
  return native().flattenLines(toBytes(input), o, lineOptions(options), {
    format: options.format,
    bigintAsString: o.bigint === "string",
  });
}

/*------------------------------------------------------------------------------
 * Ranges: a range owns the lines that start inside it
 *----------------------------------------------------------------------------*/

async function nextLineStart(file: FileHandle, at: number, size: number): Promise<number> {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const window = new Uint8Array(64 << 10);
  // A line starts at `at` if the byte before it is a newline: search from at - 1.
  for (let pos = at - 1; pos < size; pos += window.length) {
    const { bytesRead } = await file.read(window, 0, Math.min(window.length, size - pos), pos);
    const nl = window.subarray(0, bytesRead).indexOf(NEWLINE);
    if (nl >= 0) return pos + nl + 1;
  }
  return size;
}

/**
 * Moves a byte range of a file to line boundaries: the lines that *start* inside `[start, end)`. Ranges that
 * tile a file give aligned ranges that tile it too, so every line is done exactly once.
 *
 * @example
 * await alignRange("dump.ndjson", { start: 0, end: 1 << 30 }) // { start: 0, end: 1073741871 }
 */
export async function alignRange(path: string, range: ByteRange): Promise<ByteRange> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (!(range.start >= 0 && range.end >= range.start)) {
      throw new JsonFlatError("INVALID_OPTION", `invalid range ${range.start}:${range.end}`);
    }
    return { start: await nextLineStart(file, range.start, size), end: await nextLineStart(file, range.end, size) };
  } finally {
    await file.close();
  }
}

/*------------------------------------------------------------------------------
 * Streaming
 *----------------------------------------------------------------------------*/

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

/** A file path, or a stream of bytes. */
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

/** One native call over whole lines: flatten, schema or search. */
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
  options: StreamOptions & { range?: ByteRange },
  run: ChunkRunner,
): AsyncGenerator<StreamPiece, StreamProgress> {
  const lo = lineOptions(options);
  const chunk = options.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) throw new JsonFlatError("INVALID_OPTION", `chunkBytes must be ≥ 1, got ${chunk}`);
  const lines = new LineBuffer(chunk * 2);
  const progress: StreamProgress = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 };
  let firstLine = lo.firstLine;
  let position = typeof source === "string" ? (options.range?.start ?? 0) : 0;
  const reads = typeof source === "string" ? readFile(source, options.range, chunk, lines) : readStream(source, lines);

  function* flush(final: boolean): Generator<StreamPiece> {
    if (!final && lines.length < chunk) return;
    const whole = lines.wholeLines(final);
    if (whole.length === 0) return;
    const out = run(whole, { ...lo, firstLine, baseOffset: lo.baseOffset + position });
    const piece: StreamPiece = { out, input: { start: position, end: position + whole.length }, firstLine };
    firstLine += out.lines;
    position += whole.length;
    progress.lines += out.lines;
    progress.documents += out.documents;
    progress.errors += out.errors;
    progress.leaves += out.leaves;
    lines.consume(whole.length);
    yield piece;
  }

  for await (const bytesRead of reads) {
    if (options.signal?.aborted) throw new JsonFlatError("ABORTED", "the stream was aborted");
    progress.bytesRead = bytesRead;
    for (const piece of flush(false)) {
      options.onProgress?.({ ...progress });
      try {
        yield piece;
      } finally {
        piece.out.dispose();
      }
    }
  }
  for (const piece of flush(true)) {
    options.onProgress?.({ ...progress });
    try {
      yield piece;
    } finally {
      piece.out.dispose();
    }
  }
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
  options: StreamOptions & { range?: ByteRange },
  run: ChunkRunner,
): AsyncGenerator<Uint8Array, StreamProgress> {
  const pieces = streamPieces(source, options, run);
  try {
    for (;;) {
      const next = await pieces.next();
      if (next.done) return next.value;
      if (next.value.out.length) yield next.value.out;
    }
  } finally {
    await pieces.return(undefined as never);
  }
}

function flattenRunner(options: NdjsonOptions): ChunkRunner {
  const o = resolveOptions(options);
  const flags = { format: resolveFormat(options.format), bigintAsString: o.bigint === "string" };
  return (whole, lines) => native().flattenLines(whole, o, lines, flags);
}

/**
 * `flattenStream` with the input each output covers (see `StreamPiece`): the single-thread producer of a
 * journaled job.
 *
 * @example
 * for await (const { out, input } of flattenPieces("big.ndjson", { chunkBytes: 1 << 20 })) write(out, input.end);
 */
export function flattenPieces(
  source: Source,
  options: StreamOptions & { range?: ByteRange } = {},
): AsyncGenerator<StreamPiece, StreamProgress> {
  return streamPieces(source, options, flattenRunner(options));
}

/**
 * Flattens an NDJSON file or stream chunk by chunk. Yields output bytes in input order; each yielded chunk
 * is native memory that is freed when the next one is requested, so memory stays bounded by `chunkBytes`
 * whatever the input size (copy a chunk if you keep it).
 *
 * @example
 * const out = Bun.file("flat.ndjson").writer();
 * for await (const chunk of flattenStream("dump.txt", { column: 5 })) out.write(chunk);
 * await out.end();
 */
export function flattenStream(
  source: Source,
  options: StreamOptions & { range?: ByteRange } = {},
): AsyncGenerator<Uint8Array, StreamProgress> {
  return streamChunks(source, options, flattenRunner(options));
}

/**
 * The same as `flattenStream`, as a web `ReadableStream` with backpressure (chunks are copied out of native
 * memory, so a consumer may keep them).
 *
 * @example
 * return new Response(flattenReadable(req.body!), { headers: { "content-type": "application/x-ndjson" } });
 */
export function flattenReadable(source: Source, options: StreamOptions & { range?: ByteRange } = {}): ReadableStream<Uint8Array> {
  const iterator = flattenStream(source, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value.slice());
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined as never);
    },
  });
}
