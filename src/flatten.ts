/**
 * @module flatten — flatten one JSON document into paths and values through the native core.
 */
import { toBytes, type JsonInput } from "./input";
import { native, type NativeBytes, type NativeOutput } from "./native";
import { resolveOptions, type FlattenOptions } from "./options";
import { markedEntries, objectFromEntries } from "./results";

/**
 * Flattens a JSON document into one object of `path: value` (leaf mode) or `groupedPath: [values]`
 * (grouped mode). Strings are JSON text; other values are serialised first.
 *
 * @example
 * flatten('{"a":{"b c":[1]}}')                    // { 'a["b c"][0]': 1 }
 * flatten({ a: [{ b: 1 }, { b: 2 }] }, { mode: "grouped" }) // { "a[].b": [1, 2] }
 */
export function flatten(input: JsonInput, options?: FlattenOptions): Record<string, unknown> {
  const o = resolveOptions(options);
  const bytes = toBytes(input);
  const bigintAsString = o.bigint !== "number";
  const first = native().flattenText(bytes, o, { bigintAsString });
  if (o.bigint !== "bigint" || first.unsafeIntegers === 0) return JSON.parse(first.text);
  // Rare: exact big integers wanted and present; ask again for entries that mark which values they are.
  const marked = native().flattenText(bytes, o, { format: "entries", bigintAsString, bigintMark: true });
  return objectFromEntries(markedEntries(marked.text));
}

/**
 * Flattens into `[path, value]` pairs in document order, keeping every duplicate key.
 *
 * @example
 * flattenEntries('{"a":1,"a":2}') // [["a", 1], ["a", 2]]
 */
export function flattenEntries(input: JsonInput, options?: FlattenOptions): [string, unknown][] {
  const o = resolveOptions(options);
  const bigintMark = o.bigint === "bigint";
  const out = native().flattenText(toBytes(input), o, { format: "entries", bigintAsString: o.bigint !== "number", bigintMark });
  return bigintMark && out.unsafeIntegers > 0 ? markedEntries(out.text) : JSON.parse(out.text);
}

/**
 * Flattens into compact JSON bytes owned by the native library (no copy). Pass `format: "entries"` for
 * `[["path",value],...]`. The garbage collector frees the bytes; `dispose()` frees them early.
 *
 * @example
 * const out = flattenBytes(await Bun.file("big.json").bytes());
 * await Bun.write("flat.json", out);
 * out.dispose();
 */
export function flattenBytes(
  input: JsonInput,
  options?: FlattenOptions & { format?: "object" | "entries" },
): NativeBytes & NativeOutput {
  const o = resolveOptions(options);
  return native().flattenBytes(toBytes(input), o, { format: options?.format, bigintAsString: o.bigint === "string" });
}
