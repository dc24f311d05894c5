/**
 * @module native/document — one document per call: flatten and unflatten, as zero-copy bytes or as text.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type NativeBytes, type NativeCallFlags, type NativeOutput } from "./call";

/** The one-document part of the native surface (jsonflat.h "Flatten and unflatten"). */
export interface DocumentNative {
  /** Flattens `input` and returns the result as zero-copy bytes. */
  flattenBytes(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): NativeBytes & NativeOutput;
  /** Flattens `input` and returns the result as a string (the native block is freed at once). */
  flattenText(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { text: string } & NativeOutput;
  /** Unflattens `input` (a JSON object of paths) and returns the document as zero-copy bytes. */
  unflattenBytes(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): NativeBytes & NativeOutput;
  /** Unflattens `input` and returns the document as a string. */
  unflattenText(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { text: string } & NativeOutput;
}

/**
 * The document calls of one loaded library.
 *
 * @example
 * const { flattenText } = documentCalls(calls);
 * flattenText(bytes, resolveOptions()).text // '{"a.b":1}'
 */
export function documentCalls(c: Calls): DocumentNative {
  const { symbols, options, result } = c;
  type Call = typeof symbols.jf_flatten;
  function call(fn: Call, input: Uint8Array, o: ResolvedOptions, flags: NativeCallFlags) {
    c.encode(o, flags);
    return c.resultOf(fn(c.input(input), input.byteLength, options.bytes, result.bytes));
  }
  return {
    flattenBytes: (input, o, flags = NO_FLAGS) => c.asBytes(...call(symbols.jf_flatten, input, o, flags)),
    flattenText: (input, o, flags = NO_FLAGS) => c.asText(...call(symbols.jf_flatten, input, o, flags)),
    unflattenBytes: (input, o, flags = NO_FLAGS) => c.asBytes(...call(symbols.jf_unflatten, input, o, flags)),
    unflattenText: (input, o, flags = NO_FLAGS) => c.asText(...call(symbols.jf_unflatten, input, o, flags)),
  };
}
