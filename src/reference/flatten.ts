/**
 * @module reference/flatten — a parsed document to its leaves (SPEC section 2) and to grouped paths (section 3), as
 * canonical JSON text in object or entries format.
 */
import type { ResolvedOptions } from "../core/options";
import { quoteJsonString } from "./escape";
import { pathSpelling, type PathSpelling } from "./paths";
import { isNonEmptyContainer, type JsonArray, type JsonNode, type JsonObject } from "./tree";
import { schemaPairs } from "./schema";
import { writeJson } from "./write";

/**
 * `object`: `{"path":value,...}`; `entries`: `[["path",value],...]`.
 *
 * @example
 * const format: OutputFormat = "entries";
 */
export type OutputFormat = "object" | "entries";

/**
 * The options a walk needs.
 *
 * @example
 * const options: WalkOptions = { style: "js", delimiter: ".", mode: "leaf", maxDepth: 0, arraysLeaf: false };
 */
export type WalkOptions = Pick<ResolvedOptions, "style" | "delimiter" | "mode" | "maxDepth" | "arraysLeaf">;

/**
 * One leaf: its path and its value (a scalar, an empty container, or a subtree kept whole).
 *
 * @example
 * const leaf: Leaf = { path: "a[0]", value: { kind: "number", text: "1.0" } };
 */
export interface Leaf {
  path: string;
  value: JsonNode;
  /** The member name the leaf sits under, if its last segment is one (the short key). */
  key?: string;
}

/** A container being walked; `depth` is its nesting depth, the root being 1. */
interface Frame {
  node: JsonArray | JsonObject;
  path: string;
  depth: number;
  next: number;
}

/**
 * Whether the walk goes into `child`, a member of a container at `depth` (so the root's members are at
 * depth 1, as in npm `flat`). `arraysLeaf` keeps arrays below the root whole, as `flat`'s `safe: true`;
 * the root itself is always walked, also a root array, because `flat` iterates the keys of whatever it is
 * given (`flatten([[1]], { safe: true })` gives `{ "0": [1] }`).
 */
function descends(child: JsonNode, depth: number, options: WalkOptions): child is JsonArray | JsonObject {
  if (!isNonEmptyContainer(child)) return false;
  if (options.maxDepth > 0 && depth >= options.maxDepth) return false;
  return !(options.arraysLeaf && child.kind === "array");
}

/** The next child of `frame` with its path, or undefined when the container is done. */
function nextChild(frame: Frame, spell: PathSpelling): Leaf | undefined {
  const index = frame.next++;
  if (frame.node.kind === "array") {
    const value = frame.node.items[index];
    return value && { path: spell.element(frame.path, index), value };
  }
  const member = frame.node.members[index];
  return member && { path: spell.member(frame.path, member.key), value: member.value, key: member.key };
}

/**
 * Every leaf of `root` in document order, with paths spelled per `options` (grouped paths in grouped mode).
 * A scalar or empty root is the one leaf at path `""`. Iterative, so any depth is fine.
 *
 * @example
 * [...leavesOf(parseJson(bytes('{"a":[1,{}]}'), limits), options)].map((leaf) => leaf.path) // ["a[0]", "a[1]"]
 */
export function* leavesOf(root: JsonNode, options: WalkOptions): Generator<Leaf> {
  if (!isNonEmptyContainer(root)) {
    yield { path: "", value: root };
    return;
  }
  const spell = pathSpelling(options.style, options.delimiter, options.mode !== "leaf");
  const stack: Frame[] = [{ node: root, path: "", depth: 1, next: 0 }];
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    const child = nextChild(frame, spell);
    if (child === undefined) {
      stack.pop();
    } else if (descends(child.value, frame.depth, options)) {
      stack.push({ node: child.value, path: child.path, depth: frame.depth + 1, next: 0 });
    } else {
      yield child;
    }
  }
}

/** Grouped mode: each grouped path once, in order of first appearance, with all its values in order. */
function groupValues(leaves: Iterable<Leaf>): [string, string][] {
  const groups = new Map<string, string[]>();
  for (const leaf of leaves) {
    const values = groups.get(leaf.path) ?? [];
    values.push(writeJson(leaf.value));
    groups.set(leaf.path, values);
  }
  return [...groups].map(([path, values]) => [path, `[${values.join(",")}]`]);
}

/** Writes `path: valueText` pairs as an object or as entries. */
function writePairs(pairs: [string, string][], format: OutputFormat): string {
  if (format === "entries") return `[${pairs.map(([path, value]) => `[${quoteJsonString(path)},${value}]`).join(",")}]`;
  return `{${pairs.map(([path, value]) => `${quoteJsonString(path)}:${value}`).join(",")}}`;
}

/**
 * The flattened form of a parsed document as canonical compact JSON: `{"path":value,...}` in leaf mode,
 * `{"groupedPath":[values],...}` in grouped mode, or the same as `[[path, value],...]` entries.
 *
 * @example
 * flattenDocument(parseJson(bytes('{"a":[{"b":1},{"b":2}]}'), limits), { ...options, mode: "grouped" }, "object")
 * // '{"a[].b":[1,2]}'
 */
export function flattenDocument(root: JsonNode, options: WalkOptions, format: OutputFormat): string {
  const leaves = leavesOf(root, options);
  const pairs =
    options.mode === "grouped"
      ? groupValues(leaves)
      : options.mode === "schema"
        ? schemaPairs(leaves)
        : Array.from(leaves, (leaf): [string, string] => [leaf.path, writeJson(leaf.value)]);
  return writePairs(pairs, format);
}
