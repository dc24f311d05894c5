/**
 * @module flat/native-route — when the native core is worth its round trip through JSON text.
 *
 * From a JS object to a JS object the native route costs `JSON.stringify`, the core, and `JSON.parse` of
 * the result (which copies every string twice more), while the TypeScript port walks the object in place
 * and shares its strings. Measured on Bun 1.4.4, 2 cores, each run after a full GC:
 * - flatten: the port is ahead up to a few thousand values (1.3x at 1,100); from ~10k values the two are
 *   within 10% of each other, the core ahead on number-heavy data (canada.json 1.1-1.5x) and behind on
 *   string-rich data (twitter.json, 10 string chars per value: 1.3-1.5x).
 * - unflatten: flat's splitting is slow and the core's key scan is cheap; even at ~128 keys, the core
 *   ahead from a few hundred keys (1.35x at 680 keys, 1.2x on twitter.json, 2.5x on canada.json).
 */
import type { PlainJsonShape } from "./plain-json";

/** Plain JSON documents with fewer values than this are flattened by the port. */
export const NATIVE_FLATTEN_MIN_VALUES = 4096;
/** String UTF-16 units per value above which the port stays faster at any size. */
export const NATIVE_FLATTEN_MAX_STRING_CHARS_PER_VALUE = 2;
/** Flattened objects with fewer keys than this are unflattened by the port. */
export const NATIVE_UNFLATTEN_MIN_KEYS = 256;

/**
 * True when flattening a plain JSON document of this shape natively is expected to be at least as fast.
 *
 * @example
 * flattensNatively({ values: 100_000, stringChars: 20_000 }) // true
 * flattensNatively({ values: 100, stringChars: 0 })          // false
 */
export function flattensNatively(shape: PlainJsonShape): boolean {
  return shape.values >= NATIVE_FLATTEN_MIN_VALUES &&
    shape.stringChars <= shape.values * NATIVE_FLATTEN_MAX_STRING_CHARS_PER_VALUE;
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
