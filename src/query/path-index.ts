/**
 * @module query/path-index — a native index over one large document: full path → value, short key → leaves and
 * value → leaves, built once and queried many times without parsing again.
 */
import { JsonFlatError } from "../core/errors";
import { toBytes, type JsonInput } from "../core/input";
import { native, type IndexHandle, type IndexStats, type NativeCallFlags } from "../native";
import { NativeHandle } from "../native/handle";
import { resolveOptions, type BigIntMode, type PathStyle, type ResolvedOptions } from "../core/options";
import { markedEntries } from "../core/results";

/**
 * Options of `pathIndex`: how paths are spelled (in and out) and how big integers come back.
 *
 * @example
 * const options: IndexOptions = { style: "pointer", bigint: "bigint" };
 */
export interface IndexOptions {
  style?: PathStyle;
  delimiter?: string;
  maxNesting?: number;
  bigint?: BigIntMode;
  replaceInvalidUtf8?: boolean;
}

/**
 * A lookup limit.
 *
 * @example
 * idx.byKey("id", { limit: 10 });
 */
export interface LookupOptions {
  /** At most this many hits (default: all). */
  limit?: number;
}

const PLAIN: NativeCallFlags = Object.freeze({});
const EXACT: NativeCallFlags = Object.freeze({ bigintAsString: true });
const MARKED: NativeCallFlags = Object.freeze({ bigintAsString: true, bigintMark: true });
const encoder = new TextEncoder();

function keepBigInts(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? JSON.rawJSON(value.toString()) : value;
}

function limitOf(options: LookupOptions | undefined): number {
  const limit = options?.limit;
  if (limit === undefined) return 0;
  if (Number.isSafeInteger(limit) && limit >= 1) return limit;
  throw new JsonFlatError("INVALID_OPTION", `limit must be a whole number ≥ 1, got ${String(limit)}`);
}

/**
 * A parsed document and its lookup tables in native memory. Freed when collected, or at once with
 * `dispose()` (`using` works too). Paths are in the style the index was built with.
 *
 * @example
 * using idx = pathIndex(await Bun.file("twitter.json").bytes());
 * idx.get("statuses[0].user.screen_name") // "ayuu0123"
 * idx.byKey("screen_name").length         // 100 (leaves named screen_name, in document order)
 * idx.byValue(false)                      // [["statuses[0].truncated", false], …]
 */
export class PathIndex extends NativeHandle<IndexHandle> {
  /** Leaves in the document (what `flattenEntries` would list). */
  readonly size: number;
  /** Values with a path: containers and leaves. */
  readonly nodes: number;
  private readonly options: ResolvedOptions;

  constructor(input: JsonInput, options?: IndexOptions) {
    super("index");
    this.options = resolveOptions(options);
    const flags = this.options.bigint === "bigint" ? MARKED : this.options.bigint === "string" ? EXACT : PLAIN;
    const built = native().indexBuild(toBytes(input), this.options, flags);
    this.attach(built.handle, (handle) => native().indexFree(handle));
    this.size = built.leaves;
    this.nodes = built.nodes;
  }

  /**
   * The value at `path` (a leaf, or a whole object or array), or `undefined` when no value has that path.
   *
   * @example
   * pathIndex('{"a":{"b":[1,2]}}').get("a.b") // [1, 2]
   */
  get(path: string): unknown {
    const { text, unsafeIntegers } = native().indexGet(this.handle, encoder.encode(path));
    if (text === undefined) return undefined;
    const value: unknown = JSON.parse(text);
    // A big integer leaf came back as a string; inside a whole subtree such integers stay strings.
    return this.options.bigint === "bigint" && unsafeIntegers > 0 && typeof value === "string" ? BigInt(value) : value;
  }

  /**
   * Whether some value has `path`.
   *
   * @example
   * pathIndex('{"a":null}').has("a") // true
   */
  has(path: string): boolean {
    return native().indexGet(this.handle, encoder.encode(path)).text !== undefined;
  }

  /**
   * The leaves whose short key (last member name) is `key`, as `[path, value]` in document order — the same
   * as `search(doc, { key })`.
   *
   * @example
   * pathIndex('{"a":{"id":1},"b":[{"id":2}]}').byKey("id") // [["a.id", 1], ["b[0].id", 2]]
   */
  byKey(key: string, options?: LookupOptions): [string, unknown][] {
    return this.entries(native().indexFind(this.handle, "key", encoder.encode(key), limitOf(options)));
  }

  /**
   * The leaves equal to `value` (by type, then value: `"1"` ≠ `1`, `1` = `1.0`), as `[path, value]` in
   * document order — the same as `search(doc, { value })`.
   *
   * @example
   * pathIndex('{"a":1,"b":"1","c":1.0}').byValue(1) // [["a", 1], ["c", 1]]
   */
  byValue(value: unknown, options?: LookupOptions): [string, unknown][] {
    const text = JSON.stringify(value, keepBigInts);
    if (text === undefined) throw new JsonFlatError("INVALID_OPTION", `value of type ${typeof value} is not JSON`);
    return this.entries(native().indexFind(this.handle, "value", encoder.encode(text), limitOf(options)));
  }

  /**
   * Sizes of the index (nodes, leaves, distinct keys and values, native bytes of the tables).
   *
   * @example
   * pathIndex(doc).stats().bytes
   */
  stats(): IndexStats {
    return native().indexStats(this.handle);
  }

  private entries(found: { text: string; unsafeIntegers: number }): [string, unknown][] {
    if (this.options.bigint === "bigint" && found.unsafeIntegers > 0) return markedEntries(found.text);
    return JSON.parse(found.text);
  }
}

/**
 * Parses `input` once and indexes every value by full path, every leaf by short key and by value, in native
 * memory; lookups then cost a hash probe instead of a parse.
 *
 * @example
 * const idx = pathIndex(bytes, { style: "pointer" });
 * idx.get("/statuses/0/id") // 505874924095815700
 * idx.dispose();
 */
export function pathIndex(input: JsonInput, options?: IndexOptions): PathIndex {
  return new PathIndex(input, options);
}
