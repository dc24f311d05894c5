/**
 * @module cli/document — `jsonflat flatten|search|schema` over ONE document that is large or not seekable
 * (standard input): read and written chunk by chunk through the native document stream, so memory stays
 * bounded by the document's nesting depth, its largest value and --chunk-bytes, whatever its size. The
 * output is byte for byte the in-memory path's.
 */
// The CLI imports this file on every run for streamsDocument; the streaming modules load when a command streams.
import type { DocumentStreamOptions } from "../document/stream";
import type { DecompressOptions } from "../core/decompress";
import { JsonFlatError } from "../core/errors";
import type { FlattenOptions } from "../core/options";
import type { Schema } from "../query/schema";
import type { Query, SearchOptions } from "../query/search";

/** Documents over this size are streamed (smaller ones are read whole: one native call, no copy). */
export const STREAM_DOCUMENT_BYTES = 32 << 20;

/** Where output goes (the CLI's writer). */
export interface DocumentOutput {
  write(bytes: Uint8Array): Promise<void>;
}

/** What a streamed command read and wrote. */
export interface StreamedDocument {
  bytesIn: number;
  leaves: number;
}

/**
 * Whether `file` is streamed: standard input always (it cannot be measured first), a file when `forced` or
 * over STREAM_DOCUMENT_BYTES.
 *
 * @example
 * streamsDocument("-", 0, false) // true
 */
export function streamsDocument(file: string, size: number, forced: boolean): boolean {
  return forced || file === "-" || size > STREAM_DOCUMENT_BYTES;
}

function sourceOf(file: string) {
  return file === "-" ? Bun.stdin.stream() : file;
}

/**
 * `jsonflat flatten FILE` streamed: the output chunks, then a newline, as the in-memory path writes them.
 *
 * @example
 * await flattenDocumentCommand("big.json", { style: "pointer" }, undefined, out, undefined);
 */
export async function flattenDocumentCommand(
  file: string,
  options: DocumentStreamOptions,
  chunkBytes: number | undefined,
  out: DocumentOutput,
  onProgress: ((bytesRead: number) => void) | undefined,
): Promise<StreamedDocument> {
  const { documentCallOptions, documentOutputs, DEFAULT_DOCUMENT_CHUNK } = await import("../document/stream");
  const { o, flags } = documentCallOptions(options);
  // Each chunk is written and flushed before the next is asked for: one reused output buffer is enough.
  const outputs = documentOutputs(sourceOf(file), o, flags, null, {
    chunkBytes: chunkBytes ?? DEFAULT_DOCUMENT_CHUNK,
    onProgress: onProgress && ((p) => onProgress(p.bytesRead)),
    reuseOutput: true,
    compression: options.compression,
    maxDecompressedBytes: options.maxDecompressedBytes,
  });
  return writeDocument(outputs, out);
}

/**
 * `jsonflat search FILE` streamed: the hit lines (or nothing with `count`) and the number of hits.
 *
 * @example
 * const hits = await searchDocumentCommand("big.json", compileQuery({ key: "id" }), {}, undefined, out, false);
 */
export async function searchDocumentCommand(
  file: string,
  query: Query,
  options: SearchOptions & DecompressOptions,
  chunkBytes: number | undefined,
  out: DocumentOutput,
  count: boolean,
): Promise<number> {
  const { searchDocumentStream } = await import("../query/document-stream");
  const hits = searchDocumentStream(sourceOf(file), query, { ...options, chunkBytes });
  for (;;) {
    const next = await hits.next();
    if (next.done) return next.value;
    if (!count) await out.write(next.value);
  }
}

/**
 * `jsonflat schema FILE` streamed: the schema of the whole document.
 *
 * @example
 * const s = await schemaDocumentCommand("-", {}, undefined);
 */
export async function schemaDocumentCommand(file: string, options: Omit<FlattenOptions, "mode"> & DecompressOptions, chunkBytes: number | undefined): Promise<Schema> {
  const { schemaDocumentStream } = await import("../query/document-stream");
  return schemaDocumentStream(sourceOf(file), { ...options, chunkBytes });
}

/** The coworker flags of `flatten --split`. */
export interface SplitFlags {
  /** The array to split at (`--split statuses`, `/a/b`, `""` for the root array). */
  split: string;
  workers: number | undefined;
  rangeBytes: number | undefined;
  chunkBytes: number | undefined;
}

/**
 * `jsonflat flatten FILE --split PATH --workers N`: the elements of one array of ONE document file flattened on
 * N coworkers (see `flattenDocumentParallel`), output in order then a newline, byte for byte the one-thread
 * output. Loaded only when --split asks for it.
 *
 * @example
 * await flattenSplitCommand("twitter.json", {}, { split: "statuses", workers: 2, rangeBytes: undefined, chunkBytes: undefined }, out, undefined);
 */
export async function flattenSplitCommand(
  file: string,
  options: FlattenOptions & { format?: "object" | "entries" } & DecompressOptions,
  flags: SplitFlags,
  out: DocumentOutput,
  onProgress: ((bytesRead: number) => void) | undefined,
): Promise<StreamedDocument> {
  if (file === "-") throw new JsonFlatError("INVALID_OPTION", "--split reads byte ranges of a FILE, not standard input");
  const { flattenDocumentParallel } = await import("../coworker/split");
  const outputs = flattenDocumentParallel(file, {
    ...options,
    split: flags.split,
    workers: flags.workers ?? 1,
    rangeBytes: flags.rangeBytes,
    readBytes: flags.chunkBytes,
    onProgress: onProgress && ((p) => onProgress(p.bytesRead)),
  });
  return writeDocument(outputs, out);
}

/** Writes one flattened document's output chunks and its closing newline; what it read and wrote. */
async function writeDocument(outputs: AsyncGenerator<Uint8Array, { bytesRead: number; leaves: number }>, out: DocumentOutput): Promise<StreamedDocument> {
  for (;;) {
    const next = await outputs.next();
    if (next.done) {
      await out.write(new Uint8Array([0x0a]));
      return { bytesIn: next.value.bytesRead, leaves: next.value.leaves };
    }
    await out.write(next.value);
  }
}
