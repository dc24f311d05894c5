/**
 * @module reference/lookup — the reference path index: every value by full path, leaves by short key and by value,
 * with search's equality (SPEC section 6). Answers are canonical JSON text, as the native index writes them.
 */
import { resolveOptions, type FlattenOptions } from "../core/options";
import { quoteJsonString } from "./escape";
import { parseJson } from "./parse";
import { pathSpelling } from "./paths";
import type { JsonNode } from "./tree";
import { isNonEmptyContainer } from "./tree";
import { writeJson } from "./write";

/**
 * What the reference index answers, as JSON text: `get` the value (or undefined), `byKey`/`byValue`
 * `[["path",value],...]`.
 *
 * @example
 * const idx: ReferenceIndex = referenceIndex(bytes('{"a":1}'));
 * idx.get("a") // "1"
 */
export interface ReferenceIndex {
  get(path: string): string | undefined;
  byKey(key: string): string;
  byValue(value: Uint8Array): string;
  /** Leaves, as `flattenEntries` lists them. */
  leaves: number;
}

interface Node {
  path: string;
  value: JsonNode;
  key?: string;
  leaf: boolean;
}

/** Every value of `root` in document order, each container before its children. */
function nodesOf(root: JsonNode, options: FlattenOptions): Node[] {
  const { style, delimiter } = resolveOptions(options);
  const spell = pathSpelling(style, delimiter, false);
  const nodes: Node[] = [];
  const pending: Omit<Node, "leaf">[] = [{ path: "", value: root }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { path, value } = next;
    const leaf = !isNonEmptyContainer(value);
    nodes.push({ ...next, leaf });
    if (value.kind === "array") {
      for (let i = value.items.length - 1; i >= 0; i--) pending.push({ path: spell.element(path, i), value: value.items[i]! });
    } else if (value.kind === "object") {
      for (let i = value.members.length - 1; i >= 0; i--) {
        const member = value.members[i]!;
        pending.push({ path: spell.member(path, member.key), value: member.value, key: member.key });
      }
    }
  }
  return nodes;
}

/**
 * A number's exact value as `[-]digitsEexponent` with no leading or trailing zeros, so `1`, `1.0`, `10e-1`
 * give the same text; zero (also `-0`) is `0`.
 *
 * @example
 * exactDecimal("12.50e1") // "125E0"
 */
export function exactDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  let digits = (whole! + fraction).replace(/^0+/, "");
  let power = BigInt(exponent) - BigInt(fraction.length);
  const trimmed = digits.replace(/0+$/, "");
  power += BigInt(digits.length - trimmed.length);
  digits = trimmed;
  return digits ? `${sign}${digits}E${power}` : "0";
}

/**
 * Search's value equality: the same JSON type, then strings by text, numbers by exact value, `{}` and `[]`
 * only as empty containers.
 *
 * @example
 * sameValue({ kind: "number", text: "1" }, { kind: "number", text: "1.0" }) // true
 */
export function sameValue(a: JsonNode, b: JsonNode): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "string") return a.value === (b as typeof a).value;
  if (a.kind === "number") return exactDecimal(a.text) === exactDecimal((b as typeof a).text);
  if (a.kind === "literal") return a.text === (b as typeof a).text;
  return !isNonEmptyContainer(a) && !isNonEmptyContainer(b);
}

function entriesText(nodes: Node[]): string {
  return `[${nodes.map((node) => `[${quoteJsonString(node.path)},${writeJson(node.value)}]`).join(",")}]`;
}

/**
 * Indexes the document in `input` (UTF-8 bytes) by a plain walk; throws `JsonFlatError` as the parser does.
 *
 * @example
 * referenceIndex(new TextEncoder().encode('{"a":{"id":1},"id":2}')).byKey("id") // '[["a.id",1],["id",2]]'
 */
export function referenceIndex(input: Uint8Array, options: FlattenOptions = {}): ReferenceIndex {
  const resolved = resolveOptions(options);
  const nodes = nodesOf(parseJson(input, resolved), options);
  const byPath = new Map<string, Node>();
  for (const node of nodes) byPath.set(node.path, node); // the last duplicate wins
  const leaves = nodes.filter((node) => node.leaf);
  return {
    get: (path) => {
      const node = byPath.get(path);
      return node && writeJson(node.value);
    },
    byKey: (key) => entriesText(leaves.filter((node) => node.key === key)),
    byValue: (value) => {
      const wanted = parseJson(value, resolved);
      return entriesText(leaves.filter((node) => sameValue(wanted, node.value)));
    },
    leaves: leaves.length,
  };
}
