/**
 * @module reference — the pure-TypeScript reference implementation of flatten and unflatten: small, slow
 * and obviously correct. It is the oracle that the native core must match byte for byte.
 */
import { JsonFlatError } from "../core/errors";
import { resolveOptions, type FlattenOptions, type ResolvedOptions, type UnflattenOptions } from "../core/options";
import { flattenDocument, type OutputFormat } from "./flatten";
import { parseJson } from "./parse";
import { unflattenDocument } from "./unflatten";

/**
 * Flatten options plus the output format.
 *
 * @example
 * const options: ReferenceFlattenOptions = { style: "pointer", mode: "grouped", format: "entries" };
 */
export type ReferenceFlattenOptions = FlattenOptions & { format?: OutputFormat };

const FORMATS: readonly OutputFormat[] = ["object", "entries"];

function formatOf(options: ReferenceFlattenOptions | undefined): OutputFormat {
  const format = options?.format ?? "object";
  if (FORMATS.includes(format)) return format;
  throw new JsonFlatError("INVALID_OPTION", `format must be one of "object", "entries", got ${String(format)}`);
}

/** Checked options; the delimiter as the native core sees it: its UTF-8 bytes (a lone surrogate is U+FFFD). */
function checkedOptions(options: FlattenOptions | UnflattenOptions | undefined): ResolvedOptions {
  const resolved = resolveOptions(options);
  return { ...resolved, delimiter: resolved.delimiter.toWellFormed() };
}

/**
 * Flattens the JSON document in `input` (UTF-8 bytes) to canonical compact JSON text: `{"path":value,...}`
 * or, with `format: "entries"`, `[["path",value],...]`. Throws `JsonFlatError`. `bigint` is ignored (it only
 * shapes JS results).
 *
 * @example
 * referenceFlatten(new TextEncoder().encode('{"a":{"b c":[1.0]}}')) // '{"a[\\"b c\\"][0]":1.0}'
 * referenceFlatten(new TextEncoder().encode('{"a":[{"b":1},{"b":2}]}'), { mode: "grouped" }) // '{"a[].b":[1,2]}'
 */
export function referenceFlatten(input: Uint8Array, options?: ReferenceFlattenOptions): string {
  const resolved = checkedOptions(options);
  const format = formatOf(options);
  const root = parseJson(input, resolved);
  return flattenDocument(root, resolved, format);
}

/**
 * Rebuilds the document from a flattened object `{path: value}` given as UTF-8 JSON bytes, as canonical
 * compact JSON text. Throws `JsonFlatError`.
 *
 * @example
 * referenceUnflatten(new TextEncoder().encode('{"a[0].b":1,"a[2]":true}')) // '{"a":[{"b":1},null,true]}'
 * referenceUnflatten(new TextEncoder().encode('{"/a/b":1}'), { style: "pointer" }) // '{"a":{"b":1}}'
 */
export function referenceUnflatten(input: Uint8Array, options?: UnflattenOptions): string {
  const resolved = checkedOptions(options);
  // The flattened object wraps the document in one more level: `{"": {}}` rebuilds `{}` under maxNesting 1.
  const root = parseJson(input, { ...resolved, maxNesting: resolved.maxNesting + 1 });
  return unflattenDocument(root, input, resolved);
}
