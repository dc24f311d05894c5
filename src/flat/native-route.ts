/**
 * @module flat/native-route — when the native core is worth its round trip through JSON text.
 *
 * From a JS object to a JS object the native route costs a walk that proves the value is plain JSON,
 * `JSON.stringify`, the core, and `JSON.parse` of the result (which copies every string twice more), while
 * the TypeScript port walks the object in place and shares its strings. Measured on Bun 1.4.4, 2 cores,
 * median of 21 runs each after a full GC, 5 processes:
 * - flatten: the port wins below ~10k values (1.3x at 1,100) and on string-rich or container-rich data
 *   (twitter.json 1.7x, citm_catalog.json 1.3x); only large number-dominated data (canada.json, 66% numbers)
 *   is as fast or faster through the core (0.8-1.1x). So only that goes to the core.
 * - unflatten: flat's key splitting is slow and the core's is not; even at ~128 keys, the core ahead
 *   from a few hundred keys (1.35x at 680 keys, 1.5x on twitter.json, 2x on canada.json).
 */
import type { PlainJsonShape } from "./plain-json";

/**
 * Plain JSON documents with fewer values than this are flattened by the port.
 *
 * @example
 * flattensNatively({ values: NATIVE_FLATTEN_MIN_VALUES - 1, numbers: 0 }) // false
 */
export const NATIVE_FLATTEN_MIN_VALUES = 4096;
/**
 * The share of numbers among the values from which the core flattens at least as fast as the port.
 *
 * @example
 * flattensNatively({ values: 10_000, numbers: 10_000 * NATIVE_FLATTEN_MIN_NUMBER_SHARE }) // true
 */
export const NATIVE_FLATTEN_MIN_NUMBER_SHARE = 0.6;
/**
 * Flattened objects with fewer keys than this are unflattened by the port.
 *
 * @example
 * unflattensNatively(Object.fromEntries(Array.from({ length: NATIVE_UNFLATTEN_MIN_KEYS }, (_, i) => [`k${i}`, i]))) // true
 */
export const NATIVE_UNFLATTEN_MIN_KEYS = 256;

/**
 * True when flattening a plain JSON document of this shape natively is expected to be at least as fast.
 *
 * @example
 * flattensNatively({ values: 100_000, numbers: 70_000 }) // true
 * flattensNatively({ values: 100_000, numbers: 10_000 }) // false: string-rich, the port is faster
 */
export function flattensNatively(shape: PlainJsonShape): boolean {
  return shape.values >= NATIVE_FLATTEN_MIN_VALUES && shape.numbers >= shape.values * NATIVE_FLATTEN_MIN_NUMBER_SHARE;
}

/**
 * True when `flattened` has enough keys for the native unflatten to pay off (counted up to the threshold
 * only, without listing every key).
 *
 * @example
 * unflattensNatively({ a: 1 }) // false
 */
export function unflattensNatively(flattened: object): boolean {
  let seen = 0;
  for (const _ in flattened) if (++seen >= NATIVE_UNFLATTEN_MIN_KEYS) return true;
  return false;
}
