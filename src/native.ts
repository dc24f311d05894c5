/**
 * @module native — the only file that imports `bun:ffi`: finds the C library, loads it once, and turns
 * its pointers, lengths and error structs into typed TypeScript values with clear ownership.
 */
import { CString, dlopen, FFIType, suffix, toArrayBuffer, type Pointer } from "bun:ffi";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ERROR_CODES, JsonFlatError, type ErrorCode } from "./errors";
import type { ResolvedOptions } from "./options";

/** Output shape of a flatten call: `{"path":value}` or `[["path",value]]`. */
export type NativeFormat = "object" | "entries";

/** Extra switches that only the JS result builders need. */
export interface NativeCallFlags {
  format?: NativeFormat;
  /** Integers beyond ±(2^53−1) as JSON strings. */
  bigintAsString?: boolean;
  /** With `entries`: mark entries whose value is such an integer. */
  bigintMark?: boolean;
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

/** Live native allocations, for leak tests. */
export interface AllocStats {
  liveBlocks: number;
  liveBytes: number;
  totalBlocks: number;
}

/** The typed surface of the C library. */
export interface Native {
  /** Absolute path of the loaded library. */
  readonly path: string;
  /** The C library's version string. */
  version(): string;
  /** Flattens `input` and returns the result as zero-copy bytes. */
  flattenBytes(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): NativeBytes & NativeOutput;
  /** Flattens `input` and returns the result as a string (the native block is freed at once). */
  flattenText(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { text: string } & NativeOutput;
  /** Unflattens `input` (a JSON object of paths) and returns the document as zero-copy bytes. */
  unflattenBytes(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): NativeBytes & NativeOutput;
  /** Unflattens `input` and returns the document as a string. */
  unflattenText(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { text: string } & NativeOutput;
  /** Flattens a chunk of whole NDJSON lines; one output line per document. */
  flattenLines(input: Uint8Array, options: ResolvedOptions, lines: LinesCall, flags?: NativeCallFlags): NativeBytes & LinesOutput;
  /** Number of `\n` bytes in `input`. */
  countNewlines(input: Uint8Array): number;
  /** Compiles a search query (JSON bytes); the handle is freed with `freeQuery` (idempotent in `Query`). */
  compileQuery(query: Uint8Array): Pointer;
  freeQuery(query: Pointer): void;
  /** Hits of one document, one `["path",value]` line each. */
  searchBytes(input: Uint8Array, query: Pointer, options: ResolvedOptions): NativeBytes & NativeOutput;
  /** Hits of an NDJSON chunk, one `[line,"path",value]` line each. */
  searchLines(input: Uint8Array, query: Pointer, options: ResolvedOptions, lines: LinesCall): NativeBytes & LinesOutput;
  /** Process-wide live allocation counters of the library. */
  allocStats(): AllocStats;
}

/*------------------------------------------------------------------------------
 * Locating the library
 *----------------------------------------------------------------------------*/

const LIB_FILE = process.platform === "win32" ? `jsonflat.${suffix}` : `libjsonflat.${suffix}`;

function isMusl(): boolean {
  if (process.platform !== "linux") return false;
  const report = (process.report?.getReport?.() ?? {}) as { header?: { glibcVersionRuntime?: string } };
  return !report.header?.glibcVersionRuntime;
}

/** Name of the per-platform package holding the prebuilt library, e.g. `@jsonflat/linux-x64`. */
export function platformPackage(): string {
  const libc = isMusl() ? "-musl" : "";
  return `@jsonflat/${process.platform}-${process.arch}${libc}`;
}

/**
 * Where the library is looked for, in order: `JSONFLAT_LIB`, the development build in `zig-out/lib`,
 * then the per-platform package.
 */
export function libraryCandidates(): string[] {
  const candidates: string[] = [];
  if (process.env.JSONFLAT_LIB) candidates.push(process.env.JSONFLAT_LIB);
  candidates.push(join(import.meta.dir, "..", "zig-out", "lib", LIB_FILE));
  try {
    const require = createRequire(import.meta.url);
    candidates.push(join(dirname(require.resolve(`${platformPackage()}/package.json`)), LIB_FILE));
  } catch {
    // not installed: fine during development
  }
  return candidates;
}

/*------------------------------------------------------------------------------
 * Loading
 *----------------------------------------------------------------------------*/

const SYMBOLS = {
  jf_version: { args: [], returns: FFIType.cstring },
  jf_flatten: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_unflatten: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_flatten_lines: {
    args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_count_newlines: { args: [FFIType.ptr, FFIType.usize], returns: FFIType.f64 },
  jf_query_compile: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr], returns: FFIType.ptr },
  jf_query_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_search: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_search_lines: {
    args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_free_callback_address: { args: [], returns: FFIType.ptr },
  jf_get_alloc_stats: { args: [FFIType.ptr], returns: FFIType.void },
} as const;

type Symbols = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/** Wraps every symbol so each call is logged with its duration (JSONFLAT_TRACE=1). */
function traced(symbols: Symbols): Symbols {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(symbols) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      const start = performance.now();
      const result = fn(...args);
      const sizes = args.map((a) => (ArrayBuffer.isView(a) ? `<${a.byteLength}B>` : String(a))).join(", ");
      process.stderr.write(`[jsonflat] ${name}(${sizes}) ${(performance.now() - start).toFixed(3)}ms\n`);
      return result;
    };
  }
  return wrapped as Symbols;
}

function open(): { path: string; symbols: Symbols } {
  const tried: string[] = [];
  for (const path of libraryCandidates()) {
    if (!existsSync(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
    // The library is never closed: a buffer finalizer running after dlclose would jump into unmapped code.
    const lib = dlopen(path, SYMBOLS);
    const symbols = process.env.JSONFLAT_TRACE ? traced(lib.symbols) : lib.symbols;
    return { path, symbols };
  }
  throw new JsonFlatError(
    "IO",
    `jsonflat: native library not found. Run \`bash scripts/setup.sh\` or set JSONFLAT_LIB. Tried: ${tried.join("; ")}`,
  );
}

/*------------------------------------------------------------------------------
 * ABI structs (layouts fixed in c/include/jsonflat.h)
 *----------------------------------------------------------------------------*/

const OPTIONS_SIZE = 64;
const RESULT_SIZE = 288;
const ERROR_AT = 32;
const LINES_OPTIONS_SIZE = 32;
const LINES_RESULT_SIZE = 304;
const LINES_ERROR_AT = 48;
const ON_ERROR_CODES = { fail: 0, skip: 1, emit: 2 } as const;
const MESSAGE_SIZE = 232;
const STYLE_CODES = { js: 0, pointer: 1, flat: 2 } as const;
const MODE_CODES = { leaf: 0, grouped: 1, schema: 2 } as const;
const FLAG_ARRAYS_LEAF = 1;
const FLAG_REPLACE_INVALID_UTF8 = 2;
const FLAG_BIGINT_AS_STRING = 4;
const FLAG_BIGINT_MARK = 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SMALL_TEXT = 256;
const NO_FLAGS: NativeCallFlags = Object.freeze({});

function encodeOptions(target: Uint8Array, view: DataView, o: ResolvedOptions, flags: NativeCallFlags): void {
  let bits = 0;
  if (o.arraysLeaf) bits |= FLAG_ARRAYS_LEAF;
  if (o.replaceInvalidUtf8) bits |= FLAG_REPLACE_INVALID_UTF8;
  if (flags.bigintAsString) bits |= FLAG_BIGINT_AS_STRING;
  if (flags.bigintMark) bits |= FLAG_BIGINT_MARK;
  view.setUint32(0, MODE_CODES[o.mode], true);
  view.setUint32(4, STYLE_CODES[o.style], true);
  view.setUint32(8, flags.format === "entries" ? 1 : 0, true);
  view.setUint32(12, bits, true);
  view.setUint32(16, o.maxDepth, true);
  view.setUint32(20, o.maxNesting, true);
  target.fill(0, 32, OPTIONS_SIZE);
  const written = o.delimiter === "." ? 0 : encoder.encodeInto(o.delimiter, target.subarray(32)).written;
  view.setUint32(24, written, true);
  view.setUint32(28, 0, true);
}

function u64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

function readError(result: Uint8Array, view: DataView, at = ERROR_AT): JsonFlatError {
  const code = (ERROR_CODES[view.getInt32(at, true)] ?? "INVALID_JSON") as ErrorCode;
  const message = result.subarray(at + 24, at + 24 + MESSAGE_SIZE);
  const end = message.indexOf(0);
  const line = view.getUint32(at + 4, true);
  const position = line ? { offset: u64(view, at + 16), line, column: view.getUint32(at + 8, true) } : {};
  return new JsonFlatError(code, decoder.decode(message.subarray(0, end < 0 ? MESSAGE_SIZE : end)), position);
}

/*------------------------------------------------------------------------------
 * Result bytes
 *----------------------------------------------------------------------------*/

const SMALL_BYTES = 4096;

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

/*------------------------------------------------------------------------------
 * The singleton
 *----------------------------------------------------------------------------*/

function bind(path: string, symbols: Symbols): Native {
  const deallocator = symbols.jf_free_callback_address() as Pointer;
  // Scratch structs backed by their own ArrayBuffers and passed as typed arrays on every call (never a
  // cached ptr()), so the JIT cannot move them under the C code's feet.
  const options = new Uint8Array(new ArrayBuffer(OPTIONS_SIZE));
  const optionsView = new DataView(options.buffer);
  const result = new Uint8Array(new ArrayBuffer(RESULT_SIZE));
  const view = new DataView(result.buffer);
  const stats = new BigUint64Array(new ArrayBuffer(24));
  const EMPTY = new Uint8Array(1);
  const linesOptions = new Uint8Array(new ArrayBuffer(LINES_OPTIONS_SIZE));
  const linesOptionsView = new DataView(linesOptions.buffer);
  const linesResult = new Uint8Array(new ArrayBuffer(LINES_RESULT_SIZE));
  const linesView = new DataView(linesResult.buffer);

  function setU64(view: DataView, at: number, value: number): void {
    view.setUint32(at, value % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
  }

  function encodeLines(lines: LinesCall): void {
    linesOptionsView.setUint32(0, ON_ERROR_CODES[lines.onError], true);
    linesOptionsView.setUint32(4, lines.column, true);
    setU64(linesOptionsView, 8, lines.firstLine);
    setU64(linesOptionsView, 16, lines.baseOffset);
    setU64(linesOptionsView, 24, 0);
  }

  function linesOutput(p: Pointer | null): NativeBytes & LinesOutput {
    if (!p) throw readError(linesResult, linesView, LINES_ERROR_AT);
    const length = u64(linesView, 0);
    const out: LinesOutput = {
      lines: u64(linesView, 8),
      documents: u64(linesView, 16),
      errors: u64(linesView, 24),
      leaves: u64(linesView, 32),
      unsafeIntegers: u64(linesView, 40),
    };
    if (out.errors) out.firstError = readError(linesResult, linesView, LINES_ERROR_AT);
    return Object.assign(asBytes(p, length, out), out) as NativeBytes & LinesOutput;
  }

  function flattenLines(input: Uint8Array, o: ResolvedOptions, lines: LinesCall, flags: NativeCallFlags = NO_FLAGS) {
    encode(o, flags);
    encodeLines(lines);
    return linesOutput(symbols.jf_flatten_lines(input.byteLength ? input : EMPTY, input.byteLength, options, linesOptions, linesResult));
  }

  function compileQuery(query: Uint8Array): Pointer {
    // jf_query_compile fills a bare jf_error: it sits at the start of the scratch result struct.
    const handle = symbols.jf_query_compile(query.byteLength ? query : EMPTY, query.byteLength, result);
    if (!handle) throw readError(result, view, 0);
    return handle;
  }

  function searchLines(input: Uint8Array, query: Pointer, o: ResolvedOptions, lines: LinesCall) {
    encode(o, NO_FLAGS);
    encodeLines(lines);
    return linesOutput(
      symbols.jf_search_lines(input.byteLength ? input : EMPTY, input.byteLength, query, options, linesOptions, linesResult),
    );
  }

  type Call = typeof symbols.jf_flatten;
  // The options struct is re-encoded only when the options or flags differ from the last call's.
  let encodedFor: ResolvedOptions | undefined;
  let encodedFlags: NativeCallFlags | undefined;
  function encode(o: ResolvedOptions, flags: NativeCallFlags): void {
    if (o === encodedFor && flags === encodedFlags) return;
    encodeOptions(options, optionsView, o, flags);
    encodedFor = o;
    encodedFlags = flags;
  }

  function call(fn: Call, input: Uint8Array, o: ResolvedOptions, flags: NativeCallFlags): [Pointer, number, NativeOutput] {
    encode(o, flags);
    const p = fn(input.byteLength ? input : EMPTY, input.byteLength, options, result);
    if (!p) throw readError(result, view);
    return [p, u64(view, 0), { leaves: u64(view, 8), unsafeIntegers: u64(view, 16) }];
  }

  function asBytes(p: Pointer, length: number, out: NativeOutput): NativeBytes & NativeOutput {
    // Small results are copied out and freed at once: cheaper than a finalizer, and the GC sees their size.
    if (length <= SMALL_BYTES) {
      const bytes = new CopiedBytes(length);
      if (length) bytes.set(new Uint8Array(toArrayBuffer(p, 0, length))); // toArrayBuffer refuses length 0
      symbols.jf_free(p);
      bytes.leaves = out.leaves;
      bytes.unsafeIntegers = out.unsafeIntegers;
      return bytes;
    }
    const bytes = new NativeView(toArrayBuffer(p, 0, length, deallocator as unknown as number));
    bytes.leaves = out.leaves;
    bytes.unsafeIntegers = out.unsafeIntegers;
    return bytes;
  }

  function asText(p: Pointer, length: number, out: NativeOutput): { text: string } & NativeOutput {
    try {
      // CString is cheapest for a few bytes; TextDecoder is far faster once there is more than a line.
      const text = length <= SMALL_TEXT ? String(new CString(p, 0, length)) : decoder.decode(new Uint8Array(toArrayBuffer(p, 0, length)));
      return { text, leaves: out.leaves, unsafeIntegers: out.unsafeIntegers };
    } finally {
      symbols.jf_free(p);
    }
  }

  return {
    path,
    version: () => String(symbols.jf_version()),
    flattenBytes: (input, o, flags = NO_FLAGS) => asBytes(...call(symbols.jf_flatten, input, o, flags)),
    flattenText: (input, o, flags = NO_FLAGS) => asText(...call(symbols.jf_flatten, input, o, flags)),
    unflattenBytes: (input, o, flags = NO_FLAGS) => asBytes(...call(symbols.jf_unflatten, input, o, flags)),
    unflattenText: (input, o, flags = NO_FLAGS) => asText(...call(symbols.jf_unflatten, input, o, flags)),
    flattenLines,
    countNewlines: (input) => (input.byteLength ? symbols.jf_count_newlines(input, input.byteLength) : 0),
    compileQuery,
    freeQuery: (query) => symbols.jf_query_free(query),
    searchBytes: (input, query, o) => {
      encode(o, NO_FLAGS);
      const p = symbols.jf_search(input.byteLength ? input : EMPTY, input.byteLength, query, options, result);
      if (!p) throw readError(result, view);
      return asBytes(p, u64(view, 0), { leaves: u64(view, 8), unsafeIntegers: u64(view, 16) });
    },
    searchLines,
    allocStats: () => {
      symbols.jf_get_alloc_stats(stats);
      return { liveBlocks: Number(stats[0]), liveBytes: Number(stats[1]), totalBlocks: Number(stats[2]) };
    },
  };
}

let instance: Native | undefined;

/**
 * The loaded library, opened on first use (set `JSONFLAT_LIB` to load a specific build, `JSONFLAT_TRACE=1`
 * to log every native call with its duration).
 *
 * @example
 * native().version() // "0.1.0"
 */
export function native(): Native {
  if (!instance) {
    const { path, symbols } = open();
    instance = bind(path, symbols);
  }
  return instance;
}
