/**
 * @module native — the FFI layer (`jsonflat/native`): the lazily loaded library as one typed object,
 * `native()`. Inside: ffi.ts (the only `bun:ffi` import), layout.ts (every struct's ABI layout), handle.ts
 * (native objects), call.ts (scratch structs and results), and one file per concept of calls.
 */
import { Calls } from "./call";
import { docStreamCalls, type DocStreamNative } from "./doc-stream";
import { documentCalls, type DocumentNative } from "./document";
import { durableCalls, type DurableNative } from "./durable";
import { openLibrary, type Symbols } from "./ffi";
import { LAYOUT, Struct, u64 } from "./layout";
import { linesCalls, type LinesNative } from "./lines";
import { queryCalls, type QueryNative } from "./query";
import { shapeCalls, type ShapeNative } from "./shape";
import { splitCalls, type SplitNative } from "./split";
import { tableCalls, type TableNative } from "./table";

export type { LinesCall, LinesOutput, NativeBytes, NativeCallFlags, NativeFormat, NativeOutput } from "./call";
export type { DocStreamNative, DocStreamOutput, OutputBuffer } from "./doc-stream";
export type { DocumentNative } from "./document";
export type { DurableNative, LogStats, NativeLogConfig, WalOptions, WalRecovery, WalStats } from "./durable";
export { libraryCandidates, notFoundMessage, platformPackage } from "./ffi";
export type { DocStreamHandle, Handle, IndexHandle, QueryHandle, ShapeHandle } from "./handle";
export { LAYOUT, type StructLayout, type StructName } from "./layout";
export type { LinesNative } from "./lines";
export type { IndexStats, QueryNative } from "./query";
export type { ShapeNative } from "./shape";
export type { SplitCut, SplitNative, SplitPlan } from "./split";
export type { TableHandle, TableNative } from "./table";

/** Live native allocations, for leak tests. */
export interface AllocStats {
  liveBlocks: number;
  liveBytes: number;
  totalBlocks: number;
}

/** The typed surface of the C library: one object, grouped by concept. */
export interface Native extends DocumentNative, LinesNative, QueryNative, ShapeNative, DurableNative, TableNative, DocStreamNative, SplitNative {
  /** Absolute path of the loaded library. */
  readonly path: string;
  /** The C library's version string. */
  version(): string;
  /** Process-wide live allocation counters of the library. */
  allocStats(): AllocStats;
  /** The C compiler's view of every boundary struct, as JSON text (jf_abi_layout): what LAYOUT must equal. */
  abiLayout(): string;
}

const A = LAYOUT.jf_alloc_stats.fields;

/** Every call of one loaded library, sharing its scratch state. */
function createNative(path: string, symbols: Symbols): Native {
  const calls = new Calls(symbols);
  const alloc = new Struct(LAYOUT.jf_alloc_stats);
  return {
    path,
    version: () => String(symbols.jf_version()),
    allocStats: () => {
      symbols.jf_get_alloc_stats(alloc.bytes);
      const v = alloc.view;
      return { liveBlocks: u64(v, A.live_blocks), liveBytes: u64(v, A.live_bytes), totalBlocks: u64(v, A.total_blocks) };
    },
    abiLayout: () => String(symbols.jf_abi_layout()),
    ...documentCalls(calls),
    ...linesCalls(calls),
    ...queryCalls(calls),
    ...shapeCalls(calls),
    ...tableCalls(calls),
    ...durableCalls(symbols),
    ...docStreamCalls(calls),
    ...splitCalls(calls),
  };
}

let instance: Native | undefined;

/**
 * The loaded library, opened on first use (set `JSONFLAT_LIB` to load a specific build, `JSONFLAT_TRACE=1`
 * to log every native call with its duration). Not part of the main entry: import it from `jsonflat/native`.
 *
 * @example
 * import { native } from "jsonflat/native";
 * native().version() // the C library's JF_VERSION_STRING, equal to core/version's VERSION
 * native().allocStats().liveBlocks // 0 when nothing native is alive
 */
export function native(): Native {
  if (!instance) {
    const { path, symbols } = openLibrary();
    instance = createNative(path, symbols);
  }
  return instance;
}
