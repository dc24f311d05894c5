/**
 * @module hand — the best a JavaScript user could do without jsonflat: `JSON.parse`, then one tight walk that
 * writes the flattened JSON text directly (no intermediate object, `JSON.stringify` only on leaves), as a
 * runner of the benchmark protocol (protocol.mjs). Paths are `flat`-style (`a.b.0`); empty objects and arrays
 * are leaves, as in jsonflat.
 *
 * @example
 * bun bench/peers/runners/hand.ts --runs 5 --min-seconds 0.2 ../shared/data/bench/twitter.json
 */
import { bytesOf, eachLine, runRunner, textOf } from "./protocol.mjs";

/**
 * The flattened JSON text of a parsed value: `{"path":leaf,...}` in document order.
 *
 * @example
 * flattenToJson({ a: { b: [1, {}] } }) // '{"a.b.0":1,"a.b.1":{}}'
 */
export function flattenToJson(value: unknown): string {
  const parts: string[] = [];
  walk(value, "", (path, leaf) => parts.push(`${JSON.stringify(path)}:${JSON.stringify(leaf)}`));
  return `{${parts.join(",")}}`;
}

/**
 * The flattened object of a parsed value.
 *
 * @example
 * flattenToObject({ a: [1] }) // { "a.0": 1 }
 */
export function flattenToObject(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  walk(value, "", (path, leaf) => {
    out[path] = leaf;
  });
  return out;
}

function walk(value: unknown, prefix: string, emit: (path: string, leaf: unknown) => void): void {
  if (value === null || typeof value !== "object") return emit(prefix, value);
  const dot = prefix === "" ? "" : `${prefix}.`;
  if (Array.isArray(value)) {
    if (value.length === 0) return emit(prefix, value);
    for (let i = 0; i < value.length; i++) walk(value[i], dot + i, emit);
    return;
  }
  let empty = true;
  for (const key in value) {
    empty = false;
    walk((value as Record<string, unknown>)[key], dot + key, emit);
  }
  if (empty) emit(prefix, value);
}

if (import.meta.main) {
  runRunner({
    bytes: (input: Uint8Array) => bytesOf(flattenToJson(JSON.parse(textOf(input)))),
    object: (text: string) => flattenToObject(JSON.parse(text)),
    lines: (chunk: Uint8Array) => bytesOf(eachLine(chunk, (line: string) => flattenToJson(JSON.parse(line)))),
  });
}
