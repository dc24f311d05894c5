/**
 * @module jsonflat/flat — a drop-in replacement for npm `flat` 6.0.1's `flatten` and `unflatten`: the same
 * options, the same results (key order and quirks included), with large plain JSON data done by the
 * native core.
 *
 * Every call decides cheaply which engine gives flat's exact result faster:
 * - the native core (`style: "flat"`) for plain JSON data large enough to repay the round trip through
 *   JSON text (see `flat/native-route`) and, for unflatten, keys the core reads as flat does;
 * - a TypeScript port of flat for everything else: values JSON cannot carry (undefined, functions, Dates,
 *   Buffers, class instances, NaN, ±Infinity, -0, bigints, symbols, sparse arrays, cycles), `transformKey`,
 *   odd option values, keys the core reads differently (`"01"`, `"1e3"`, `""`, holes in arrays,
 *   `constructor`), paths the core refuses as conflicting, and small inputs.
 *
 * @example
 * import { flatten, unflatten } from "jsonflat/flat";
 * flatten({ a: { b: [1, 2] } })             // { "a.b.0": 1, "a.b.1": 2 }
 * unflatten({ "a.b.0": 1, "a.b.1": 2 })     // { a: { b: [1, 2] } }
 */
import { portFlatten } from "./flatten-port";
import {
  coreFlattenOptions,
  coreUnflattenOptions,
  flattenWithCore,
  unflattenWithCore,
} from "./native-calls";
import { flattensNatively, unflattensNatively } from "./native-route";
import { nativeUnflattenAgrees } from "./native-unflatten-agrees";
import type { FlatFlattenOptions, FlatUnflattenOptions } from "./options";
import { plainJsonShape } from "./plain-json";
import { portUnflatten } from "./unflatten-port";
import { tagOf } from "./value-kinds";

export type { FlatFlattenOptions, FlatUnflattenOptions } from "./options";

/**
 * Flattens a nested object into one level of `delimiter`-joined paths, exactly as npm `flat`'s `flatten`.
 * Arrays are numbered (`a.0`) unless `safe` keeps them whole; empty objects and arrays are kept as values.
 *
 * @example
 * flatten({ key1: { keyA: "valueI" }, key3: { a: { b: { c: 2 } } } })
 * // { "key1.keyA": "valueI", "key3.a.b.c": 2 }
 * flatten({ a: { b: { c: 1 } }, d: [1] }, { maxDepth: 2, safe: true, delimiter: "_" })
 * // { a_b: { c: 1 }, d: [1] }
 */
export function flatten<T = unknown, R = Record<string, unknown>>(target: T, options?: FlatFlattenOptions): R {
  const o = options || {};
  const core = coreFlattenOptions(o);
  if (core && typeof target === "object" && target !== null) {
    const shape = plainJsonShape(target);
    const result = shape && flattensNatively(shape) ? flattenWithCore(target, core) : undefined;
    if (result) return result as R;
  }
  return portFlatten(target, o) as R;
}

/**
 * Rebuilds a nested object from `delimiter`-joined keys, exactly as npm `flat`'s `unflatten`. Numeric
 * segments make arrays unless `object` is set; `overwrite` lets a nested path replace a value in its way.
 * Anything but a plain object is returned unchanged.
 *
 * @example
 * unflatten({ "three.levels.deep": 42, "three.levels": { nested: true } })
 * // { three: { levels: { deep: 42, nested: true } } }
 * unflatten({ TRAVIS: "true", "TRAVIS.DIR": "/home" }, { overwrite: true })
 * // { TRAVIS: { DIR: "/home" } }
 */
export function unflatten<T = unknown, R = unknown>(target: T, options?: FlatUnflattenOptions): R {
  const o = options || {};
  const core = coreUnflattenOptions(o);
  if (
    core && tagOf(target) === "[object Object]" && Object.getPrototypeOf(target) === Object.prototype &&
    unflattensNatively(target as object) &&
    nativeUnflattenAgrees(target as Record<string, unknown>, core.delimiter, core.object)
  ) {
    const result = unflattenWithCore(target as object, core);
    if (result) return result as R;
  }
  return portUnflatten(target, o) as R;
}

/**
 * Both functions on one object, as npm `flat`'s default export.
 *
 * @example
 * import flat from "jsonflat/flat";
 * flat.unflatten(flat.flatten({ a: [1] })) // { a: [1] }
 */
const flat = { flatten, unflatten };
export default flat;
