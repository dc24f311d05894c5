/**
 * @module lines/flatten-lines — flatten NDJSON (and Open Library TSV) of any size through the native line
 * engine: one call over a whole text, or a file or stream chunk by chunk with bounded memory.
 */
import { readableOf } from "../core/readable";
import { toBytes } from "../core/input";
import { resolveFormat, resolveOptions } from "../core/options";
import { native, type LinesOutput, type NativeBytes } from "../native";
import { lineOptions, type NdjsonOptions } from "./options";
import { streamChunks, streamPieces, type ChunkRunner, type Source, type StreamOptions, type StreamPiece, type StreamProgress } from "./stream";

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
  const { firstLine, ...lines } = lineOptions(options);
  return native().flattenLines(toBytes(input), o, { ...lines, firstLine: firstLine ?? 1 }, {
    format: resolveFormat(options.format),
    bigintAsString: o.bigint === "string",
  });
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
  options: StreamOptions = {},
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
  options: StreamOptions = {},
): AsyncGenerator<Uint8Array, StreamProgress> {
  return streamChunks(source, options, flattenRunner(options));
}

const CANCELLED: StreamProgress = Object.freeze({ bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 });

/**
 * The same as `flattenStream`, as a web `ReadableStream` with backpressure (chunks are copied out of native
 * memory, so a consumer may keep them).
 *
 * @example
 * return new Response(flattenReadable(req.body!), { headers: { "content-type": "application/x-ndjson" } });
 */
export function flattenReadable(source: Source, options: StreamOptions = {}): ReadableStream<Uint8Array> {
  return readableOf(flattenStream(source, options), CANCELLED, true);
}
