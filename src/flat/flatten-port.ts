/**
 * @module flat/flatten-port — npm `flat` 6.0.1's `flatten`, rewritten in TypeScript from its documented and
 * observed behaviour. It is the reference for every value the native core cannot see as JSON (Dates,
 * Buffers, functions, `undefined`, class instances, cycles under `maxDepth`, ...) and for `transformKey`.
 */
import { delimiterOf, type FlatFlattenOptions } from "./options";
import { isBufferLike, isContainer, keepKey } from "./value-kinds";

/**
 * Flattens `target` exactly as `flat` does. Quirks kept on purpose:
 * - the root's own enumerable keys are always walked (a string root gives its characters, a number `{}`,
 *   `null`/`undefined` throw the `TypeError` of `Object.keys`), and `safe` never keeps the root array whole;
 * - a path prefix that is `""` (or any falsy key from `transformKey`) is dropped rather than joined;
 * - empty objects/arrays, buffers and non-plain objects are leaves and are returned by reference;
 * - later paths overwrite earlier equal ones but keep the first one's position.
 *
 * @example
 * portFlatten({ "": { a: 1 }, b: [2] }) // { a: 1, "b.0": 2 }
 */
export function portFlatten(target: unknown, options: FlatFlattenOptions = {}): Record<string, unknown> {
  const delimiter = delimiterOf(options);
  const transformKey = options.transformKey || keepKey;
  const output: Record<string, unknown> = {};

  function walk(container: Record<string, unknown>, keys: string[], prefix: unknown, depth: number): void {
    for (const key of keys) {
      const value = container[key];
      const transformed: unknown = transformKey(key);
      // Joined with `+` and tested for truthiness, as flat does: a non-string key from transformKey works.
      const path = prefix ? (prefix as string) + delimiter + (transformed as string) : transformed;
      // Only objects (and functions, through Symbol.toStringTag) can be walked into: flat's other tests
      // cannot change a primitive's fate.
      if (
        ((typeof value === "object" && value !== null) || typeof value === "function") &&
        !(options.safe && Array.isArray(value)) && !isBufferLike(value) && isContainer(value) &&
        (!options.maxDepth || depth < options.maxDepth)
      ) {
        const inner = Object.keys(value);
        if (inner.length) {
          walk(value as Record<string, unknown>, inner, path, depth + 1);
          continue;
        }
      }
      output[path as string] = value;
    }
  }

  walk(target as Record<string, unknown>, Object.keys(target as object), undefined, 1);
  return output;
}
