/**
 * @module document/source — the one place a streamed document's bytes come from: a path, a `Blob` (BunFile),
 * a `ReadableStream`, async chunks or bytes in memory, read as an async iterable of `Uint8Array` chunks of at
 * most `chunkBytes`. Decoding a compressed source belongs here, so every front end gets it at once.
 */
import { open } from "node:fs/promises";
import { decompress, fileCompression, type DecompressOptions } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import { isRemote, openSource } from "../lines/sources";

/** Where one document's bytes come from. */
export type DocumentSource = string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array;

async function* readPath(path: string, chunkBytes: number, reuse: boolean): AsyncGenerator<Uint8Array> {
  let file;
  try {
    file = await open(path, "r");
  } catch (error) {
    throw new JsonFlatError("IO", `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    let buffer = new Uint8Array(chunkBytes);
    for (;;) {
      // Unless the consumer is done with each chunk before asking for the next, it may keep it: a fresh buffer.
      if (!reuse) buffer = new Uint8Array(chunkBytes);
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** A path, URL or S3 object: a compressed one decoded, a plain local file read straight into `reuse`d buffers. */
async function* readLocation(location: string, chunkBytes: number, reuse: boolean, decode: DecompressOptions): AsyncGenerator<Uint8Array> {
  if (isRemote(location)) return yield* bounded(decompress(openSource(location).whole(), decode), chunkBytes);
  if (await fileCompression(location, decode.compression)) return yield* bounded(decompress(location, decode), chunkBytes);
  yield* readPath(location, chunkBytes, reuse);
}

/** Pieces of any size cut (or passed) so that none is larger than `chunkBytes`. */
async function* bounded(pieces: AsyncIterable<Uint8Array>, chunkBytes: number): AsyncGenerator<Uint8Array> {
  for await (const piece of pieces) {
    for (let at = 0; at < piece.byteLength; at += chunkBytes) yield piece.subarray(at, at + chunkBytes);
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The bytes of `source` as chunks of at most `chunkBytes`, read lazily (a path is opened on the first read and
 * closed when the iteration ends, early or not). With `reuse`, a file is read into one buffer: each chunk is
 * valid only until the next is asked for. A path, URL, S3 object, Blob or stream that is compressed (gzip, zstd,
 * zlib by magic bytes; see `decompress`) is decoded as it is read; bytes in memory are taken as they are.
 *
 * @example
 * for await (const chunk of documentChunks("big.json.gz", 1 << 20, false)) total += chunk.byteLength;
 */
export function documentChunks(source: DocumentSource, chunkBytes: number, reuse: boolean, decode: DecompressOptions = {}): AsyncIterable<Uint8Array> {
  if (typeof source === "string") return readLocation(source, chunkBytes, reuse, decode);
  if (source instanceof Uint8Array) return bounded(once(source), chunkBytes);
  const stream = source instanceof Blob ? (source.stream() as unknown as AsyncIterable<Uint8Array>) : source;
  return bounded(decompress(stream, decode), chunkBytes);
}
