/**
 * @module flat/unflatten-port — npm `flat` 6.0.1's `unflatten`, rewritten in TypeScript from its documented
 * and observed behaviour. Used whenever the native core's reading of a path would differ from flat's.
 */
import { portFlatten } from "./flatten-port";
import { delimiterOf, type FlatUnflattenOptions } from "./options";
import { isBufferLike, isContainer, keepKey, tagOf } from "./value-kinds";

/**
 * Unflattens `target` exactly as `flat` does. Quirks kept on purpose:
 * - anything but a plain-tagged object (arrays, scalars, Dates, buffers) comes back unchanged;
 * - values that are non-empty objects or arrays are first flattened (with the same options) and their keys
 *   joined under the member's key, so keys inside them are split too;
 * - a segment is a number when `Number(segment)` is not NaN and it has no `.` (`""`, `"01"`, `"1e3"`, `" 1"`
 *   are numbers; they become keys `"0"`, `"1"`, `"1000"`, `"1"`), unless `object` is set; a missing container
 *   becomes an array when the segment after it is a number, so indexes can leave holes;
 * - without `overwrite`, a path through an existing non-container value (or an inherited property such as
 *   `constructor`) is dropped; a `__proto__` segment before the last drops the path;
 * - leaf values are unflattened again, so an empty class instance becomes `{}`.
 *
 * @example
 * portUnflatten({ "a.1": "x", "b.01": "y" }) // { a: [ , "x"], b: [ , "y"] }
 */
export function portUnflatten(target: unknown, options: FlatUnflattenOptions = {}): unknown {
  const delimiter = delimiterOf(options);
  const overwrite = options.overwrite || false;
  const transformKey = options.transformKey || keepKey;

  if (isBufferLike(target) || tagOf(target) !== "[object Object]") return target;
  const source = target as Record<string, unknown>;

  function segmentOf(key: unknown): unknown {
    const number = Number(key);
    return Number.isNaN(number) || (key as string).indexOf(".") !== -1 || options.object ? key : number;
  }

  // Non-empty containers among the values are flattened first, so their keys are split like any other.
  const flatSource: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (!isContainer(value) || isEmptyContainer(value)) {
      flatSource[key] = value;
      continue;
    }
    const inner = portFlatten(value, options);
    for (const innerKey of Object.keys(inner)) flatSource[key + delimiter + innerKey] = inner[innerKey];
  }

  const result: Record<string, unknown> = {};
  keys: for (const key of Object.keys(flatSource)) {
    const parts = key.split(delimiter).map(transformKey);
    let next = 1;
    let current = segmentOf(parts[0]) as string;
    let following = segmentOf(parts[next]);
    let recipient: Record<string, unknown> = result;
    while (following !== undefined) {
      if (current === "__proto__") continue keys;
      const existing = recipient[current];
      const nested = isContainer(existing);
      if (!overwrite && !nested && typeof existing !== "undefined") continue keys;
      if ((overwrite && !nested) || (!overwrite && existing == null)) {
        recipient[current] = typeof following === "number" && !options.object ? [] : {};
      }
      recipient = recipient[current] as Record<string, unknown>;
      current = segmentOf(parts[next++]) as string;
      following = segmentOf(parts[next]);
    }
    recipient[current] = portUnflatten(flatSource[key], options);
  }
  return result;
}

/** `flat`'s emptiness test for a container value: arrays by `length`, objects by own enumerable keys. */
function isEmptyContainer(value: Record<string, unknown>): boolean {
  return tagOf(value) === "[object Array]" ? value.length === 0 : Object.keys(value).length === 0;
}
