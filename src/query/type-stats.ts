/**
 * @module query/type-stats — what types from data are built on: per grouped path (the root at `""`), the
 * values seen by type (containers included), the parent containers the path appeared in and a few examples,
 * collected natively over one document or an NDJSON stream of any size (memory bounded by the number of
 * distinct paths, not the input).
 */
import { JsonFlatError } from "../core/errors";
import { toBytes, type JsonInput } from "../core/input";
import { resolveOptions, type ResolvedOptions } from "../core/options";
import { native } from "../native";
import { lineOptions, streamPieces, type ByteRange, type LineOptions, type LineStreamOptions, type Source } from "../lines/index";
import type { SchemaType } from "./schema";

/**
 * The most examples kept per path (the native core keeps the first distinct ones, of at most 64 bytes).
 *
 * @example
 * typeStats('[1,2,3,4]').paths.get("[]")?.examples.length === MAX_EXAMPLES // true
 */
export const MAX_EXAMPLES = 3;

/**
 * What was seen at one grouped path.
 *
 * @example
 * const s: PathStats = { key: "b", count: 2, docs: 1, types: { integer: 2 }, present: 2, examples: ["1", "2"] };
 */
export interface PathStats {
  /** The last member name of the path, `null` under an array index and at the root. */
  key: string | null;
  /** Values seen (containers included). */
  count: number;
  /** Documents that have the path. */
  docs: number;
  /** Values seen per type; `object` and `array` count every container, empty or not. */
  types: Partial<Record<SchemaType, number>>;
  /** Distinct parent containers the path was seen in: equal to the parent's `object` count means "in every instance". */
  present: number;
  /** Up to `MAX_EXAMPLES` distinct values, each as its exact JSON text, in order of first sight. */
  examples: string[];
}

/**
 * Grouped path (js style) → what was seen there, in order of first sight, plus the documents read.
 *
 * @example
 * const stats = typeStats('{"a":1}'); stats.paths.get("a")?.types // { integer: 1 }
 */
export interface TypeStats {
  paths: Map<string, PathStats>;
  documents: number;
}

/**
 * Options of the types-from-data calls: paths are always js style, grouped, descending into every container;
 * what may change is how the input is read.
 *
 * @example
 * const o: TypeStatsOptions = { maxNesting: 100, replaceInvalidUtf8: true };
 */
export interface TypeStatsOptions {
  /** Reject documents nested deeper (default 10,000). */
  maxNesting?: number;
  /** U+FFFD for invalid UTF-8 instead of an `INVALID_JSON` error. */
  replaceInvalidUtf8?: boolean;
}

/**
 * Stream options of the types-from-data calls: `TypeStatsOptions` plus how lines are read (`column`, `onError`
 * (`emit` counts bad lines as `skip` does), `chunkBytes`, `range`, `onProgress`, `signal`).
 *
 * @example
 * const o: TypeStatsStreamOptions = { column: 5, onError: "skip" };
 */
export interface TypeStatsStreamOptions extends TypeStatsOptions, LineStreamOptions {
  range?: ByteRange;
}

/**
 * The output flags of the native type-statistics pass (entries text with the schema detail).
 *
 * @example
 * native().flattenLines(bytes, detailOptions({}), lines, DETAIL)
 */
export const DETAIL = { format: "entries", schemaDetail: true } as const;
const decoder = new TextDecoder();
const TYPE_ORDER: readonly SchemaType[] = ["string", "integer", "number", "boolean", "null", "object", "array"];

/**
 * The native options of the type-statistics pass (schema mode), checked.
 *
 * @example
 * detailOptions({ maxNesting: 100 }).mode // "schema"
 */
export function detailOptions(options: TypeStatsOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") throw new JsonFlatError("INVALID_OPTION", "options must be an object");
  return resolveOptions({ mode: "schema", maxNesting: options.maxNesting, replaceInvalidUtf8: options.replaceInvalidUtf8 });
}

/**
 * Adds one native result (entries text) into `into`: counts summed, examples kept up to `MAX_EXAMPLES`, new
 * paths appended, so how the input was cut into chunks never shows.
 *
 * @example
 * mergeTypeStats(stats, '[["",{"key":null,"count":1,"docs":1,"types":{"integer":1},"present":0,"examples":["1"]}]]', 1)
 */
export function mergeTypeStats(into: TypeStats, entriesText: string, documents: number): TypeStats {
  into.documents += documents;
  for (const [path, entry] of JSON.parse(entriesText) as [string, PathStats][]) {
    const known = into.paths.get(path);
    if (!known) {
      into.paths.set(path, entry);
      continue;
    }
    known.count += entry.count;
    known.docs += entry.docs;
    known.present += entry.present;
    const types: Partial<Record<SchemaType, number>> = {};
    for (const type of TYPE_ORDER) {
      const n = (known.types[type] ?? 0) + (entry.types[type] ?? 0);
      if (n) types[type] = n;
    }
    known.types = types;
    for (const example of entry.examples) {
      if (known.examples.length < MAX_EXAMPLES && !known.examples.includes(example)) known.examples.push(example);
    }
  }
  return into;
}

/**
 * The type statistics of one document.
 *
 * @example
 * typeStats('{"a":[1,2.5]}').paths.get("a[]")?.types // { integer: 1, number: 1 }
 */
export function typeStats(input: JsonInput, options: TypeStatsOptions = {}): TypeStats {
  const { text } = native().flattenText(toBytes(input), detailOptions(options), DETAIL);
  return mergeTypeStats({ paths: new Map(), documents: 0 }, text, 1);
}

/**
 * The type statistics of every line of an NDJSON text or buffer, in one native call.
 *
 * @example
 * typeStatsLines('{"a":1}\n{"a":null}\n').paths.get("a")?.present // 2
 */
export function typeStatsLines(input: string | Uint8Array | ArrayBuffer, options: TypeStatsOptions & LineOptions = {}): TypeStats {
  const o = detailOptions(options);
  const { firstLine, ...lines } = lineOptions(options);
  const out = native().flattenLines(toBytes(input), o, { ...lines, firstLine: firstLine ?? 1 }, DETAIL);
  try {
    return mergeTypeStats({ paths: new Map(), documents: 0 }, decoder.decode(out), out.documents);
  } finally {
    out.dispose();
  }
}

/**
 * The type statistics of every document of an NDJSON file or stream, chunk by chunk (one native call each).
 *
 * @example
 * const stats = await typeStatsStream("ol_dump_editions.txt", { column: 5, onError: "skip" });
 */
export async function typeStatsStream(source: Source, options: TypeStatsStreamOptions = {}): Promise<TypeStats> {
  const o = detailOptions(options);
  lineOptions(options); // checked before the first read
  const stats: TypeStats = { paths: new Map(), documents: 0 };
  const pieces = streamPieces(source, options, (whole, lines) => native().flattenLines(whole, o, lines, DETAIL));
  for await (const { out } of pieces) if (out.length) mergeTypeStats(stats, decoder.decode(out), out.documents);
  return stats;
}
