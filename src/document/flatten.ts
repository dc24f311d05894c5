/**
 * @module document/flatten — flatten one JSON document into paths and values through the native core.
 */
import { toBytes, type JsonInput } from "../core/input";
import { native, type NativeBytes, type NativeCallFlags, type NativeOutput } from "../native";
import { resolveFormat, resolveOptions, type FlattenOptions, type ResolvedOptions } from "../core/options";
import { markedEntries, objectFromEntries } from "../core/results";
import { smallObject } from "./small-object";

// Shared flag objects: the native layer skips re-encoding its options struct when they repeat.
const PLAIN: NativeCallFlags = Object.freeze({});
const EXACT: NativeCallFlags = Object.freeze({ bigintAsString: true });
const ENTRIES: NativeCallFlags = Object.freeze({ format: "entries" });
const EXACT_ENTRIES: NativeCallFlags = Object.freeze({ format: "entries", bigintAsString: true });
const MARKED_ENTRIES: NativeCallFlags = Object.freeze({ format: "entries", bigintAsString: true, bigintMark: true });

/** The default leaf options (any `maxNesting`): the only ones the JavaScript walk of a short text matches. */
function isPlainLeaf(o: ResolvedOptions): boolean {
  return o.mode === "leaf" && o.style === "js" && o.maxDepth === 0 && !o.arraysLeaf && o.bigint === "number" && !o.replaceInvalidUtf8;
}

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
  if (typeof input === "string" && isPlainLeaf(o)) {
    const small = smallObject(input, o.maxNesting);
    if (small) return small;
  }
  const bytes = toBytes(input);
  const first = native().flattenText(bytes, o, o.bigint === "number" ? PLAIN : EXACT);
  if (o.bigint !== "bigint" || first.unsafeIntegers === 0) return JSON.parse(first.text);
  // Rare: exact big integers wanted and present; ask again for entries that mark which values they are.
  return objectFromEntries(markedEntries(native().flattenText(bytes, o, MARKED_ENTRIES).text));
}

/**
 * Flattens into `[path, value]` pairs in document order, keeping every duplicate key.
 *
 * @example
 * flattenEntries('{"a":1,"a":2}') // [["a", 1], ["a", 2]]
 */
export function flattenEntries(input: JsonInput, options?: FlattenOptions): [string, unknown][] {
  const o = resolveOptions(options);
  const flags = o.bigint === "bigint" ? MARKED_ENTRIES : o.bigint === "string" ? EXACT_ENTRIES : ENTRIES;
  const out = native().flattenText(toBytes(input), o, flags);
  return flags === MARKED_ENTRIES && out.unsafeIntegers > 0 ? markedEntries(out.text) : JSON.parse(out.text);
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
  const exact = o.bigint === "string";
  const flags = resolveFormat(options?.format) === "entries" ? (exact ? EXACT_ENTRIES : ENTRIES) : exact ? EXACT : PLAIN;
  return native().flattenBytes(toBytes(input), o, flags);
}
