/**
 * @module native/query — queries over documents: compiled search queries (one document or an NDJSON chunk)
 * and path indexes (build once, look up many times). Both are native objects held by branded handles.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type LinesCall, type LinesOutput, type NativeBytes, type NativeCallFlags, type NativeOutput } from "./call";
import type { IndexHandle, QueryHandle } from "./handle";
import { LAYOUT, readError, Struct, u64 } from "./layout";

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

/** The search and path index part of the native surface (jsonflat.h "Search", "Path index"). */
export interface QueryNative {
  /** Compiles a search query (JSON bytes); the handle is freed with `freeQuery` (idempotent in `Query`). */
  compileQuery(query: Uint8Array): QueryHandle;
  freeQuery(query: QueryHandle): void;
  /** Hits of one document, one `["path",value]` line each (with `sharedHits`, JSONPath only: one shared array). */
  searchBytes(input: Uint8Array, query: QueryHandle, options: ResolvedOptions, flags?: NativeCallFlags): NativeBytes & NativeOutput;
  /** Hits of an NDJSON chunk, one `[line,"path",value]` line each. */
  searchLines(input: Uint8Array, query: QueryHandle, options: ResolvedOptions, lines: LinesCall): NativeBytes & LinesOutput;
  /** Parses and indexes one document (jf_index_build); the handle is freed with `indexFree`. */
  indexBuild(input: Uint8Array, options: ResolvedOptions, flags?: NativeCallFlags): { handle: IndexHandle; leaves: number; nodes: number };
  indexFree(index: IndexHandle): void;
  /** The value at a path as JSON text, or undefined when the path is not in the index. */
  indexGet(index: IndexHandle, path: Uint8Array): { text: string | undefined; unsafeIntegers: number };
  /** Leaves by short key or by value, as `[["path",value],...]` text. */
  indexFind(index: IndexHandle, by: "key" | "value", what: Uint8Array, limit: number): { text: string; unsafeIntegers: number };
  indexStats(index: IndexHandle): IndexStats;
}

const R = LAYOUT.jf_result.fields;
const S = LAYOUT.jf_index_stats.fields;

/**
 * The search and index calls of one loaded library.
 *
 * @example
 * const q = queryCalls(calls).compileQuery(new TextEncoder().encode('{"key":"id"}'));
 */
export function queryCalls(c: Calls): QueryNative {
  const { symbols, options, result } = c;
  const view = result.view;
  const stats = new Struct(LAYOUT.jf_index_stats);
  return {
    compileQuery: (query) => {
      // jf_query_compile fills a bare jf_error: it sits at the start of the scratch result struct.
      return c.compiled(symbols.jf_query_compile(c.input(query), query.byteLength, result.bytes));
    },
    freeQuery: (query) => symbols.jf_query_free(query),
    searchBytes: (input, query, o, flags = NO_FLAGS) => {
      c.encode(o, flags);
      return c.asBytes(...c.resultOf(symbols.jf_search(c.input(input), input.byteLength, query, options.bytes, result.bytes)));
    },
    searchLines: (input, query, o, lines) =>
      c.runLines(input, o, NO_FLAGS, lines, (text, length, opts, lo, lr) => symbols.jf_search_lines(text, length, query, opts, lo, lr)),
    indexBuild: (input, o, flags = NO_FLAGS) => {
      c.encode(o, flags);
      const handle = symbols.jf_index_build(c.input(input), input.byteLength, options.bytes, result.bytes);
      if (!handle) throw readError(result, R.error);
      // On success `length` holds the number of nodes.
      return { handle, leaves: u64(view, R.leaves), nodes: u64(view, R.length) };
    },
    indexFree: (index) => symbols.jf_index_free(index),
    indexGet: (index, path) => {
      const p = symbols.jf_index_get(index, c.input(path), path.byteLength, result.bytes);
      if (!p) throw readError(result, R.error);
      // `leaves` is 1 when the path exists, 0 (with an empty block) when it does not.
      if (u64(view, R.leaves) === 0) {
        symbols.jf_free(p);
        return { text: undefined, unsafeIntegers: 0 };
      }
      return c.asText(p, u64(view, R.length), { leaves: 1, unsafeIntegers: u64(view, R.unsafe_integers) });
    },
    indexFind: (index, by, what, limit) => {
      const fn = by === "key" ? symbols.jf_index_by_key : symbols.jf_index_by_value;
      return c.asText(...c.resultOf(fn(index, c.input(what), what.byteLength, limit, result.bytes)));
    },
    indexStats: (index) => {
      symbols.jf_index_get_stats(index, stats.bytes);
      const v = stats.view;
      return { nodes: u64(v, S.nodes), leaves: u64(v, S.leaves), keys: u64(v, S.keys), values: u64(v, S.values), bytes: u64(v, S.bytes) };
    },
  };
}
