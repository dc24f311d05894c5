/**
 * @module document/unflatten — rebuild a JSON document from its flattened form through the native core.
 */
import { JsonFlatError } from "../core/errors";
import { toBytes, type JsonInput } from "../core/input";
import { native, type NativeBytes, type NativeOutput } from "../native";
import { resolveOptions, type UnflattenOptions } from "../core/options";

/**
 * Rebuilds the document from a flattened object (JSON text, bytes, or the object itself).
 * Array indexes create arrays and missing indexes become `null`; conflicting paths throw `PATH_CONFLICT`.
 *
 * @example
 * unflatten({ "a[0].b": 1, "a[2]": true }) // { a: [{ b: 1 }, null, true] }
 * unflatten('{"/a/b":1}', { style: "pointer" }) // { a: { b: 1 } }
 */
export function unflatten(input: JsonInput, options?: UnflattenOptions): unknown {
  const o = resolveOptions(options);
  if (o.bigint === "bigint") {
    throw new JsonFlatError("INVALID_OPTION", 'unflatten supports bigint: "number" or "string"');
  }
  return JSON.parse(native().unflattenText(toBytes(input), o, { bigintAsString: o.bigint === "string" }).text);
}

/**
 * Rebuilds the document as compact JSON bytes owned by the native library (no copy).
 *
 * @example
 * new TextDecoder().decode(unflattenBytes('{"a.b":1}')) // '{"a":{"b":1}}'
 */
export function unflattenBytes(input: JsonInput, options?: UnflattenOptions): NativeBytes & NativeOutput {
  const o = resolveOptions(options);
  return native().unflattenBytes(toBytes(input), o, { bigintAsString: o.bigint === "string" });
}
