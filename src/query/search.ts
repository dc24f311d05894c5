/**
 * @module query/search — find leaves by path glob, short key and value (SPEC section 6), natively, in one document
 * or an NDJSON stream of any size.
 */
import { JsonFlatError } from "../core/errors";
import { toBytes, type JsonInput } from "../core/input";
import { native, type NativeBytes, type NativeCallFlags, type NativeOutput, type QueryHandle } from "../native";
import { NativeHandle } from "../native/handle";
import { streamChunks, type ByteRange, type Source, type StreamOptions } from "../lines/index";
import { numberedOutputs } from "../lines/placed";
import { resolveOptions, type PathStyle } from "../core/options";
import { sharedHits } from "./shared-hits";

const SHARED_HITS: NativeCallFlags = Object.freeze({ sharedHits: true });

/**
 * What to look for; every field given must hold.
 *
 * @example
 * const q: SearchQuery = { path: "statuses[*].user.**.url", key: "url", limit: 10 };
 */
export interface SearchQuery {
  /**
   * A js-style path or glob: `*` one member name, `[*]` any index, `**` any number of segments. At most
   * `QUERY_LIMITS.pathBytes` bytes and `QUERY_LIMITS.segments` segments (runs of `**` count once).
   */
  path?: string;
  /** The short key: the last member name of the path. */
  key?: string;
  /**
   * The leaf's value, compared by type and exact value (`"1"` ≠ `1`; `1`, `1.0` and `1e0` are equal). A number
   * beyond a double (`1e400`, 20-digit integers) is exact given as `JSON.rawJSON(text)` or a `bigint`.
   */
  value?: unknown;
  /**
   * An RFC 9535 JSONPath (`$.store.book[?@.price < 10].title`), run natively; a query of its own (no `path`,
   * `key` or `value` with it). Hits are every selected node, containers too, in the RFC's order, each path
   * the node's normalized path (`$['store']['book'][0]['title']`) whatever the `style`. Bounded by
   * `JSONPATH_LIMITS`; a bad one is `INVALID_OPTION` with `offset`/`line`/`column` placed in the JSONPath.
   */
  jsonpath?: string;
  /** Stop after this many hits. */
  limit?: number;
}

/** Options of the search calls: the path style of the hits, and how documents are read. */
export interface SearchOptions {
  style?: PathStyle;
  delimiter?: string;
  maxNesting?: number;
  replaceInvalidUtf8?: boolean;
}

/** One hit: its path, its value, and in a stream its line number. */
export interface Hit {
  path: string;
  value: unknown;
  line?: number;
}

/**
 * Limits of a query (the C header's `JF_QUERY_MAX_*`): over one, compiling throws `INVALID_OPTION` naming it.
 * `segments` counts the glob's segments once runs of `**` are collapsed to one (`**.**.a` is `**.a`).
 *
 * @example
 * compileQuery({ path: "**.".repeat(30_000) + "id" }) // throws INVALID_OPTION: path is 90002 bytes, over the limit of 65536
 */
export const QUERY_LIMITS = Object.freeze({ bytes: 1 << 20, pathBytes: 64 << 10, segments: 1024 });

/**
 * Limits of a JSONPath query (the C header's `JF_JSONPATH_*`): its bytes, the nesting of its filter expressions
 * (a level per filter, parenthesis, `!`, function call; and per regex group), a `match`/`search` pattern's bytes
 * and automaton states; evaluation stops with `INVALID_OPTION` past `max(minSteps, stepsPerValue × the
 * document's values)` steps (one per node visited, selected or compared, and per path segment and value
 * written), so time and output are bounded whatever the query.
 *
 * @example
 * compileQuery({ jsonpath: "$" + "[?(@".repeat(40) + ")]".repeat(40) }) // throws INVALID_OPTION: nests deeper than JF_JSONPATH_MAX_NESTING
 */
export const JSONPATH_LIMITS = Object.freeze({
  bytes: 64 << 10,
  nesting: 64,
  regexBytes: 4096,
  regexStates: 10_000,
  minSteps: 1 << 22,
  stepsPerValue: 32,
});

/** Throws before any work for what the native compiler would refuse anyway, or what JSON cannot say exactly. */
function checkQuery(query: SearchQuery): void {
  if (query.limit !== undefined && !(Number.isSafeInteger(query.limit) && query.limit >= 1)) {
    throw new JsonFlatError("INVALID_OPTION", `limit must be a whole number ≥ 1, got ${query.limit}`);
  }
  // A UTF-16 unit is at least one UTF-8 byte: a string longer in units is longer in bytes, no encoding needed.
  if (typeof query.path === "string" && query.path.length > QUERY_LIMITS.pathBytes) {
    const bytes = Buffer.byteLength(query.path);
    throw new JsonFlatError("INVALID_OPTION", `invalid query: path is ${bytes} bytes, over the limit of ${QUERY_LIMITS.pathBytes} (JF_QUERY_MAX_PATH_BYTES)`);
  }
  if (typeof query.jsonpath === "string" && query.jsonpath.length > JSONPATH_LIMITS.bytes) {
    const bytes = Buffer.byteLength(query.jsonpath);
    throw new JsonFlatError("INVALID_OPTION", `invalid JSONPath: ${bytes} bytes, over the limit of ${JSONPATH_LIMITS.bytes} (JF_JSONPATH_MAX_BYTES)`);
  }
  const value = query.value;
  if (typeof value === "number" && !Number.isFinite(value)) {
    // JSON.stringify would write null and find the nulls: ask for the exact text instead.
    throw new JsonFlatError("INVALID_OPTION", `value ${value} is not a JSON number; pass its text, e.g. JSON.rawJSON("1e400")`);
  }
  if (typeof value === "function" || typeof value === "symbol") {
    // JSON.stringify would drop the field and the query would match every leaf.
    throw new JsonFlatError("INVALID_OPTION", `value must be JSON data, got a ${typeof value}`);
  }
}

function keepBigInts(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? JSON.rawJSON(value.toString()) : value;
}

/**
 * A query compiled once in the native core and reusable for any number of documents. Freed when collected,
 * or at once with `dispose()`.
 *
 * @example
 * using ids = compileQuery({ key: "id" });
 * for (const doc of docs) console.log(search(doc, ids).count);
 */
export class Query extends NativeHandle<QueryHandle> {
  readonly query: SearchQuery;

  constructor(query: SearchQuery) {
    super("query");
    checkQuery(query);
    this.query = query;
    const text = JSON.stringify(query, keepBigInts);
    this.attach(native().compileQuery(new TextEncoder().encode(text)), (handle) => native().freeQuery(handle));
  }

  /** The native handle; throws once disposed. */
  get pointer(): QueryHandle {
    return this.handle;
  }
}

/**
 * Compiles a query for reuse (a glob is parsed once, not per document).
 *
 * @example
 * const q = compileQuery({ path: "a.**.id" });
 */
export function compileQuery(query: SearchQuery): Query {
  return new Query(query);
}

function withQuery<T>(query: SearchQuery | Query, use: (q: Query) => T): T {
  if (query instanceof Query) return use(query);
  const compiled = new Query(query);
  try {
    return use(compiled);
  } finally {
    compiled.dispose();
  }
}

/**
 * The hits of one document as JSON lines `["path",value]\n` in native memory (zero copy).
 *
 * @example
 * await Bun.write("hits.ndjson", searchBytes(doc, { key: "id" }));
 */
export function searchBytes(input: JsonInput, query: SearchQuery | Query, options?: SearchOptions): NativeBytes & NativeOutput {
  const o = resolveOptions(options);
  return withQuery(query, (q) => native().searchBytes(toBytes(input), q.pointer, o));
}

function parseHits(text: string): unknown[][] {
  const hits: unknown[][] = [];
  for (const line of text.split("\n")) if (line) hits.push(JSON.parse(line));
  return hits;
}

/**
 * The leaves of one document that match `query`, in document order, as `[path, value]` pairs and a count.
 * JSONPath hits are nodes, containers too: a selected container inside another selected one is the same
 * object in both hits (as JavaScript JSONPath libraries return references into one parsed document).
 *
 * @example
 * search('{"a":{"id":1},"b":[{"id":2}]}', { key: "id" })
 * // { hits: [["a.id", 1], ["b[0].id", 2]], count: 2 }
 */
export function search(
  input: JsonInput,
  query: SearchQuery | Query,
  options?: SearchOptions,
): { hits: [string, unknown][]; count: number } {
  const o = resolveOptions(options);
  return withQuery(query, (q) => {
    // JSONPath hits come as one array sharing containers (`$..*` would write every subtree again per ancestor).
    const jsonpath = typeof q.query.jsonpath === "string";
    const bytes = native().searchBytes(toBytes(input), q.pointer, o, jsonpath ? SHARED_HITS : undefined);
    const text = new TextDecoder().decode(bytes);
    bytes.dispose();
    const hits = jsonpath ? sharedHits(text) : (parseHits(text) as [string, unknown][]);
    return { hits, count: hits.length };
  });
}

/** Keeps at most `n` whole lines of `bytes`. */
function firstLines(bytes: Uint8Array, n: number): Uint8Array {
  let at = 0;
  for (let i = 0; i < n; i++) {
    at = bytes.indexOf(0x0a, at) + 1;
    if (at === 0) return bytes;
  }
  return bytes.subarray(0, at);
}

/**
 * Searches every document of an NDJSON file or stream: yields hits as JSON lines `[line,"path",value]\n`,
 * chunk by chunk (each chunk freed when the next is requested); stops early at the query's limit.
 *
 * @example
 * for await (const chunk of searchStream("dump.txt", { key: "isbn_13" }, { column: 5 })) process.stdout.write(chunk);
 */
export async function* searchStream(
  source: Source,
  query: SearchQuery | Query,
  options: StreamOptions & SearchOptions & { range?: ByteRange } = {},
): AsyncGenerator<Uint8Array, number> {
  const o = resolveOptions(options);
  const compiled = query instanceof Query ? query : new Query(query);
  const limit = compiled.query.limit ?? Infinity;
  let hits = 0;
  try {
    const chunks = streamChunks(source, options, numberedOutputs((whole, lines) => native().searchLines(whole, compiled.pointer, o, lines)));
    for await (const chunk of chunks) {
      const lineCount = countLines(chunk);
      const kept = hits + lineCount > limit ? firstLines(chunk, limit - hits) : chunk;
      hits += Math.min(lineCount, limit - hits);
      yield kept;
      if (hits >= limit) break;
    }
    return hits;
  } finally {
    if (!(query instanceof Query)) compiled.dispose();
  }
}

function countLines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}

/**
 * Every hit of an NDJSON stream as objects (for small result sets; use `searchStream` for large ones).
 *
 * @example
 * await searchAll("works.txt", { key: "title", value: "Dune" }, { column: 5 }) // [{ line: 17, path: "title", value: "Dune" }]
 */
export async function searchAll(
  source: Source,
  query: SearchQuery | Query,
  options: StreamOptions & SearchOptions & { range?: ByteRange } = {},
): Promise<Hit[]> {
  const decoder = new TextDecoder();
  const hits: Hit[] = [];
  for await (const chunk of searchStream(source, query, options)) {
    for (const [line, path, value] of parseHits(decoder.decode(chunk)) as [number, string, unknown][]) hits.push({ line, path, value });
  }
  return hits;
}
