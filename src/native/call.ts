/**
 * @module native/call — what every call into the library shares: the scratch structs (from the layout
 * table), the options encoding, and turning a returned block into bytes (`NativeBytes`) or text.
 */
import type { ResolvedOptions } from "../core/options";
import type { JsonFlatError } from "../core/errors";
import { adoptBytes, copyBytes, nonEmpty, textAt, type Pointer, type Symbols } from "./ffi";
import { LAYOUT, readError, setU64, span, Struct, u64 } from "./layout";

/** Output shape of a flatten call: `{"path":value}` or `[["path",value]]`. */
export type NativeFormat = "object" | "entries";

/** Extra switches that only the JS result builders need. */
export interface NativeCallFlags {
  format?: NativeFormat;
  /** Integers beyond ±(2^53−1) as JSON strings. */
  bigintAsString?: boolean;
  /** With `entries`: mark entries whose value is such an integer. */
  bigintMark?: boolean;
  /** Schema mode: containers counted too, plus `present` and `examples` per path (types from data). */
  schemaDetail?: boolean;
  /** JSONPath over one document: the hits as one array sharing containers (JF_FLAG_SHARED_HITS). */
  sharedHits?: boolean;
}

/**
 * Bytes owned by the native library, viewed without a copy. The garbage collector frees them through
 * mimalloc; `dispose()` frees them at once and leaves this view empty (calling it again does nothing).
 *
 * @example
 * const bytes = flattenBytes(input);
 * await Bun.write("out.json", bytes);
 * bytes.dispose();
 */
export interface NativeBytes extends Uint8Array {
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A native call's output with its counters. */
export interface NativeOutput {
  /** Number of leaves written (flatten) or paths read (unflatten). */
  leaves: number;
  /** Integers beyond ±(2^53−1) in the output. */
  unsafeIntegers: number;
}

/** What a chunk of NDJSON did (jf_lines_result). */
export interface LinesOutput extends NativeOutput {
  /** Lines in the chunk, blank ones included. */
  lines: number;
  /** Lines flattened. */
  documents: number;
  /** Bad lines skipped or emitted. */
  errors: number;
  /** The first bad line's error (skip/emit modes), if any. */
  firstError?: JsonFlatError;
}

/** NDJSON options of one chunk. */
export interface LinesCall {
  onError: "fail" | "skip" | "emit";
  /** 0: whole lines; N: the Nth tab-separated field. */
  column: number;
  /** Number of the chunk's first line. */
  firstLine: number;
  /** Byte offset of the chunk in its file. */
  baseOffset: number;
}

/** No extra switches (the default of every call). */
export const NO_FLAGS: NativeCallFlags = Object.freeze({});

const O = LAYOUT.jf_options.fields;
const R = LAYOUT.jf_result.fields;
const LO = LAYOUT.jf_lines_options.fields;
const LR = LAYOUT.jf_lines_result.fields;
const DELIMITER_SIZE = span(LAYOUT.jf_options, "delimiter");

const ON_ERROR_CODES = { fail: 0, skip: 1, emit: 2 } as const;
const STYLE_CODES = { js: 0, pointer: 1, flat: 2 } as const;
const MODE_CODES = { leaf: 0, grouped: 1, schema: 2 } as const;
const FLAG_ARRAYS_LEAF = 1;
const FLAG_REPLACE_INVALID_UTF8 = 2;
const FLAG_BIGINT_AS_STRING = 4;
const FLAG_BIGINT_MARK = 8;
const FLAG_SCHEMA_DETAIL = 16;
const FLAG_SHARED_HITS = 32;
const SMALL_BYTES = 4096;

const encoder = new TextEncoder();

/** A view of native memory; the deallocator runs when the buffer is collected or on `dispose()`. */
class NativeView extends Uint8Array implements NativeBytes, NativeOutput {
  leaves = 0;
  unsafeIntegers = 0;
  /** Frees the native block now; the view becomes empty. Idempotent. */
  dispose(): void {
    // transfer(0) detaches the buffer and runs the deallocator now.
    if (!this.buffer.detached) this.buffer.transfer(0);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A small result already copied into JS memory: nothing to free. */
class CopiedBytes extends Uint8Array implements NativeBytes, NativeOutput {
  leaves = 0;
  unsafeIntegers = 0;
  dispose(): void {}
  [Symbol.dispose](): void {}
}

/**
 * A native *_lines entry point with everything but its input and structs bound (a query, a shape).
 *
 * @example
 * const entry: LinesEntry = (...args) => symbols.jf_flatten_lines(...args);
 */
export type LinesEntry = (input: Uint8Array, length: number, options: Uint8Array, linesOptions: Uint8Array, linesResult: Uint8Array) => Pointer | null;

/**
 * The state one loaded library shares between its calls: its symbols, one scratch struct per kind (the
 * options struct is re-encoded only when the options or flags differ from the last call's), and the
 * wrappers of returned blocks. Calls run on one thread at a time (each Worker loads its own `native()`).
 *
 * @example
 * const c = new Calls(symbols);
 * c.encode(options, NO_FLAGS);
 * const p = symbols.jf_flatten(c.input(bytes), bytes.byteLength, c.options.bytes, c.result.bytes);
 * return c.asBytes(...c.resultOf(p));
 */
export class Calls {
  readonly options = new Struct(LAYOUT.jf_options);
  readonly result = new Struct(LAYOUT.jf_result);
  readonly linesOptions = new Struct(LAYOUT.jf_lines_options);
  readonly linesResult = new Struct(LAYOUT.jf_lines_result);
  /** jf_free_callback's address: the deallocator of zero-copy buffers. */
  readonly deallocator: Pointer;
  private encodedFor: ResolvedOptions | undefined;
  private encodedFlags: NativeCallFlags | undefined;

  constructor(readonly symbols: Symbols) {
    this.deallocator = symbols.jf_free_callback_address()!;
  }

  /** `bytes`, or a 1-byte stand-in when it is empty (a zero-length typed array has no pointer). */
  input(bytes: Uint8Array): Uint8Array {
    return nonEmpty(bytes);
  }

  /** Writes `o` and `flags` into the options struct, unless they are the last call's. */
  encode(o: ResolvedOptions, flags: NativeCallFlags): void {
    if (o === this.encodedFor && flags === this.encodedFlags) return;
    const { bytes, view } = this.options;
    let bits = 0;
    if (o.arraysLeaf) bits |= FLAG_ARRAYS_LEAF;
    if (o.replaceInvalidUtf8) bits |= FLAG_REPLACE_INVALID_UTF8;
    if (flags.bigintAsString) bits |= FLAG_BIGINT_AS_STRING;
    if (flags.bigintMark) bits |= FLAG_BIGINT_MARK;
    if (flags.schemaDetail) bits |= FLAG_SCHEMA_DETAIL;
    if (flags.sharedHits) bits |= FLAG_SHARED_HITS;
    view.setUint32(O.mode, MODE_CODES[o.mode], true);
    view.setUint32(O.style, STYLE_CODES[o.style], true);
    view.setUint32(O.format, flags.format === "entries" ? 1 : 0, true);
    view.setUint32(O.flags, bits, true);
    view.setUint32(O.max_depth, o.maxDepth, true);
    view.setUint32(O.max_nesting, o.maxNesting, true);
    bytes.fill(0, O.delimiter, O.delimiter + DELIMITER_SIZE);
    const written = o.delimiter === "." ? 0 : encoder.encodeInto(o.delimiter, bytes.subarray(O.delimiter)).written;
    view.setUint32(O.delimiter_len, written, true);
    view.setUint32(O.reserved, 0, true);
    this.encodedFor = o;
    this.encodedFlags = flags;
  }

  /** Writes one chunk's NDJSON options into the lines options struct. */
  encodeLines(lines: LinesCall): void {
    const view = this.linesOptions.view;
    view.setUint32(LO.on_error, ON_ERROR_CODES[lines.onError], true);
    view.setUint32(LO.column, lines.column, true);
    setU64(view, LO.first_line, lines.firstLine);
    setU64(view, LO.base_offset, lines.baseOffset);
    setU64(view, LO.reserved, 0);
  }

  /** A call's block with its length and counters from the result struct; throws its error when `p` is NULL. */
  resultOf(p: Pointer | null): [Pointer, number, NativeOutput] {
    const view = this.result.view;
    if (!p) throw readError(this.result, R.error);
    return [p, u64(view, R.length), { leaves: u64(view, R.leaves), unsafeIntegers: u64(view, R.unsafe_integers) }];
  }

  /**
   * One call of the native line engine: encodes the options and line options, runs `call` on the input and
   * the structs, and reads its block as lines output.
   */
  runLines(input: Uint8Array, o: ResolvedOptions, flags: NativeCallFlags, lines: LinesCall, call: LinesEntry): NativeBytes & LinesOutput {
    this.encode(o, flags);
    this.encodeLines(lines);
    return this.linesOutput(call(this.input(input), input.byteLength, this.options.bytes, this.linesOptions.bytes, this.linesResult.bytes));
  }

  /** A compiled handle, or the bare jf_error its compile call wrote at the start of the scratch result. */
  compiled<H>(handle: H | null): H {
    if (!handle) throw readError(this.result, 0);
    return handle;
  }

  /** An NDJSON call's block as bytes with the line counters (and the first bad line's error). */
  linesOutput(p: Pointer | null): NativeBytes & LinesOutput {
    const view = this.linesResult.view;
    if (!p) throw readError(this.linesResult, LR.error);
    const out: LinesOutput = {
      lines: u64(view, LR.lines),
      documents: u64(view, LR.documents),
      errors: u64(view, LR.errors),
      leaves: u64(view, LR.leaves),
      unsafeIntegers: u64(view, LR.unsafe_integers),
    };
    if (out.errors) out.firstError = readError(this.linesResult, LR.error);
    return Object.assign(this.asBytes(p, u64(view, LR.length), out), out) as NativeBytes & LinesOutput;
  }

  /** The block as bytes: small ones copied out and freed at once, larger ones viewed without a copy. */
  asBytes(p: Pointer, length: number, out: NativeOutput): NativeBytes & NativeOutput {
    // Small results are copied out and freed at once: cheaper than a finalizer, and the GC sees their size.
    if (length <= SMALL_BYTES) {
      const bytes = new CopiedBytes(length);
      copyBytes(p, length, bytes);
      this.symbols.jf_free(p);
      bytes.leaves = out.leaves;
      bytes.unsafeIntegers = out.unsafeIntegers;
      return bytes;
    }
    const bytes = new NativeView(adoptBytes(p, length, this.deallocator));
    bytes.leaves = out.leaves;
    bytes.unsafeIntegers = out.unsafeIntegers;
    return bytes;
  }

  /** The block as a string; the block is freed at once. */
  asText(p: Pointer, length: number, out: NativeOutput): { text: string } & NativeOutput {
    try {
      return { text: textAt(p, length), leaves: out.leaves, unsafeIntegers: out.unsafeIntegers };
    } finally {
      this.symbols.jf_free(p);
    }
  }
}
