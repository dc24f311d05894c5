/**
 * @module query/schema — the type of every grouped path, over one document or an NDJSON stream of any size.
 */
import { toBytes, type JsonInput } from "../core/input";
import { native } from "../native";
import { flattenStream, type ByteRange, type StreamOptions } from "../lines/index";
import { resolveOptions, type FlattenOptions } from "../core/options";

/** JSON value types a schema counts; `object` and `array` are empty ones (or whole subtrees under `maxDepth`). */
export type SchemaType = "string" | "integer" | "number" | "boolean" | "null" | "object" | "array";

/** What is known about one grouped path. */
export interface SchemaEntry {
  /** The last object member name of the path, `null` under an array index. */
  key: string | null;
  /** Values seen. */
  count: number;
  /** Documents that have the path. */
  docs: number;
  /** Values seen per type. */
  types: Partial<Record<SchemaType, number>>;
}

/** Grouped path → entry, in order of first appearance. */
export type Schema = Record<string, SchemaEntry>;

/**
 * The schema of one document.
 *
 * @example
 * schema('{"a":[{"b":1},{"b":"x"}]}')
 * // { "a[].b": { key: "b", count: 2, docs: 1, types: { string: 1, integer: 1 } } }
 */
export function schema(input: JsonInput, options: Omit<FlattenOptions, "mode"> = {}): Schema {
  const o = resolveOptions({ ...options, mode: "schema" });
  return JSON.parse(native().flattenText(toBytes(input), o).text);
}

/** The order the native core writes types in; a merge keeps it, so chunking never shows in the output. */
const TYPE_ORDER: readonly SchemaType[] = ["string", "integer", "number", "boolean", "null", "object", "array"];

/**
 * Adds `more` into `into` (counts and documents summed, new paths appended) and returns `into`.
 *
 * @example
 * mergeSchemas(schema('{"a":1}'), schema('{"a":"x"}')).a.types // { integer: 1, string: 1 }
 */
export function mergeSchemas(into: Schema, more: Schema): Schema {
  for (const [path, entry] of Object.entries(more)) {
    const known = Object.hasOwn(into, path) ? into[path] : undefined;
    if (!known) {
      Object.defineProperty(into, path, { value: entry, writable: true, enumerable: true, configurable: true });
      continue;
    }
    known.count += entry.count;
    known.docs += entry.docs;
    const types: Partial<Record<SchemaType, number>> = {};
    for (const type of TYPE_ORDER) {
      const n = (known.types[type] ?? 0) + (entry.types[type] ?? 0);
      if (n) types[type] = n;
    }
    known.types = types;
  }
  return into;
}

/**
 * The schema of every document of an NDJSON file or stream, merged; memory is bounded by the chunk size
 * and the number of distinct paths, not by the input.
 *
 * @example
 * await schemaStream("ol_dump_works.txt", { column: 5, onError: "skip" })
 */
export async function schemaStream(
  source: string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: Omit<StreamOptions, "mode" | "format"> & { range?: ByteRange } = {},
): Promise<Schema> {
  const merged: Schema = {};
  const decoder = new TextDecoder();
  for await (const chunk of flattenStream(source, { ...options, mode: "schema" })) {
    mergeSchemas(merged, JSON.parse(decoder.decode(chunk)) as Schema);
  }
  return merged;
}

/**
 * The schema as an aligned text table, one path per line.
 *
 * @example
 * console.log(schemaTable(schema(doc)));
 */
export function schemaTable(s: Schema): string {
  const rows = Object.entries(s).map(([path, e]) => [
    path,
    e.key ?? "",
    String(e.count),
    String(e.docs),
    Object.entries(e.types)
      .map(([t, n]) => `${t}:${n}`)
      .join(" "),
  ]);
  const header = ["path", "key", "count", "docs", "types"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
