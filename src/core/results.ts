/**
 * @module core/results — builds JS values from native JSON text, keeping big integers exact when asked.
 */

/** An entry as the native core writes it with big-integer marks: `[path, value, mark?]`. */
type MarkedEntry = [string, unknown, (1 | number[])?];

/** Defines `key` as an own data property: a `__proto__` key stays data and never touches a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function withBigInts(entry: MarkedEntry): [string, unknown] {
  const [path, value, mark] = entry;
  if (mark === undefined) return [path, value];
  if (mark === 1) return [path, BigInt(value as string)];
  const values = (value as unknown[]).slice();
  for (const i of mark) values[i] = BigInt(values[i] as string);
  return [path, values];
}

/**
 * Entries from text written with big-integer marks, with marked values turned into `bigint`.
 *
 * @example
 * markedEntries('[["a","12345678901234567890",1]]') // [["a", 12345678901234567890n]]
 */
export function markedEntries(text: string): [string, unknown][] {
  return (JSON.parse(text) as MarkedEntry[]).map(withBigInts);
}

/**
 * An object from entries; later entries win, as `JSON.parse` does with duplicate keys.
 *
 * @example
 * objectFromEntries([["a", 1n]]) // { a: 1n }
 */
export function objectFromEntries(entries: [string, unknown][]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [path, value] of entries) define(result, path, value);
  return result;
}
