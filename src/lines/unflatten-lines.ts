/**
 * @module lines/unflatten-lines — NDJSON of flattened objects back to documents, chunk by chunk: one output line per
 * non-blank input line; the first bad line stops the stream with its line number and file offset.
 */
import { JsonFlatError } from "../core/errors";
import type { LinesCall, LinesOutput, NativeBytes } from "../native";
import { streamChunks, streamPieces, type ByteRange, type ChunkRunner, type Source, type StreamPiece, type StreamProgress } from "./ndjson";
import { resolveOptions, type UnflattenOptions } from "../core/options";
import { unflattenBytes } from "../document/unflatten";

/**
 * Options of `unflattenStream`: every unflatten option, plus how lines are read.
 *
 * @example
 * unflattenStream("flat.ndjson", { style: "pointer", chunkBytes: 1 << 20 })
 */
export interface UnflattenStreamOptions extends UnflattenOptions {
  /** Bytes of input per chunk; default 8 MiB. */
  chunkBytes?: number;
  /** Only the lines that start in this byte range of a file (see `alignRange`). */
  range?: ByteRange;
  /** Number of the first line; default 1. */
  firstLine?: number;
  /** Called after every chunk. */
  onProgress?: (progress: StreamProgress) => void;
  /** Stops the stream with an `ABORTED` error. */
  signal?: AbortSignal;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

function isBlank(line: Uint8Array): boolean {
  for (const b of line) if (b !== 0x20 && b !== 0x09) return false;
  return true;
}

/** The error of one line, placed in the file: line number, file offset, and the "at line N" of its message. */
function placeError(error: JsonFlatError, line: number, lineOffset: number): JsonFlatError {
  return new JsonFlatError(error.code, error.message.replace(/ at line \d+/, ` at line ${line}`), {
    offset: error.offset === undefined ? lineOffset : lineOffset + error.offset,
    line,
    column: error.column ?? 1,
  });
}

function unflattenRunner(options: UnflattenOptions): ChunkRunner {
  resolveOptions(options); // bad options fail before the first chunk
  return (whole: Uint8Array, at: LinesCall) => {
    const docs: Uint8Array[] = [];
    let bytes = 0;
    let lines = 0;
    let leaves = 0;
    let unsafeIntegers = 0;
    for (let start = 0; start < whole.length; lines++) {
      const nl = whole.indexOf(NEWLINE, start);
      const end = nl < 0 ? whole.length : nl;
      const line = whole.subarray(start, end > start && whole[end - 1] === CR ? end - 1 : end);
      if (!isBlank(line)) {
        let doc: NativeBytes & { leaves: number; unsafeIntegers: number };
        try {
          doc = unflattenBytes(line, options);
        } catch (error) {
          throw error instanceof JsonFlatError ? placeError(error, at.firstLine + lines, at.baseOffset + start) : error;
        }
        docs.push(doc.slice());
        bytes += doc.length + 1;
        leaves += doc.leaves;
        unsafeIntegers += doc.unsafeIntegers;
        doc.dispose();
      }
      start = end + 1;
    }
    const out = new Uint8Array(bytes);
    let pos = 0;
    for (const doc of docs) {
      out.set(doc, pos);
      out[pos + doc.length] = NEWLINE;
      pos += doc.length + 1;
    }
    const result = Object.assign(out, { lines, documents: docs.length, errors: 0, leaves, unsafeIntegers, dispose() {} });
    return Object.assign(result, { [Symbol.dispose]() {} }) as NativeBytes & LinesOutput;
  };
}

function lineOptions(options: UnflattenStreamOptions) {
  const { chunkBytes, range, firstLine, onProgress, signal } = options;
  return { chunkBytes, range, firstLine, onProgress, signal };
}

/**
 * `unflattenStream` with the input each output covers (see `StreamPiece`): the producer of a journaled
 * unflatten job.
 *
 * @example
 * for await (const { out, input } of unflattenPieces("flat.ndjson")) write(out, input.end);
 */
export function unflattenPieces(source: Source, options: UnflattenStreamOptions = {}): AsyncGenerator<StreamPiece, StreamProgress> {
  return streamPieces(source, lineOptions(options), unflattenRunner(options));
}

/**
 * Rebuilds every line of an NDJSON file or stream of flattened objects, chunk by chunk, as `unflattenBytes`
 * would one by one; blank lines are skipped. A bad line throws with its line number and file offset, after the
 * chunks before it were yielded.
 *
 * @example
 * const out = Bun.file("docs.ndjson").writer();
 * for await (const chunk of unflattenStream("flat.ndjson", { style: "pointer" })) out.write(chunk);
 * await out.end();
 */
export function unflattenStream(source: Source, options: UnflattenStreamOptions = {}): AsyncGenerator<Uint8Array, StreamProgress> {
  return streamChunks(source, lineOptions(options), unflattenRunner(options));
}
