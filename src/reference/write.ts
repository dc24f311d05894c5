/**
 * @module reference/write — writes a parsed value back as canonical compact JSON (the only value spelling jsonflat
 * outputs): no whitespace, numbers as their source text, strings escaped by `quoteJsonString`, duplicate
 * members kept.
 */
import { quoteJsonString } from "./escape";
import type { JsonNode } from "./tree";

/**
 * Canonical compact JSON text of `node`. Iterative (a stack of pending nodes and punctuation), so any depth
 * is fine.
 *
 * @example
 * writeJson(parseJson(new TextEncoder().encode('{ "a" : [1.0, "\\u00e9"] }'), limits)) // '{"a":[1.0,"é"]}'
 */
export function writeJson(node: JsonNode): string {
  const parts: string[] = [];
  // Popped from the end: a container pushes its closing bracket, then its children last-to-first.
  const pending: (JsonNode | string)[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === "string") {
      parts.push(next);
    } else if (next.kind === "string") {
      parts.push(quoteJsonString(next.value));
    } else if (next.kind === "number" || next.kind === "literal") {
      parts.push(next.text);
    } else if (next.kind === "array") {
      parts.push("[");
      pending.push("]");
      for (let i = next.items.length - 1; i >= 0; i--) {
        pending.push(next.items[i]!);
        if (i > 0) pending.push(",");
      }
    } else {
      parts.push("{");
      pending.push("}");
      for (let i = next.members.length - 1; i >= 0; i--) {
        const member = next.members[i]!;
        pending.push(member.value, `${quoteJsonString(member.key)}:`);
        if (i > 0) pending.push(",");
      }
    }
  }
  return parts.join("");
}
