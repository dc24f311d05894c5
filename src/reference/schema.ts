/**
 * @module reference/schema — schema mode for the reference (SPEC section 4): per grouped path, the type counts, the
 * documents (one here) and the short key, as canonical JSON text.
 */
import { quoteJsonString } from "./escape";
import type { Leaf } from "./flatten";
import type { JsonNode } from "./tree";

const TYPE_ORDER = ["string", "integer", "number", "boolean", "null", "object", "array"] as const;
type SchemaType = (typeof TYPE_ORDER)[number];

function typeOf(node: JsonNode): SchemaType {
  switch (node.kind) {
    case "string":
      return "string";
    case "number":
      return /[.eE]/.test(node.text) ? "number" : "integer";
    case "literal":
      return node.text === "null" ? "null" : "boolean";
    default:
      return node.kind;
  }
}

/**
 * `[groupedPath, entryText]` pairs for one document's leaves, in order of first appearance.
 *
 * @example
 * schemaPairs(leaves) // [["a[].b", '{"key":"b","count":2,"docs":1,"types":{"integer":2}}']]
 */
export function schemaPairs(leaves: Iterable<Leaf>): [string, string][] {
  const entries = new Map<string, { key: string | undefined; count: number; types: Map<SchemaType, number> }>();
  for (const leaf of leaves) {
    const entry = entries.get(leaf.path) ?? { key: leaf.key, count: 0, types: new Map() };
    entry.count++;
    const type = typeOf(leaf.value);
    entry.types.set(type, (entry.types.get(type) ?? 0) + 1);
    entries.set(leaf.path, entry);
  }
  return [...entries].map(([path, e]) => {
    const key = e.key === undefined ? "null" : quoteJsonString(e.key);
    const types = TYPE_ORDER.filter((t) => e.types.has(t)).map((t) => `"${t}":${e.types.get(t)}`);
    return [path, `{"key":${key},"count":${e.count},"docs":1,"types":{${types.join(",")}}}`];
  });
}
