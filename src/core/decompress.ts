/**
 * @module core/decompress — compressed input read directly: gzip, zstd and zlib recognised by their magic bytes
 * (brotli and raw deflate, which have none, by option or a `.br` file name), decoded as a stream (a large file
 * on a thread of its own) so that the caller's native work on one chunk overlaps the decoding of the next, with a bound on
 * the decoded size and an error (never a partial success) for cut, corrupt or trailing data. One function for
 * every file and stream entry point; plain input passes through untouched.
 */
import { once } from "node:events";
import type { BrotliDecompress, Gunzip } from "node:zlib";
import { JsonFlatError } from "./errors";
import { ZstdFrames } from "./zstd-frames";

/** A compressed format jsonflat reads; `deflate` is the zlib format (HTTP's name for it), `deflate-raw` bare deflate. */
export type Compression = "gzip" | "zstd" | "deflate" | "deflate-raw" | "brotli";

/** `auto` (default): detect by magic bytes (and `.br` file names); `none`: read the bytes as they are. */
export type CompressionOption = "auto" | "none" | Compression;

/** Every value `compression` takes, for option checking and `--help`. */
export const COMPRESSION_OPTIONS: readonly CompressionOption[] = ["auto", "none", "gzip", "zstd", "deflate", "deflate-raw", "brotli"];

/**
 * How compressed input is read.
 *
 * @example
 * const o: DecompressOptions = { compression: "auto", maxDecompressedBytes: 1 << 30 };
 */
export interface DecompressOptions {
  /** How to recognise the input's compression; default `auto`. */
  compression?: CompressionOption;
  /**
   * Decoded bytes allowed before the read fails with `INPUT_TOO_LARGE`; applies to compressed input only.
   * Default: no limit for streams (memory stays bounded by the chunk size, as for a plain file of that size),
   * `WHOLE_READ_LIMIT` for reads that hold the whole input (`readWhole`).
   */
  maxDecompressedBytes?: number;
}

/** A source of bytes: a file path, a web stream or any async iterable of byte chunks. */
export type ByteSource = string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Default decoded-size limit of `readWhole`: a bomb must fail with a code before it fills memory. */
export const WHOLE_READ_LIMIT = 1 << 30;

/** Bytes a detection looks at: zstd's magic number is the longest. */
export const MAGIC_BYTES = 4;

/** Compressed bytes read from a file per read. */
const FILE_BLOCK = 1 << 20;
/** Decoder output piece size, and how far (in bytes) it may decode ahead of the reader while the reader works. */
const DECODED_PIECE = 256 << 10;
const DECODE_AHEAD = 16 << 20;

const NAMES: Record<Compression, string> = { gzip: "gzip", zstd: "zstd", deflate: "zlib", "deflate-raw": "raw deflate", brotli: "brotli" };

/**
 * A zlib stream header (RFC 1950): compression method 8, a window of at most 32 KiB, the check bits, and no
 * preset dictionary (which we could not supply). It never starts JSON text: its first byte is one of
 * 08 18 28 38 48 58 68 78, and of these only 0x38 (`8`) may start JSON, while every second byte that makes
 * `8?` a header (`O`, 0x11, 0x8d, 0xac, 0xcb, 0xea without the dictionary bit) cannot follow a digit in JSON.
 * Printable headers exist (`(S`, `8O`, `HK`, `XG`, `hC`, `x^`), so a TSV file (`column`) whose first field
 * starts with one needs `compression: "none"`.
 */
function isZlibHeader(head: Uint8Array): boolean {
  if (head.length < 2) return false;
  const cmf = head[0]!;
  const flg = head[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

/**
 * The compression of input beginning with `head` (its first `MAGIC_BYTES` bytes or fewer), or undefined for
 * anything else. None of these magic numbers can start JSON or NDJSON text, so plain input is never mistaken:
 * JSON text starts with whitespace, `{ [ " - t f n`, a digit or a UTF-8 BOM (EF BB BF), while gzip starts
 * 1F 8B (1F is a control character), zstd 28 B5 2F FD (`(` then a byte that cannot start UTF-8), and zlib as
 * `isZlibHeader` says. Brotli and raw deflate have no magic number and are never detected.
 *
 * @example
 * detectCompression(new Uint8Array([0x1f, 0x8b, 8, 0])) // "gzip"
 * detectCompression(new TextEncoder().encode('{"a":1}')) // undefined
 */
export function detectCompression(head: Uint8Array): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (isZlibHeader(head)) return "deflate";
  return undefined;
}

function checkOption(compression: CompressionOption | undefined): CompressionOption {
  const value = compression ?? "auto";
  if (!COMPRESSION_OPTIONS.includes(value)) {
    throw new JsonFlatError("INVALID_OPTION", `compression must be ${COMPRESSION_OPTIONS.join(", ")}; got ${String(value)}`);
  }
  return value;
}

function checkLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new JsonFlatError("INVALID_OPTION", `maxDecompressedBytes must be a whole number ≥ 0, got ${limit}`);
  return limit;
}

/** The compression an option and the input's first bytes (and, for a file, its name) decide on. */
function decide(option: CompressionOption, head: Uint8Array, path?: string): Compression | undefined {
  if (option === "none") return undefined;
  if (option !== "auto") return option;
  return detectCompression(head) ?? (path !== undefined && /\.br$/i.test(path) ? "brotli" : undefined);
}

/**
 * The compression of the file at `path` as `compression` decides (auto: its first bytes, or a `.br` name), or
 * undefined when it is read as it is. A file that cannot be opened is an `IO` error naming it.
 *
 * @example
 * await fileCompression("ol_dump_editions_latest.txt.gz") // "gzip"
 */
export async function fileCompression(path: string, compression?: CompressionOption): Promise<Compression | undefined> {
  const option = checkOption(compression);
  if (option === "none") return undefined;
  let head: Uint8Array;
  try {
    // Bun's own read, not node:fs/promises: loading that module would add milliseconds to every CLI start.
    head = await Bun.file(path).slice(0, MAGIC_BYTES).bytes();
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
  }
  return decide(option, head, path);
}

/**
 * Refuses a byte range of a compressed file: its offsets are positions in the compressed bytes, which are not
 * line positions of the content, and a compressed stream can only be decoded from its start.
 *
 * @example
 * await refuseRangeOfCompressed("dump.txt.gz", "range") // throws INVALID_OPTION
 */
export async function refuseRangeOfCompressed(path: string, what: string, compression?: CompressionOption): Promise<void> {
  refuseCompressedPart(await fileCompression(path, compression), path, what);
}

/**
 * The same refusal for a source read in parts elsewhere (a URL, an S3 object), from its first bytes.
 *
 * @example
 * refuseRangeOfCompressedHead(head, "https://example.org/dump.txt.gz", "shard") // throws INVALID_OPTION for gzip
 */
export function refuseRangeOfCompressedHead(head: Uint8Array, name: string, what: string, compression?: CompressionOption): void {
  refuseCompressedPart(decide(checkOption(compression), head, name), name, what);
}

function refuseCompressedPart(found: Compression | undefined, name: string, what: string): void {
  if (found) {
    throw new JsonFlatError(
      "INVALID_OPTION",
      `${what} needs an uncompressed file: ${name} is ${NAMES[found]} data, whose byte offsets are not line positions of its content (decompress it first)`,
    );
  }
}

/** Where the input stood when a compressed stream failed. */
export interface CompressedPosition {
  /** Compressed bytes the decoder had consumed (or been given) when the failure was found: the damage is at or before it. */
  compressedOffset: number;
  /** Decoded bytes delivered before the failure. */
  decompressedBytes: number;
}

/**
 * A compressed input that is cut short, corrupt or followed by other bytes (`CORRUPT`), or that decodes to more
 * than `maxDecompressedBytes` (`INPUT_TOO_LARGE`). `compressedOffset` and `decompressedBytes` say where.
 *
 * @example
 * try { await readWhole("cut.json.gz"); } catch (e) { if (e instanceof CompressedInputError) console.log(e.code, e.compressedOffset); }
 */
export class CompressedInputError extends JsonFlatError implements CompressedPosition {
  readonly compressedOffset: number;
  readonly decompressedBytes: number;

  constructor(code: "CORRUPT" | "INPUT_TOO_LARGE", message: string, where: CompressedPosition) {
    super(code, message);
    this.name = "CompressedInputError";
    this.compressedOffset = where.compressedOffset;
    this.decompressedBytes = where.decompressedBytes;
  }
}

type Decoder = Gunzip | BrotliDecompress;

function makeDecoder(compression: Compression): Decoder {
  // Loaded on first use: node:zlib costs about 10 ms to load, a third of a CLI start on plain input.
  const { createBrotliDecompress, createGunzip, createInflate, createInflateRaw, createZstdDecompress } = require("node:zlib") as typeof import("node:zlib");
  const options = { chunkSize: DECODED_PIECE, highWaterMark: DECODE_AHEAD };
  switch (compression) {
    case "gzip":
      return createGunzip(options);
    case "deflate":
      return createInflate(options);
    case "deflate-raw":
      return createInflateRaw(options);
    case "brotli":
      return createBrotliDecompress(options);
    case "zstd":
      return createZstdDecompress(options) as unknown as Decoder;
  }
}

function iteratorOf(source: ByteSource): AsyncIterator<Uint8Array> {
  if (typeof source === "string") {
    const { createReadStream } = require("node:fs") as typeof import("node:fs"); // on first use: see makeDecoder
    const stream = createReadStream(source, { highWaterMark: FILE_BLOCK });
    return (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

/** Whether input starting with `first` may be compressed data: gzip's, zstd's or a zlib header's first byte. */
function mayStartMagic(first: number): boolean {
  return first === 0x1f || first === 0x28 || ((first & 0x0f) === 8 && first >> 4 <= 7);
}

/**
 * Reads `MAGIC_BYTES` (fewer at the end) from `chunks`, keeping the pieces read; stops after the first piece
 * when its first byte starts no magic number, so a live stream's short first line is not held back.
 */
async function readHead(chunks: AsyncIterator<Uint8Array>, path: string | undefined): Promise<{ pieces: Uint8Array[]; head: Uint8Array }> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAGIC_BYTES && (size === 0 || mayStartMagic(pieces.find((p) => p.byteLength > 0)![0]!))) {
      const step = await chunks.next();
      if (step.done) break;
      pieces.push(step.value);
      size += step.value.byteLength;
    }
  } catch (error) {
    throw readFailure(error, path);
  }
  const head = pieces.length === 1 ? pieces[0]! : Bun.concatArrayBuffers(pieces, MAGIC_BYTES, true);
  return { pieces, head: head.subarray(0, MAGIC_BYTES) };
}

function readFailure(error: unknown, path: string | undefined): JsonFlatError {
  if (error instanceof JsonFlatError) return error;
  return new JsonFlatError("IO", `cannot read ${path ?? "the input"}: ${(error as Error)?.message ?? String(error)}`);
}

/** The decoder's failure as the caller should see it: cut short, or not valid data of its format. */
function corrupt(error: unknown, compression: Compression, where: CompressedPosition): JsonFlatError {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof JsonFlatError) return error;
  const name = NAMES[compression];
  if (e?.code === "Z_BUF_ERROR" || /unexpected end/i.test(e?.message ?? "")) {
    return new CompressedInputError("CORRUPT", `the ${name} data is cut short: it ends before its end marker`, where);
  }
  const hint = compression === "deflate" ? " (a plain file that only starts like a zlib header reads with compression \"none\")" : "";
  return new CompressedInputError("CORRUPT", `the input is not valid ${name} data: ${e?.message ?? String(error)}${hint}`, where);
}

/**
 * The decoded bytes of `source` as a stream of chunks. The compression is decided from the first bytes
 * (`detectCompression`), a `.br` file name, or `options.compression`; plain input is passed through as it
 * comes, with no copy and no limit. A compressed file of at least `THREAD_MIN_COMPRESSED_BYTES` is decoded on
 * a thread of its own (except in a compiled executable) (`core/decode-thread`), up to 16 MiB ahead of the reader, so whatever the reader does
 * with a chunk overlaps the decoding of the next ones (Bun's zlib streams decode on the calling thread, so
 * without it the two would take turns); smaller files and streams are decoded in this thread. Fails with
 * `CompressedInputError`: `CORRUPT` for cut, damaged (a bad checksum included) or trailing data, once the
 * chunks before the damage were delivered, so a caller must treat its output as failed; `INPUT_TOO_LARGE`
 * once more than `maxDecompressedBytes` were decoded. `onCompressedBytes` is told the compressed bytes fed so
 * far (for progress against a file's size).
 *
 * @example
 * for await (const chunk of decompress("ol_dump_editions_latest.txt.gz")) lines.push(chunk);
 * for await (const chunk of decompress(req.body!, { maxDecompressedBytes: 64 << 20 })) parser.push(chunk);
 */
export async function* decompress(source: ByteSource, options: DecompressOptions & { onCompressedBytes?: (bytes: number) => void } = {}): AsyncGenerator<Uint8Array> {
  const option = checkOption(options.compression);
  const onThread = typeof source === "string" ? await threadCompression(source, option) : undefined;
  if (onThread) {
    checkLimit(options.maxDecompressedBytes, Infinity);
    const { decodeInThread } = await import("./decode-thread");
    return yield* decodeInThread(source as string, { compression: onThread, maxDecompressedBytes: options.maxDecompressedBytes }, options.onCompressedBytes);
  }
  yield* decompressHere(source, options);
}

/** Compressed files smaller than this are decoded in the calling thread: a thread's start would cost more than it saves. */
export const THREAD_MIN_COMPRESSED_BYTES = 1 << 20;

/**
 * The compression of the file at `path` when `decompress` decodes it on a thread of its own (compressed, and
 * `THREAD_MIN_COMPRESSED_BYTES` or more), else undefined. On one core the two threads could only take turns,
 * and a compiled executable cannot start a worker from a module (see README, single-file executables): both
 * decode everything in the calling thread.
 *
 * @example
 * await threadCompression("ol_dump_editions_latest.txt.gz") // "gzip"
 */
export async function threadCompression(path: string, compression?: CompressionOption): Promise<Compression | undefined> {
  const option = checkOption(compression);
  if (option === "none" || Bun.isStandaloneExecutable || navigator.hardwareConcurrency < 2) return undefined;
  if (sizeOfFile(path) < THREAD_MIN_COMPRESSED_BYTES) return undefined;
  return fileCompression(path, option);
}

/** A file's size, or 0 when it cannot be read (opening it then reports the `IO` error with its name). */
function sizeOfFile(path: string): number {
  const { statSync } = require("node:fs") as typeof import("node:fs"); // on first use: see makeDecoder
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * `decompress` always in the calling thread: what the decoding thread itself runs.
 *
 * @example
 * for await (const chunk of decompressHere("small.json.gz")) pieces.push(chunk);
 */
export async function* decompressHere(
  source: ByteSource,
  options: DecompressOptions & { onCompressedBytes?: (bytes: number) => void } = {},
): AsyncGenerator<Uint8Array> {
  const option = checkOption(options.compression);
  const limit = checkLimit(options.maxDecompressedBytes, Infinity);
  const path = typeof source === "string" ? source : undefined;
  const chunks = iteratorOf(source);
  try {
    const { pieces, head } = await readHead(chunks, path);
    const compression = decide(option, head, path);
    if (!compression) {
      yield* pieces;
      try {
        for (let step = await chunks.next(); !step.done; step = await chunks.next()) yield step.value;
      } catch (error) {
        throw readFailure(error, path);
      }
      return;
    }
    yield* decode(chunks, pieces, compression, limit, path, options.onCompressedBytes);
  } finally {
    await chunks.return?.();
  }
}

async function* decode(
  chunks: AsyncIterator<Uint8Array>,
  head: Uint8Array[],
  compression: Compression,
  limit: number,
  path: string | undefined,
  onCompressedBytes: ((bytes: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  const decoder = makeDecoder(compression);
  const stop = new AbortController();
  // Bun's zstd decoder takes a stream cut inside a frame for a whole one: its frame headers are followed here.
  const frames = compression === "zstd" ? new ZstdFrames() : undefined;
  let fed = 0;
  let readError: JsonFlatError | undefined;
  const feed = async (piece: Uint8Array) => {
    frames?.push(piece);
    fed += piece.byteLength;
    onCompressedBytes?.(fed);
    if (!decoder.write(piece)) await once(decoder, "drain", { signal: stop.signal });
  };
  // The feeder runs beside the reader below: it waits for the decoder to drain, the reader for its output.
  const feeder = (async () => {
    try {
      for (const piece of head) await feed(piece);
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await chunks.next();
        } catch (error) {
          readError = readFailure(error, path);
          decoder.destroy(readError);
          return;
        }
        if (step.done) break;
        await feed(step.value);
      }
      decoder.end();
    } catch {
      // The decoder failed (its reader below reports how) or the reader stopped early: nothing more to feed.
    }
  })();
  let decoded = 0;
  // Bun's gunzip counts from 0 again when a second member fails its header: keep the furthest count seen, and
  // when none was seen, the bytes fed so far (the failure is at or before them).
  let consumed = 0;
  const where = (): CompressedPosition => {
    consumed = Math.max(consumed, decoder.bytesWritten);
    return { compressedOffset: consumed > 0 ? consumed : fed, decompressedBytes: decoded };
  };
  const output = (decoder as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await output.next();
      } catch (error) {
        throw readError ?? corrupt(error, compression, where());
      }
      if (step.done) break;
      if (decoded + step.value.byteLength > limit) {
        throw new CompressedInputError("INPUT_TOO_LARGE", `the ${NAMES[compression]} input decodes to more than the limit of ${limit} bytes (maxDecompressedBytes, --max-decompressed-bytes)`, where());
      }
      decoded += step.value.byteLength;
      consumed = Math.max(consumed, decoder.bytesWritten);
      yield step.value;
    }
    await feeder;
    if (readError) throw readError;
    // zlib stops at the end of its data and leaves what follows unread (gzip: after the last member); any such byte is an error.
    if (decoder.bytesWritten < fed) {
      throw new CompressedInputError("CORRUPT", `the ${NAMES[compression]} data is followed by ${fed - decoder.bytesWritten} other byte(s)`, where());
    }
    if (frames?.problem) throw new CompressedInputError("CORRUPT", `the input is not valid zstd data: ${frames.problem}`, where());
    if (frames && !frames.atBoundary()) throw new CompressedInputError("CORRUPT", "the zstd data is cut short: it ends inside a frame", where());
  } finally {
    stop.abort();
    decoder.destroy();
    await feeder;
  }
}

/**
 * The whole decoded input in one buffer (for one-document calls), bounded by `maxDecompressedBytes`
 * (default `WHOLE_READ_LIMIT`, 1 GiB) when the input is compressed; plain input is read as it is.
 *
 * @example
 * const doc = flattenBytes(await readWhole("doc.json.gz"));
 */
export async function readWhole(source: ByteSource, options: DecompressOptions = {}): Promise<Uint8Array> {
  const limit = checkLimit(options.maxDecompressedBytes, WHOLE_READ_LIMIT);
  // A plain file is read in one go, as before compression was looked for.
  if (typeof source === "string" && !(await fileCompression(source, options.compression))) return Bun.file(source).bytes();
  const pieces: Uint8Array[] = [];
  for await (const piece of decompress(source, { ...options, maxDecompressedBytes: limit })) pieces.push(piece);
  return pieces.length === 1 ? pieces[0]! : Bun.concatArrayBuffers(pieces, Infinity, true);
}
