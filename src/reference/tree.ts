/**
 * @module reference/tree — the parsed form of a JSON document that keeps what `JSON.parse` loses: number text exactly
 * as written, duplicate member names in document order, and where each member name starts.
 */

/**
 * A string, its escapes decoded.
 *
 * @example
 * const text: JsonString = { kind: "string", value: "é" }; // from "\u00e9"
 */
export interface JsonString {
  kind: "string";
  value: string;
}

/**
 * A number, as its exact source text (`1.0`, `-0`, `1e400` stay as written).
 *
 * @example
 * const number: JsonNumber = { kind: "number", text: "1e400" };
 */
export interface JsonNumber {
  kind: "number";
  text: string;
}

/**
 * `true`, `false` or `null`.
 *
 * @example
 * const nothing: JsonLiteral = { kind: "literal", text: "null" };
 */
export interface JsonLiteral {
  kind: "literal";
  text: "true" | "false" | "null";
}

/**
 * An array's elements in document order.
 *
 * @example
 * const empty: JsonArray = { kind: "array", items: [] };
 */
export interface JsonArray {
  kind: "array";
  items: JsonNode[];
}

/**
 * One object member; `keyOffset` is the byte offset of the opening quote of its name.
 *
 * @example
 * const member: JsonMember = { key: "a", keyOffset: 1, value: { kind: "literal", text: "true" } }; // {"a":true}
 */
export interface JsonMember {
  key: string;
  keyOffset: number;
  value: JsonNode;
}

/**
 * An object's members in document order, duplicates included.
 *
 * @example
 * const empty: JsonObject = { kind: "object", members: [] };
 */
export interface JsonObject {
  kind: "object";
  members: JsonMember[];
}

/**
 * Any JSON value.
 *
 * @example
 * const root: JsonNode = { kind: "number", text: "-0" };
 */
export type JsonNode = JsonString | JsonNumber | JsonLiteral | JsonArray | JsonObject;

/**
 * Whether `node` is an object or array with at least one child (what a flatten walk may descend into).
 *
 * @example
 * isNonEmptyContainer({ kind: "array", items: [] }) // false
 */
export function isNonEmptyContainer(node: JsonNode): node is JsonArray | JsonObject {
  if (node.kind === "array") return node.items.length > 0;
  if (node.kind === "object") return node.members.length > 0;
  return false;
}

/**
 * Whether `node` is an empty object `{}` or an empty array `[]`, as `kind` says.
 *
 * @example
 * isEmptyContainer({ kind: "object", members: [] }, "object") // true
 */
export function isEmptyContainer(node: JsonNode, kind: "object" | "array"): boolean {
  return node.kind === kind && !isNonEmptyContainer(node);
}

/** The children of a container, for walks that do not care about member names. */
function childrenOf(node: JsonNode): JsonNode[] {
  if (node.kind === "array") return node.items;
  if (node.kind === "object") return node.members.map((member) => member.value);
  return [];
}

/**
 * How deeply `node` nests: 0 for a scalar, 1 for `[]` or `{"a":1}`, 2 for `[[1]]`. Iterative, so any depth
 * is fine.
 *
 * @example
 * nestingOf({ kind: "array", items: [{ kind: "array", items: [] }] }) // 2
 */
export function nestingOf(node: JsonNode): number {
  let deepest = 0;
  const pending: [JsonNode, number][] = [[node, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depthAbove] = next;
    if (current.kind !== "array" && current.kind !== "object") continue;
    deepest = Math.max(deepest, depthAbove + 1);
    for (const child of childrenOf(current)) pending.push([child, depthAbove + 1]);
  }
  return deepest;
}
