/**
 * @module native/lines — NDJSON chunks through the native line engine: flatten or unflatten a chunk of whole
 * lines in one call, count newlines.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type LinesCall, type LinesOutput, type NativeBytes, type NativeCallFlags } from "./call";

/** The NDJSON part of the native surface (jsonflat.h "NDJSON"). */
export interface LinesNative {
  /** Flattens a chunk of whole NDJSON lines; one output line per document. */
  flattenLines(input: Uint8Array, options: ResolvedOptions, lines: LinesCall, flags?: NativeCallFlags): NativeBytes & LinesOutput;
  /** Rebuilds the document of every line of a chunk of flattened objects; one output line per document. */
  unflattenLines(input: Uint8Array, options: ResolvedOptions, lines: LinesCall, flags?: NativeCallFlags): NativeBytes & LinesOutput;
  /** Number of `\n` bytes in `input`. */
  countNewlines(input: Uint8Array): number;
}

/**
 * The NDJSON calls of one loaded library.
 *
 * @example
 * const out = linesCalls(calls).flattenLines(chunk, resolveOptions(), { onError: "skip", column: 0, firstLine: 1, baseOffset: 0 });
 * out.documents // lines flattened
 */
export function linesCalls(c: Calls): LinesNative {
  const { symbols } = c;
  return {
    flattenLines: (input, o, lines, flags = NO_FLAGS) => c.runLines(input, o, flags, lines, symbols.jf_flatten_lines),
    unflattenLines: (input, o, lines, flags = NO_FLAGS) => c.runLines(input, o, flags, lines, symbols.jf_unflatten_lines),
    countNewlines: (input) => (input.byteLength ? symbols.jf_count_newlines(input, input.byteLength) : 0),
  };
}
