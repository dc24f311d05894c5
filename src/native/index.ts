/**
 * @module native — the only file that imports `bun:ffi`: finds the C library, loads it once, and turns
 * its pointers, lengths and error structs into typed TypeScript values with clear ownership.
 */
import { CString, dlopen, FFIType, suffix, toArrayBuffer, type Pointer } from "bun:ffi";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../core/version";
import { ERROR_CODES, JsonFlatError, type ErrorCode } from "../core/errors";
import type { ResolvedOptions } from "../core/options";

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
export interface Native extends DurableNative {
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
  /** Parses and indexes one document (jf_index_build); the handle is freed with `indexFree`. */
  indexBuild(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { handle: Pointer; leaves: number; nodes: number };
  indexFree(index: Pointer): void;
  /** The value at a path as JSON text, or undefined when the path is not in the index. */
  indexGet(index: Pointer, path: Uint8Array): { text: string | undefined; unsafeIntegers: number };
  /** Leaves by short key or by value, as `[["path",value],...]` text. */
  indexFind(index: Pointer, by: "key" | "value", what: Uint8Array, limit: number): { text: string; unsafeIntegers: number };
  indexStats(index: Pointer): IndexStats;
  /** Compiles a shape plan (JSON bytes, see jf_shape_compile); freed with `freeShape`. */
  compileShape(plan: Uint8Array): Pointer;
  freeShape(shape: Pointer): void;
  /** One document: the decoded object's JSON text, or (`mismatch`) the problems' JSON text. */
  decode(shape: Pointer, input: Uint8Array, options: ResolvedOptions): { text: string; mismatch: boolean };
  /** An NDJSON chunk: `{"values":[...],"errors":[...]}` as bytes, with the line counters. */
  decodeLines(shape: Pointer, input: Uint8Array, options: ResolvedOptions, lines: LinesCall): NativeBytes & LinesOutput;
}

/** Sizes of a path index (jf_index_stats). */
export interface IndexStats {
  /** Values with a path: containers and leaves. */
  nodes: number;
  leaves: number;
  /** Distinct short keys of leaves. */
  keys: number;
  /** Distinct leaf values. */
  values: number;
  /** Native memory of the tables and paths, without the parsed document. */
  bytes: number;
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

/**
 * Name of the per-platform package holding the prebuilt library (an optional dependency of `jsonflat`,
 * written by scripts/pack.ts): `jsonflat-linux-x64-gnu`, `jsonflat-linux-arm64-musl`, `jsonflat-darwin-arm64`,
 * `jsonflat-win32-x64`.
 */
export function platformPackage(): string {
  const libc = process.platform === "linux" ? (isMusl() ? "-musl" : "-gnu") : "";
  return `jsonflat-${process.platform}-${process.arch}${libc}`;
}

/** What the platform package is for, in words: `linux x64 glibc`, `macOS arm64`. */
function platformWords(): string {
  const os = { linux: "linux", darwin: "macOS", win32: "Windows" }[process.platform as string] ?? process.platform;
  return `${os} ${process.arch}${process.platform === "linux" ? (isMusl() ? " musl" : " glibc") : ""}`;
}

/**
 * The library of the installed platform package: the path its `index.js` exports (it imports the file
 * with `type: "file"`). Each package is required by its literal name under literal tests of
 * `process.platform` and `process.arch`: `bun build --compile` folds those to the target's values, keeps
 * only the matching branch, and embeds that package's library in the executable (the path is then under
 * `/$bunfs/`, and dlopen reads it from there). A package that is not installed is left unresolved and
 * throws here when required: undefined. Also undefined on a platform without a package.
 */
function platformLibrary(): string | undefined {
  let pkg: { default?: unknown } | undefined;
  // One literal require per package of scripts/pack.ts's PLATFORMS (a computed name cannot be bundled),
  // inside the try: the bundler leaves a package it cannot resolve there to fail at run time.
  try {
    if (process.platform === "linux" && process.arch === "x64") {
      pkg = isMusl() ? require("jsonflat-linux-x64-musl") : require("jsonflat-linux-x64-gnu");
    } else if (process.platform === "linux" && process.arch === "arm64") {
      pkg = isMusl() ? require("jsonflat-linux-arm64-musl") : require("jsonflat-linux-arm64-gnu");
    } else if (process.platform === "darwin" && process.arch === "x64") {
      pkg = require("jsonflat-darwin-x64");
    } else if (process.platform === "darwin" && process.arch === "arm64") {
      pkg = require("jsonflat-darwin-arm64");
    } else if (process.platform === "win32" && process.arch === "x64") {
      pkg = require("jsonflat-win32-x64");
    }
  } catch {
    return undefined; // not installed (or not when the executable was compiled)
  }
  return typeof pkg?.default === "string" ? pkg.default : undefined;
}

/** True in a checkout of jsonflat's sources (where `zig build` writes zig-out/), false once installed. */
function isSourceCheckout(): boolean {
  return !Bun.isStandaloneExecutable && existsSync(join(import.meta.dir, "..", "..", "build.zig"));
}

/**
 * Where the library is looked for, in order: `JSONFLAT_LIB`, the development build in `zig-out/lib` (in a
 * checkout of the sources only), then the platform package's library (embedded in a compiled executable).
 */
export function libraryCandidates(): string[] {
  const candidates: string[] = [];
  if (process.env.JSONFLAT_LIB) candidates.push(process.env.JSONFLAT_LIB);
  if (isSourceCheckout()) candidates.push(join(import.meta.dir, "..", "..", "zig-out", "lib", LIB_FILE));
  const packaged = platformLibrary();
  if (packaged) candidates.push(packaged);
  return candidates;
}

/**
 * The "not found" message, for whoever meets it: a package user is told which platform package was
 * expected and how to get it; a compiled executable's user, that it was compiled without it; a contributor,
 * how to build. `tried` lists the paths that were missing.
 */
export function notFoundMessage(tried: string[]): string {
  const pkg = platformPackage();
  const known = KNOWN_PACKAGES.includes(pkg);
  const parts = [`jsonflat: native library not found for ${platformWords()}.`];
  if (!known) {
    parts.push(
      `No prebuilt library exists for this platform (packages: ${KNOWN_PACKAGES.join(", ")}):`,
      "build it from jsonflat's sources (`zig build`) and set JSONFLAT_LIB to the file.",
    );
  } else if (Bun.isStandaloneExecutable) {
    parts.push(
      `This executable was compiled without it: install ${pkg}@${VERSION} where you run \`bun build --compile\``,
      `(an optional dependency of jsonflat; for a --target cross-compile: \`bun install --os=<os> --cpu=<cpu> --libc=<libc>\`,`,
      `or \`bun add ${pkg}@${VERSION}\`), then compile again. Or set JSONFLAT_LIB to a ${LIB_FILE}.`,
    );
  } else if (platformLibrary()) {
    parts.push(`The package ${pkg} is installed but its library is missing: reinstall it (\`bun add ${pkg}@${VERSION}\`).`);
  } else {
    parts.push(
      `It comes in the package ${pkg}, an optional dependency of jsonflat ${VERSION}, which is not installed`,
      `(optional dependencies omitted, or installed on another platform and copied here).`,
      `Reinstall with optional dependencies (\`bun install\`), or add it: \`bun add ${pkg}@${VERSION}\`.`,
      `Or set JSONFLAT_LIB to a ${LIB_FILE}.`,
    );
  }
  if (isSourceCheckout()) parts.push("In this checkout of jsonflat: `bash scripts/setup.sh` builds zig-out/lib.");
  if (tried.length) parts.push(`Tried: ${tried.join("; ")}`);
  return parts.join(" ");
}

/** The platform packages scripts/pack.ts writes (its PLATFORMS), by name. */
const KNOWN_PACKAGES = [
  "jsonflat-linux-x64-gnu",
  "jsonflat-linux-arm64-gnu",
  "jsonflat-linux-x64-musl",
  "jsonflat-linux-arm64-musl",
  "jsonflat-darwin-x64",
  "jsonflat-darwin-arm64",
  "jsonflat-win32-x64",
];

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
  jf_index_build: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_index_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_index_get: { args: [FFIType.ptr, FFIType.ptr, FFIType.usize, FFIType.ptr], returns: FFIType.ptr },
  jf_index_by_key: { args: [FFIType.ptr, FFIType.ptr, FFIType.usize, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_index_by_value: { args: [FFIType.ptr, FFIType.ptr, FFIType.usize, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_index_get_stats: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.void },
  jf_shape_compile: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr], returns: FFIType.ptr },
  jf_shape_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_decode: { args: [FFIType.ptr, FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_decode_lines: {
    args: [FFIType.ptr, FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_free_callback_address: { args: [], returns: FFIType.ptr },
  jf_get_alloc_stats: { args: [FFIType.ptr], returns: FFIType.void },
  // Logger and write-ahead log (bindDurable below).
  jf_crc32c: { args: [FFIType.u32, FFIType.ptr, FFIType.usize], returns: FFIType.u32 },
  jf_log_get_config: { args: [FFIType.ptr], returns: FFIType.void },
  jf_log_configure: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_log_set_level: { args: [FFIType.i32], returns: FFIType.i32 },
  jf_log_get_level: { args: [], returns: FFIType.i32 },
  jf_log_open_file: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr], returns: FFIType.i32 },
  jf_log_use_stderr: { args: [], returns: FFIType.void },
  jf_log_write: {
    args: [FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.usize, FFIType.ptr],
    returns: FFIType.i32,
  },
  jf_log_get_stats: { args: [FFIType.ptr], returns: FFIType.void },
  jf_wal_open: { args: [FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.u32 },
  jf_wal_append: { args: [FFIType.u32, FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_append_sync: { args: [FFIType.u32, FFIType.ptr, FFIType.usize, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_sync: { args: [FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_read: { args: [FFIType.u32, FFIType.u64, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_wal_truncate_before: { args: [FFIType.u32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_get_stats: { args: [FFIType.u32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_close: { args: [FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
} as const;

type Loaded = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/**
 * A symbol with its pointer result narrowed: Bun returns a `ptr` as a number (null for NULL), while its
 * typings also allow a bigint. Only results that can be a Pointer change; a u64 result stays a bigint.
 */
type PointerNarrowed<F> = F extends (...args: infer A) => infer R
  ? (...args: A) => Pointer extends R ? Exclude<R, bigint> : R
  : never;

type Symbols = { readonly [K in keyof Loaded]: PointerNarrowed<Loaded[K]> };

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
    let lib: ReturnType<typeof dlopen<typeof SYMBOLS>>;
    try {
      lib = dlopen(path, SYMBOLS);
    } catch (e) {
      // Another platform's library (a package copied between machines, a cross-compiled executable run
      // elsewhere) or a stale build without a symbol: say which file and why, as a JsonFlatError.
      throw new JsonFlatError("IO", `jsonflat: cannot load the native library ${path} on ${platformWords()}: ${(e as Error).message}`);
    }
    const loaded = lib.symbols as unknown as Symbols;
    const symbols = process.env.JSONFLAT_TRACE ? traced(loaded) : loaded;
    return { path, symbols };
  }
  throw new JsonFlatError("IO", notFoundMessage(tried));
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
    indexBuild: (input, o, flags = NO_FLAGS) => {
      encode(o, flags);
      const handle = symbols.jf_index_build(input.byteLength ? input : EMPTY, input.byteLength, options, result);
      if (!handle) throw readError(result, view);
      return { handle, leaves: u64(view, 8), nodes: u64(view, 0) };
    },
    indexFree: (index) => symbols.jf_index_free(index),
    indexGet: (index, path) => {
      const p = symbols.jf_index_get(index, path.byteLength ? path : EMPTY, path.byteLength, result);
      if (!p) throw readError(result, view);
      if (u64(view, 8) === 0) {
        symbols.jf_free(p);
        return { text: undefined, unsafeIntegers: 0 };
      }
      return asText(p, u64(view, 0), { leaves: 1, unsafeIntegers: u64(view, 16) });
    },
    indexFind: (index, by, what, limit) => {
      const fn = by === "key" ? symbols.jf_index_by_key : symbols.jf_index_by_value;
      const p = fn(index, what.byteLength ? what : EMPTY, what.byteLength, limit, result);
      if (!p) throw readError(result, view);
      return asText(p, u64(view, 0), { leaves: u64(view, 8), unsafeIntegers: u64(view, 16) });
    },
    indexStats: (index) => {
      const out = new BigUint64Array(5);
      symbols.jf_index_get_stats(index, out);
      return { nodes: Number(out[0]), leaves: Number(out[1]), keys: Number(out[2]), values: Number(out[3]), bytes: Number(out[4]) };
    },
    compileShape: (plan) => {
      const handle = symbols.jf_shape_compile(plan.byteLength ? plan : EMPTY, plan.byteLength, result);
      if (!handle) throw readError(result, view, 0);
      return handle;
    },
    freeShape: (shape) => symbols.jf_shape_free(shape),
    decode: (shape, input, o) => {
      encode(o, NO_FLAGS);
      const p = symbols.jf_decode(shape, input.byteLength ? input : EMPTY, input.byteLength, options, result);
      if (!p) throw readError(result, view);
      const mismatch = view.getInt32(ERROR_AT, true) !== 0;
      return { text: asText(p, u64(view, 0), { leaves: 0, unsafeIntegers: 0 }).text, mismatch };
    },
    decodeLines: (shape, input, o, lines) => {
      encode(o, NO_FLAGS);
      encodeLines(lines);
      return linesOutput(
        symbols.jf_decode_lines(shape, input.byteLength ? input : EMPTY, input.byteLength, options, linesOptions, linesResult),
      );
    },
    allocStats: () => {
      symbols.jf_get_alloc_stats(stats);
      return { liveBlocks: Number(stats[0]), liveBytes: Number(stats[1]), totalBlocks: Number(stats[2]) };
    },
    ...bindDurable(symbols),
  };
}

/*------------------------------------------------------------------------------
 * Durability: the logger and the write-ahead log (jsonflat.h "Logger", "Write-ahead log")
 *----------------------------------------------------------------------------*/

/**
 * The native logger's settings, as numbers (jf_log_config). `src/core/log.ts` maps names onto them.
 *
 * @example
 * const c = native().logConfig(); native().logConfigure({ ...c, level: 2 }); // warn and above
 */
export interface NativeLogConfig {
  /** 0 debug, 1 info, 2 warn, 3 error, 4 fatal, 5 off. */
  level: number;
  /** Threshold for the library's own records (WAL recovery, ...); 5 silences them. */
  nativeLevel: number;
  /** 0 text, 1 JSON lines. */
  format: number;
  /** 0 auto (FORCE_COLOR, NO_COLOR, terminal), 1 never, 2 always. */
  color: number;
  /** Longest record in bytes, newline included (256 to 1 MiB). */
  maxRecord: number;
}

/**
 * Process-wide logger counters (every thread and worker).
 *
 * @example
 * const { written, truncated } = log.stats();
 */
export interface LogStats {
  /** Records handed to the sink. */
  written: number;
  /** Records below the level. */
  filtered: number;
  /** Records cut to the record bound. */
  truncated: number;
  /** Records the sink refused. */
  failed: number;
}

/**
 * Options of `Wal.open` (jf_wal_options); only the first open of a directory in a process applies them.
 *
 * @example
 * const wal = Wal.open("data/wal", { segmentSize: 16 << 20 });
 */
export interface WalOptions {
  /** Start a new segment file when the next record would pass this many bytes (default 64 MiB, at least 4096). */
  segmentSize?: number;
  /** Largest record accepted, in bytes (default 16 MiB, at most 1 GiB). */
  maxRecord?: number;
  /** Bytes of appended records kept in memory before a write (default 1 MiB). */
  bufferSize?: number;
  /** Keep the records before a corrupt one instead of failing (moves the rest aside to `*.corrupt`). */
  salvage?: boolean;
  /** Create the directory when missing (default true). */
  create?: boolean;
}

/**
 * What opening a write-ahead log found (jf_wal_open_result).
 *
 * @example
 * const { recovery } = Wal.open(dir);
 * if (recovery.tornBytes) console.warn(`cut ${recovery.tornBytes} torn bytes from ${recovery.tornSegment}`);
 */
export interface WalRecovery {
  /** Oldest record kept (equals `nextLsn` when the log is empty). */
  firstLsn: number;
  /** The LSN the next append gets. */
  nextLsn: number;
  /** Records found. */
  records: number;
  /** Segment files. */
  segments: number;
  /** Bytes cut from a torn tail (0: the log was closed cleanly or cut on a record boundary). */
  tornBytes: number;
  /** Where the torn or salvaged segment was cut. */
  tornOffset: number;
  /** File name of the segment cut or salvaged, if any. */
  tornSegment?: string;
  /** With `salvage`: bytes moved aside. */
  salvagedBytes: number;
  /** The directory was already open in this process (another worker): no recovery ran. */
  shared: boolean;
}

/**
 * Counters of one open log, shared by every handle on it (jf_wal_stats).
 *
 * @example
 * const s = wal.stats(); console.log(s.appends / s.syncs, "records per fsync");
 */
export interface WalStats {
  firstLsn: number;
  nextLsn: number;
  /** Last LSN handed to the kernel. */
  writtenLsn: number;
  /** Last LSN known durable. */
  syncedLsn: number;
  appends: number;
  /** fdatasync calls since open. */
  syncs: number;
  bytes: number;
  segments: number;
  /** Open handles on this log in this process. */
  handles: number;
}

/** The logger and write-ahead log part of the native surface. */
export interface DurableNative {
  /** CRC-32C of `data`, continuing from `crc` (0 to start). */
  crc32c(data: Uint8Array, crc?: number): number;
  logConfig(): NativeLogConfig;
  /** Throws `INVALID_OPTION` for a bad value (nothing changes then). */
  logConfigure(config: NativeLogConfig): void;
  /** Sets the level and returns the previous one. */
  logSetLevel(level: number): number;
  logLevel(): number;
  /** Sends records to `path` (O_APPEND); throws `IO` if it cannot be opened. */
  logOpenFile(path: string): void;
  logUseStderr(): void;
  /** Writes one record (`fields`: JSON object text); returns the error instead of throwing. */
  logWrite(level: number, worker: number, message: Uint8Array, fields?: Uint8Array): JsonFlatError | undefined;
  logStats(): LogStats;
  /** Opens (and recovers) a log; the handle is an id, so a stale one gives an `IO` error, never a crash. */
  walOpen(dir: string, options?: WalOptions): { handle: number; recovery: WalRecovery };
  /** Appends a record and returns its LSN; `sync`: wait until it is durable (group commit). */
  walAppend(handle: number, data: Uint8Array, sync: boolean): number;
  walSync(handle: number): void;
  /** Records from `from` on, as the native block copied into JS memory (see jf_wal_read for the layout). */
  walRead(handle: number, from: number, maxBytes: number): { bytes: Uint8Array; records: number; nextLsn: number };
  walTruncateBefore(handle: number, lsn: number): void;
  walStats(handle: number): WalStats;
  walClose(handle: number): void;
}

const WAL_SALVAGE = 1;
const WAL_NO_CREATE = 2;
const WAL_OPEN_RESULT_SIZE = 384;
const WAL_OPEN_ERROR_AT = 128;
const WAL_READ_RESULT_SIZE = 288;
const WAL_READ_ERROR_AT = 32;
const JF_ERROR_SIZE = 256;

/** A jf_error at `at`: the code, the message and (for CORRUPT) the byte offset in the named segment. */
function durableError(bytes: Uint8Array, view: DataView, at: number): JsonFlatError {
  const code = (ERROR_CODES[view.getInt32(at, true)] ?? "IO") as ErrorCode;
  const message = bytes.subarray(at + 24, at + 24 + MESSAGE_SIZE);
  const end = message.indexOf(0);
  const text = decoder.decode(message.subarray(0, end < 0 ? MESSAGE_SIZE : end));
  return new JsonFlatError(code, text, code === "CORRUPT" ? { offset: u64(view, at + 16) } : {});
}

function bindDurable(symbols: Symbols): DurableNative {
  // Scratch structs, each backed by its own ArrayBuffer and passed as a typed array on every call.
  const error = new Uint8Array(new ArrayBuffer(JF_ERROR_SIZE));
  const errorView = new DataView(error.buffer);
  const config = new Uint8Array(new ArrayBuffer(32));
  const configView = new DataView(config.buffer);
  const counters = new BigUint64Array(new ArrayBuffer(80));
  const lsnOut = new BigUint64Array(new ArrayBuffer(8));
  const walOptions = new Uint8Array(new ArrayBuffer(32));
  const walOptionsView = new DataView(walOptions.buffer);
  const openResult = new Uint8Array(new ArrayBuffer(WAL_OPEN_RESULT_SIZE));
  const openView = new DataView(openResult.buffer);
  const readResult = new Uint8Array(new ArrayBuffer(WAL_READ_RESULT_SIZE));
  const readView = new DataView(readResult.buffer);
  const NONE = new Uint8Array(1);

  function check(code: number): void {
    if (code !== 0) throw durableError(error, errorView, 0);
  }

  function setU64(view: DataView, at: number, value: number): void {
    view.setUint32(at, value % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
  }

  function whole(name: string, value: number | undefined, fallback: number): number {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 0, got ${value}`);
    }
    return value;
  }

  return {
    crc32c: (data, crc = 0) => (data.byteLength ? symbols.jf_crc32c(crc >>> 0, data, data.byteLength) >>> 0 : crc >>> 0),
    logConfig: () => {
      symbols.jf_log_get_config(config);
      return {
        level: configView.getInt32(0, true),
        nativeLevel: configView.getInt32(4, true),
        format: configView.getUint32(8, true),
        color: configView.getUint32(12, true),
        maxRecord: configView.getUint32(16, true),
      };
    },
    logConfigure: (c) => {
      config.fill(0);
      configView.setInt32(0, c.level, true);
      configView.setInt32(4, c.nativeLevel, true);
      configView.setUint32(8, c.format, true);
      configView.setUint32(12, c.color, true);
      configView.setUint32(16, c.maxRecord, true);
      check(symbols.jf_log_configure(config, error));
    },
    logSetLevel: (level) => symbols.jf_log_set_level(level),
    logLevel: () => symbols.jf_log_get_level(),
    logOpenFile: (path) => {
      const bytes = encoder.encode(path);
      check(symbols.jf_log_open_file(bytes.byteLength ? bytes : NONE, bytes.byteLength, error));
    },
    logUseStderr: () => symbols.jf_log_use_stderr(),
    logWrite: (level, worker, message, fields) => {
      const code = symbols.jf_log_write(
        level,
        worker,
        message.byteLength ? message : NONE,
        message.byteLength,
        fields?.byteLength ? fields : null,
        fields?.byteLength ?? 0,
        error,
      );
      return code === 0 ? undefined : durableError(error, errorView, 0);
    },
    logStats: () => {
      symbols.jf_log_get_stats(counters);
      return {
        written: Number(counters[0]),
        filtered: Number(counters[1]),
        truncated: Number(counters[2]),
        failed: Number(counters[3]),
      };
    },
    walOpen: (dir, o = {}) => {
      walOptions.fill(0);
      setU64(walOptionsView, 0, whole("segmentSize", o.segmentSize, 0));
      walOptionsView.setUint32(8, (o.salvage ? WAL_SALVAGE : 0) | (o.create === false ? WAL_NO_CREATE : 0), true);
      walOptionsView.setUint32(12, whole("maxRecord", o.maxRecord, 0), true);
      setU64(walOptionsView, 16, whole("bufferSize", o.bufferSize, 0));
      const path = encoder.encode(dir);
      const handle = symbols.jf_wal_open(path.byteLength ? path : NONE, path.byteLength, walOptions, openResult);
      if (!handle) throw durableError(openResult, openView, WAL_OPEN_ERROR_AT);
      const name = openResult.subarray(64, 128);
      const nameEnd = name.indexOf(0);
      const tornSegment = decoder.decode(name.subarray(0, nameEnd < 0 ? 64 : nameEnd));
      const recovery: WalRecovery = {
        firstLsn: u64(openView, 0),
        nextLsn: u64(openView, 8),
        records: u64(openView, 16),
        segments: u64(openView, 24),
        tornBytes: u64(openView, 32),
        tornOffset: u64(openView, 40),
        salvagedBytes: u64(openView, 48),
        shared: openView.getUint32(56, true) !== 0,
      };
      if (tornSegment) recovery.tornSegment = tornSegment;
      return { handle, recovery };
    },
    walAppend: (handle, data, sync) => {
      const fn = sync ? symbols.jf_wal_append_sync : symbols.jf_wal_append;
      check(fn(handle, data.byteLength ? data : NONE, data.byteLength, lsnOut, error));
      return Number(lsnOut[0]);
    },
    walSync: (handle) => check(symbols.jf_wal_sync(handle, error)),
    walRead: (handle, from, maxBytes) => {
      const p = symbols.jf_wal_read(handle, from, maxBytes, readResult);
      if (!p) throw durableError(readResult, readView, WAL_READ_ERROR_AT);
      const length = u64(readView, 0);
      // Copied into JS memory and freed at once: reads are bounded by maxBytes and the copy is cheap next to disk I/O.
      const bytes = length ? new Uint8Array(toArrayBuffer(p, 0, length)).slice() : new Uint8Array(0);
      symbols.jf_free(p);
      return { bytes, records: u64(readView, 8), nextLsn: u64(readView, 16) };
    },
    walTruncateBefore: (handle, lsn) => check(symbols.jf_wal_truncate_before(handle, lsn, error)),
    walStats: (handle) => {
      check(symbols.jf_wal_get_stats(handle, counters, error));
      const n = (i: number) => Number(counters[i]);
      return {
        firstLsn: n(0),
        nextLsn: n(1),
        writtenLsn: n(2),
        syncedLsn: n(3),
        appends: n(4),
        syncs: n(5),
        bytes: n(6),
        segments: n(7),
        handles: n(8),
      };
    },
    walClose: (handle) => check(symbols.jf_wal_close(handle, error)),
  };
}

let instance: Native | undefined;

/**
 * The loaded library, opened on first use (set `JSONFLAT_LIB` to load a specific build, `JSONFLAT_TRACE=1`
 * to log every native call with its duration).
 *
 * @example
 * native().version() // the C library's JF_VERSION_STRING, equal to core/version's VERSION
 */
export function native(): Native {
  if (!instance) {
    const { path, symbols } = open();
    instance = bind(path, symbols);
  }
  return instance;
}
