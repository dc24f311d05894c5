/**
 * @module document/stream — one JSON document of any size, flattened as its bytes arrive (the native
 * jf_doc_stream): output chunks byte-identical, concatenated, to `flattenBytes` of the whole document, in
 * memory bounded by the nesting depth, the largest single value and the chunk size.
 */
import type { DecompressOptions } from "../core/decompress";
import { readableOf } from "../core/readable";
import { JsonFlatError } from "../core/errors";
import { resolveFormat, resolveOptions, type FlattenOptions, type ResolvedOptions } from "../core/options";
import { native, type NativeCallFlags, type QueryHandle } from "../native";
import { documentChunks, type DocumentSource } from "./source";

export type { DocumentSource } from "./source";

/**
 * Options of the document streams: every flatten option, the output format of `flattenBytes`, and how the
 * input is read.
 *
 * @example
 * flattenDocumentStream("big.json", { style: "pointer", chunkBytes: 4 << 20 } satisfies DocumentStreamOptions)
 */
export interface DocumentStreamOptions extends FlattenOptions, DecompressOptions {
  /** `object` (`{"path":value,...}`, default) or `entries` (`[["path",value],...]`). */
  format?: "object" | "entries";
  /** Input bytes per native call, default 1 MiB; memory use is a small multiple of it. */
  chunkBytes?: number;
  /** Called after every chunk with the bytes read and leaves written so far. */
  onProgress?: (progress: DocumentProgress) => void;
  /** Stops the stream with an `ABORTED` error. */
  signal?: AbortSignal;
}

/** How `documentOutputs` hands its chunks over. */
export interface OutputMode {
  /**
   * Each output chunk is a view of one reused buffer, valid until the next is asked for (a consumer that writes
   * and flushes each chunk before asking for the next: no garbage per chunk, so memory stays flat).
   */
  reuseOutput?: boolean;
}

/** Progress of a document stream, reported after each chunk. */
export interface DocumentProgress {
  bytesRead: number;
  leaves: number;
}

/** Default input bytes per native call. */
export const DEFAULT_DOCUMENT_CHUNK = 1 << 20;

const PLAIN: NativeCallFlags = Object.freeze({});
const EXACT: NativeCallFlags = Object.freeze({ bigintAsString: true });
const ENTRIES: NativeCallFlags = Object.freeze({ format: "entries" });
const EXACT_ENTRIES: NativeCallFlags = Object.freeze({ format: "entries", bigintAsString: true });

/** The chunk size asked for, checked. */
export function documentChunkBytes(chunkBytes: number | undefined): number {
  const chunk = chunkBytes ?? DEFAULT_DOCUMENT_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) throw new JsonFlatError("INVALID_OPTION", `chunkBytes must be ≥ 1, got ${chunk}`);
  return chunk;
}

/**
 * The loop every document stream shares: feeds `source` chunk by chunk to a native stream built with `o`,
 * `flags` and `query` (a search when given), yields every non-empty output in order, and frees the stream
 * however the iteration ends. A bad or truncated document throws its JsonFlatError (after the output before
 * the fault was yielded: discard it on error).
 *
 * @example
 * for await (const out of documentOutputs("big.json", resolveOptions(), {}, null, {})) await sink.write(out);
 * // the generator's return value: { bytesRead, leaves } (search: leaves are hits)
 */
export async function* documentOutputs(
  source: DocumentSource,
  o: ResolvedOptions,
  flags: NativeCallFlags,
  query: QueryHandle | null,
  options: Pick<DocumentStreamOptions, "chunkBytes" | "onProgress" | "signal" | "compression" | "maxDecompressedBytes"> & OutputMode,
): AsyncGenerator<Uint8Array, DocumentProgress> {
  const chunkBytes = documentChunkBytes(options.chunkBytes);
  const n = native();
  const stream = n.docStreamNew(o, query, chunkBytes, flags);
  let reused = new Uint8Array(0);
  const into = options.reuseOutput
    ? (length: number) => {
        if (reused.length < length) reused = new Uint8Array(Math.max(length, reused.length * 2));
        return reused.subarray(0, length);
      }
    : undefined;
  try {
    let bytesRead = 0;
    // The native stream copies each chunk before feed returns, so one read buffer serves every chunk.
    for await (const chunk of documentChunks(source, chunkBytes, true, options)) {
      if (options.signal?.aborted) throw new JsonFlatError("ABORTED", "the stream was aborted");
      const out = n.docStreamFeed(stream, chunk, into);
      bytesRead += chunk.byteLength;
      options.onProgress?.({ bytesRead, leaves: out.leaves });
      if (out.bytes.byteLength) yield out.bytes;
    }
    const last = n.docStreamFinish(stream, into);
    if (last.bytes.byteLength) yield last.bytes;
    return { bytesRead, leaves: last.leaves };
  } finally {
    n.docStreamFree(stream);
  }
}

/**
 * Flattens ONE JSON document of any size (a path, a BunFile, a `ReadableStream`, async chunks or bytes) as it
 * is read, yielding output chunks whose concatenation is byte for byte `flattenBytes` of the whole document,
 * with the same options (every style, mode, `maxDepth`, `arrays`, `maxNesting`, `replaceInvalidUtf8`,
 * `bigint: "string"`). Memory stays bounded by the nesting depth, the largest single value (a subtree kept
 * whole by `maxDepth` or `arrays: "leaf"` counts as one) and `chunkBytes`; grouped mode also holds every
 * group's values until the end (as much as its output), schema mode every path. An invalid or truncated
 * document throws the error `flattenBytes` gives (code, offset, line, column) after the output before it.
 *
 * @example
 * const out = Bun.file("flat.json").writer();
 * for await (const chunk of flattenDocumentStream("big.json", { style: "pointer" })) out.write(chunk);
 * await out.end();
 */
export function flattenDocumentStream(source: DocumentSource, options?: DocumentStreamOptions): AsyncGenerator<Uint8Array, DocumentProgress> {
  const { o, flags } = documentCallOptions(options);
  return documentOutputs(source, o, flags, null, options ?? {});
}

/**
 * The options and native flags `flattenBytes` uses for `options`, which the stream must use to match it.
 *
 * @example
 * const { o, flags } = documentCallOptions({ format: "entries", bigint: "string" });
 */
export function documentCallOptions(options?: DocumentStreamOptions): { o: ResolvedOptions; flags: NativeCallFlags } {
  const o = resolveOptions(options);
  const exact = o.bigint === "string";
  const flags = resolveFormat(options?.format) === "entries" ? (exact ? EXACT_ENTRIES : ENTRIES) : exact ? EXACT : PLAIN;
  return { o, flags };
}

/**
 * `flattenDocumentStream` as a web `ReadableStream` (for a `Response` body); an invalid document errors the
 * stream.
 *
 * @example
 * return new Response(flattenDocumentReadable(request.body!), { headers: { "content-type": "application/json" } });
 */
export function flattenDocumentReadable(source: DocumentSource, options?: DocumentStreamOptions): ReadableStream<Uint8Array> {
  return readableOf(flattenDocumentStream(source, options), { bytesRead: 0, leaves: 0 }, false);
}
