/**
 * @module native/ffi — the only file that imports `bun:ffi`: where the C library is looked for (JSONFLAT_LIB,
 * zig-out, the platform package), dlopen with the one symbol table, the JSONFLAT_TRACE call log, and the
 * helpers that turn a returned pointer and length into JS bytes or text.
 */
import { CString, dlopen, FFIType, suffix, toArrayBuffer, type Pointer } from "bun:ffi";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { JsonFlatError } from "../core/errors";
import { VERSION } from "../core/version";
import type { DocStreamHandle, IndexHandle, QueryHandle, ShapeHandle } from "./handle";

export type { Pointer };

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

/**
 * Whether a file is at `path`. Not `Bun.file(path).size`, though it would spare the CLI's start loading
 * `node:fs`: under qemu (the aarch64 CI stage) it hung four Workers loading the library at once.
 */
function exists(path: string): boolean {
  return existsSync(path);
}

/** True in a checkout of jsonflat's sources (where `zig build` writes zig-out/), false once installed. */
function isSourceCheckout(): boolean {
  return !Bun.isStandaloneExecutable && exists(join(import.meta.dir, "..", "..", "build.zig"));
}

/**
 * The candidates of `libraryCandidates()` one by one: the platform package (a `require` and, on Linux, a libc
 * probe) is only looked for when no earlier candidate was taken.
 */
function* candidatePaths(): Generator<string> {
  if (process.env.JSONFLAT_LIB) yield process.env.JSONFLAT_LIB;
  if (isSourceCheckout()) yield join(import.meta.dir, "..", "..", "zig-out", "lib", LIB_FILE);
  const packaged = platformLibrary();
  if (packaged) yield packaged;
}

/**
 * Where the library is looked for, in order: `JSONFLAT_LIB`, the development build in `zig-out/lib` (in a
 * checkout of the sources only), then the platform package's library (embedded in a compiled executable).
 *
 * @example
 * libraryCandidates() // ["/home/me/jsonflat/zig-out/lib/libjsonflat.so", ...] in a checkout
 */
export function libraryCandidates(): string[] {
  return [...candidatePaths()];
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

/**
 * size_t: a u64 on every target Bun ships (all 64-bit). `FFIType.usize` is the same code (8) at run time, but
 * Bun's typings lack it, and this table's type reaches the shipped declarations (types/native/ffi.d.ts).
 */
const usize = FFIType.u64;

const SYMBOLS = {
  jf_version: { args: [], returns: FFIType.cstring },
  jf_flatten: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_unflatten: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_flatten_lines: {
    args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_unflatten_lines: {
    args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_count_newlines: { args: [FFIType.ptr, usize], returns: FFIType.f64 },
  jf_query_compile: { args: [FFIType.ptr, usize, FFIType.ptr], returns: FFIType.ptr },
  jf_query_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_search: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_search_lines: {
    args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  jf_index_build: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_index_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_index_get: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr], returns: FFIType.ptr },
  jf_index_by_key: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_index_by_value: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_index_get_stats: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.void },
  jf_shape_compile: { args: [FFIType.ptr, usize, FFIType.ptr], returns: FFIType.ptr },
  jf_shape_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_decode: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_decode_lines: {
    args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.ptr,
  },
  // Tables: CSV and TSV out (native/table.ts).
  jf_table_compile: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_table_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_table_lines: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_table_document: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr], returns: FFIType.ptr },
  jf_table_unspool: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.i32, FFIType.ptr], returns: FFIType.ptr },
  jf_doc_stream_new: { args: [FFIType.ptr, FFIType.ptr, FFIType.u64, FFIType.ptr], returns: FFIType.ptr },
  jf_doc_stream_feed: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr], returns: FFIType.ptr },
  jf_doc_stream_finish: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_doc_stream_free: { args: [FFIType.ptr], returns: FFIType.void },
  // One document split at an array's elements (native/split.ts).
  jf_split_scan: {
    args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr, usize, FFIType.u64, FFIType.ptr, usize, FFIType.ptr],
    returns: FFIType.i32,
  },
  jf_doc_stream_descend_at: { args: [FFIType.ptr, FFIType.ptr, usize, FFIType.ptr], returns: FFIType.i32 },
  jf_doc_stream_resume: {
    args: [FFIType.ptr, FFIType.ptr, usize, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.ptr],
    returns: FFIType.i32,
  },
  jf_doc_stream_pause: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.ptr },
  jf_free: { args: [FFIType.ptr], returns: FFIType.void },
  jf_free_callback_address: { args: [], returns: FFIType.ptr },
  jf_get_alloc_stats: { args: [FFIType.ptr], returns: FFIType.void },
  jf_abi_layout: { args: [], returns: FFIType.cstring },
  // Logger and write-ahead log (native/durable.ts).
  jf_crc32c: { args: [FFIType.u32, FFIType.ptr, usize], returns: FFIType.u32 },
  jf_log_get_config: { args: [FFIType.ptr], returns: FFIType.void },
  jf_log_configure: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_log_set_level: { args: [FFIType.i32], returns: FFIType.i32 },
  jf_log_get_level: { args: [], returns: FFIType.i32 },
  jf_log_open_file: { args: [FFIType.ptr, usize, FFIType.ptr], returns: FFIType.i32 },
  jf_log_use_stderr: { args: [], returns: FFIType.void },
  jf_log_write: {
    args: [FFIType.i32, FFIType.i32, FFIType.ptr, usize, FFIType.ptr, usize, FFIType.ptr],
    returns: FFIType.i32,
  },
  jf_log_get_stats: { args: [FFIType.ptr], returns: FFIType.void },
  jf_wal_open: { args: [FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.u32 },
  jf_wal_append: { args: [FFIType.u32, FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  jf_wal_append_sync: { args: [FFIType.u32, FFIType.ptr, usize, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
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

type Narrowed = { readonly [K in keyof Loaded]: PointerNarrowed<Loaded[K]> };

/** The symbols that take or return a native object, with its kind's handle type instead of a bare Pointer. */
interface HandleSymbols {
  jf_query_compile(query: Uint8Array, length: number, error: Uint8Array): QueryHandle | null;
  jf_query_free(query: QueryHandle): void;
  jf_search(input: Uint8Array, length: number, query: QueryHandle, options: Uint8Array, result: Uint8Array): Pointer | null;
  jf_search_lines(
    input: Uint8Array,
    length: number,
    query: QueryHandle,
    options: Uint8Array,
    linesOptions: Uint8Array,
    linesResult: Uint8Array,
  ): Pointer | null;
  jf_index_build(input: Uint8Array, length: number, options: Uint8Array, result: Uint8Array): IndexHandle | null;
  jf_index_free(index: IndexHandle): void;
  jf_index_get(index: IndexHandle, path: Uint8Array, length: number, result: Uint8Array): Pointer | null;
  jf_index_by_key(index: IndexHandle, key: Uint8Array, length: number, limit: number, result: Uint8Array): Pointer | null;
  jf_index_by_value(index: IndexHandle, value: Uint8Array, length: number, limit: number, result: Uint8Array): Pointer | null;
  jf_index_get_stats(index: IndexHandle, out: Uint8Array): void;
  jf_shape_compile(plan: Uint8Array, length: number, error: Uint8Array): ShapeHandle | null;
  jf_shape_free(shape: ShapeHandle): void;
  jf_doc_stream_new(options: Uint8Array, query: QueryHandle | null, chunkBytes: number, error: Uint8Array): DocStreamHandle | null;
  jf_doc_stream_feed(stream: DocStreamHandle, chunk: Uint8Array, length: number, result: Uint8Array): Pointer | null;
  jf_doc_stream_finish(stream: DocStreamHandle, result: Uint8Array): Pointer | null;
  jf_doc_stream_free(stream: DocStreamHandle): void;
  jf_split_scan(
    doc: Uint8Array,
    length: number,
    from: BigUint64Array | null,
    path: Uint8Array | null,
    pathLength: number,
    rangeBytes: number,
    cuts: BigUint64Array,
    maxCuts: number,
    plan: Uint8Array,
  ): number;
  jf_doc_stream_descend_at(stream: DocStreamHandle, opens: BigUint64Array, count: number, error: Uint8Array): number;
  jf_doc_stream_resume(
    stream: DocStreamHandle,
    path: Uint8Array,
    pathLength: number,
    firstIndex: number,
    offset: number,
    line: number,
    column: number,
    error: Uint8Array,
  ): number;
  jf_doc_stream_pause(stream: DocStreamHandle, result: Uint8Array): Pointer | null;
  jf_decode(shape: ShapeHandle, input: Uint8Array, length: number, options: Uint8Array, result: Uint8Array): Pointer | null;
  jf_decode_lines(
    shape: ShapeHandle,
    input: Uint8Array,
    length: number,
    options: Uint8Array,
    linesOptions: Uint8Array,
    linesResult: Uint8Array,
  ): Pointer | null;
}

/**
 * The library's functions as TypeScript sees them: argument and result types from SYMBOLS, except that a
 * native object travels as its branded handle (native/handle.ts).
 */
export type Symbols = Omit<Narrowed, keyof HandleSymbols> & { readonly [K in keyof HandleSymbols]: HandleSymbols[K] };

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

/**
 * Loads the first library of `libraryCandidates()` that exists (never closed: a buffer finalizer running
 * after dlclose would jump into unmapped code); with JSONFLAT_TRACE set, every call is logged.
 */
export function openLibrary(): { path: string; symbols: Symbols } {
  const tried: string[] = [];
  for (const path of candidatePaths()) {
    if (!exists(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
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
 * Native memory to JS values
 *----------------------------------------------------------------------------*/

const decoder = new TextDecoder();
const SMALL_TEXT = 256;
/** Stands in for an empty input: C gets a valid pointer with length 0 (an empty typed array has none). */
const EMPTY = new Uint8Array(1);

/**
 * `bytes` as a call argument: itself, or a 1-byte stand-in when it is empty (pass `bytes.byteLength` as the
 * length either way).
 */
export function nonEmpty(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength ? bytes : EMPTY;
}

/** `length` bytes at `p` copied into a new JS-owned Uint8Array (`length` 0 is allowed). */
export function copyBytes(p: Pointer, length: number, into: Uint8Array = new Uint8Array(length)): Uint8Array {
  if (length) into.set(new Uint8Array(toArrayBuffer(p, 0, length))); // toArrayBuffer refuses length 0
  return into;
}

/**
 * The block at `p` as an ArrayBuffer without a copy; `deallocator` (jf_free_callback's address) runs when the
 * buffer is collected or transferred away. `length` must be > 0.
 */
export function adoptBytes(p: Pointer, length: number, deallocator: Pointer): ArrayBuffer {
  return toArrayBuffer(p, 0, length, deallocator);
}

/** `length` bytes of UTF-8 at `p` as a string (the caller still frees the block). */
export function textAt(p: Pointer, length: number): string {
  // CString is cheapest for a few bytes; TextDecoder is far faster once there is more than a line.
  return length <= SMALL_TEXT ? String(new CString(p, 0, length)) : decoder.decode(new Uint8Array(toArrayBuffer(p, 0, length)));
}
