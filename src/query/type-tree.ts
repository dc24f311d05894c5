/**
 * @module query/type-tree — type statistics rebuilt into the document's nesting: one node per grouped path,
 * object members under their object, the elements of every array merged into one `items` node. JSON Schema
 * and TypeScript are both written from it.
 */
import { parseShapePath } from "../bind/shape";
import type { SchemaType } from "./schema";
import type { PathStats, TypeStats } from "./type-stats";

/**
 * One grouped path with what was seen there and its children.
 *
 * @example
 * typeTree(typeStats('{"a":[1]}'))?.members.get("a")?.items?.stats.types // { integer: 1 }
 */
export interface TypeNode {
  stats: PathStats;
  /** Object members, in order of first sight. */
  members: Map<string, TypeNode>;
  /** Every element of every array seen here, merged. */
  items: TypeNode | undefined;
}

/**
 * The root of the tree, or `undefined` when no document was read.
 *
 * @example
 * typeTree(typeStats('{"a":{"b":null}}'))?.members.get("a")?.members.get("b")?.stats.types // { null: 1 }
 */
export function typeTree(stats: TypeStats): TypeNode | undefined {
  const nodes = new Map<string, TypeNode>();
  for (const [path, pathStats] of stats.paths) {
    const steps = parseShapePath(path);
    const node: TypeNode = { stats: pathStats, members: new Map(), items: undefined };
    nodes.set(JSON.stringify(steps), node);
    if (steps.length === 0) continue;
    const last = steps.pop();
    // The native core counts a container before anything inside it, so a parent is always known first.
    const parent = nodes.get(JSON.stringify(steps));
    if (!parent) throw new Error(`type statistics list ${JSON.stringify(path)} before its parent`);
    if (last === null) parent.items = node;
    else parent.members.set(String(last), node);
  }
  return nodes.get("[]");
}

/**
 * Whether a member was seen in every instance of its parent object (so it is required).
 *
 * @example
 * const tree = typeTree(typeStats('{"a":1}'))!; isRequired(tree, tree.members.get("a")!) // true
 */
export function isRequired(parent: TypeNode, member: TypeNode): boolean {
  return member.stats.present === (parent.stats.types.object ?? 0);
}

/**
 * The types to write for a node, in a fixed order: string, integer or number (a path seen as both is
 * `number`), boolean, object, array, then null.
 *
 * @example
 * writtenTypes({ integer: 2, number: 1, null: 1 }) // ["number", "null"]
 */
export function writtenTypes(types: PathStats["types"]): SchemaType[] {
  const out: SchemaType[] = [];
  if (types.string) out.push("string");
  if (types.number) out.push("number");
  else if (types.integer) out.push("integer");
  if (types.boolean) out.push("boolean");
  if (types.object) out.push("object");
  if (types.array) out.push("array");
  if (types.null) out.push("null");
  return out;
}
