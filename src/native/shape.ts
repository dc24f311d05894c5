/**
 * @module native/shape — typed binding: a shape plan compiled into a native object (a branded handle), then
 * one document or one NDJSON chunk decoded per call.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type LinesCall, type LinesOutput, type NativeBytes } from "./call";
import type { ShapeHandle } from "./handle";
import { LAYOUT, readError, u64 } from "./layout";

/** The typed binding part of the native surface (jsonflat.h "Typed binding"). */
export interface ShapeNative {
  /** Compiles a shape plan (JSON bytes, see jf_shape_compile); freed with `freeShape`. */
  compileShape(plan: Uint8Array): ShapeHandle;
  freeShape(shape: ShapeHandle): void;
  /** One document: the decoded object's JSON text, or (`mismatch`) the problems' JSON text. */
  decode(shape: ShapeHandle, input: Uint8Array, options: ResolvedOptions): { text: string; mismatch: boolean };
  /** An NDJSON chunk: `{"values":[...],"errors":[...]}` as bytes, with the line counters. */
  decodeLines(shape: ShapeHandle, input: Uint8Array, options: ResolvedOptions, lines: LinesCall): NativeBytes & LinesOutput;
}

const R = LAYOUT.jf_result.fields;
const E = LAYOUT.jf_error.fields;

/**
 * The typed binding calls of one loaded library.
 *
 * @example
 * const shape = shapeCalls(calls).compileShape(new TextEncoder().encode(planText(fields)));
 */
export function shapeCalls(c: Calls): ShapeNative {
  const { symbols, options, result } = c;
  return {
    compileShape: (plan) => {
      // jf_shape_compile fills a bare jf_error: it sits at the start of the scratch result struct.
      return c.compiled(symbols.jf_shape_compile(c.input(plan), plan.byteLength, result.bytes));
    },
    freeShape: (shape) => symbols.jf_shape_free(shape),
    decode: (shape, input, o) => {
      c.encode(o, NO_FLAGS);
      const p = symbols.jf_decode(shape, c.input(input), input.byteLength, options.bytes, result.bytes);
      if (!p) throw readError(result, R.error);
      // A shape mismatch returns the problems as the block, with the error's code set.
      const mismatch = result.view.getInt32(R.error + E.code, true) !== 0;
      return { text: c.asText(p, u64(result.view, R.length), { leaves: 0, unsafeIntegers: 0 }).text, mismatch };
    },
    decodeLines: (shape, input, o, lines) =>
      c.runLines(input, o, NO_FLAGS, lines, (...args) => symbols.jf_decode_lines(shape, ...args)),
  };
}
