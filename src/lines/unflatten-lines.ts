/**
 * @module lines/unflatten-lines — NDJSON of flattened objects back to documents through the native line
 * engine, chunk by chunk: one output line per non-blank input line, bad lines as `onError` says.
 */
import { JsonFlatError } from "../core/errors";
import { resolveOptions, type UnflattenOptions } from "../core/options";
import { native } from "../native";
import { streamChunks, streamPieces, type ChunkRunner, type Source, type LineStreamOptions, type StreamPiece, type StreamProgress } from "./stream";

/**
 * Options of `unflattenStream`: every unflatten option, plus how lines are read (the same line options as
 * the flatten streams: `onError`, `column`, `firstLine`, `range`, `chunkBytes`, ...).
 *
 * @example
 * unflattenStream("flat.ndjson", { style: "pointer", onError: "emit", chunkBytes: 1 << 20 })
 */
export interface UnflattenStreamOptions extends UnflattenOptions, LineStreamOptions {}

function unflattenRunner(options: UnflattenOptions): ChunkRunner {
  const o = resolveOptions(options); // bad options fail before the first chunk
  if (o.bigint === "bigint") throw new JsonFlatError("INVALID_OPTION", 'unflatten supports bigint: "number" or "string"');
  const flags = { bigintAsString: o.bigint === "string" };
  return (whole, lines) => native().unflattenLines(whole, o, lines, flags);
}

/**
 * `unflattenStream` with the input each output covers (see `StreamPiece`): the producer of a journaled
 * unflatten job.
 *
 * @example
 * for await (const { out, input } of unflattenPieces("flat.ndjson")) write(out, input.end);
 */
export function unflattenPieces(source: Source, options: UnflattenStreamOptions = {}): AsyncGenerator<StreamPiece, StreamProgress> {
  return streamPieces(source, options, unflattenRunner(options));
}

/**
 * Rebuilds every line of an NDJSON file or stream of flattened objects, chunk by chunk, as `unflattenBytes`
 * would one by one. Blank lines are skipped; a bad line throws with its line number and file offset after
 * the chunks before it were yielded (`onError: "fail"`), is left out (`skip`) or becomes an error record
 * (`emit`).
 *
 * @example
 * const out = Bun.file("docs.ndjson").writer();
 * for await (const chunk of unflattenStream("flat.ndjson", { style: "pointer" })) out.write(chunk);
 * await out.end();
 */
export function unflattenStream(source: Source, options: UnflattenStreamOptions = {}): AsyncGenerator<Uint8Array, StreamProgress> {
  return streamChunks(source, options, unflattenRunner(options));
}
