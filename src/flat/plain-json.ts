/**
 * @module flat/plain-json — decides in one cheap walk whether a JS value survives `JSON.stringify` unchanged
 * (so flattening its JSON text natively gives what npm `flat` gives for the value itself), and measures
 * what the round trip through text would cost.
 */

/**
 * The size and make-up of a plain JSON value, which decide whether the native route pays off.
 *
 * @example
 * const shape: PlainJsonShape = { values: 4, numbers: 1 }; // { a: [1, "xy"] }
 */
export interface PlainJsonShape {
  /** Every value, containers included. */
  values: number;
  /** Number values. */
  numbers: number;
}

/**
 * Deeper values go to the TypeScript port: it recurses as `flat` does (and so fails as `flat` does on a
 * cycle), and this walk must not overflow the stack on a cycle.
 */
const MAX_WALK_DEPTH = 1000;

/**
 * The shape of `value` when it is plain JSON data, else undefined.
 * Plain means: strings, booleans, `null`, finite numbers other than `-0`, dense arrays and objects whose
 * prototypes are exactly `Array.prototype` / `Object.prototype`, with no members JSON would skip. Not plain:
 * undefined, functions, symbols, bigints, NaN, ±Infinity, -0, Dates, Buffers, class instances, null-prototype
 * objects, sparse arrays, named members on arrays, cycles.
 *
 * @example
 * plainJsonShape({ a: [1, "xy"] })  // { values: 4, numbers: 1 }
 * plainJsonShape({ a: new Date() }) // undefined
 */
export function plainJsonShape(value: unknown): PlainJsonShape | undefined {
  const shape: PlainJsonShape = { values: 0, numbers: 0 };
  return measure(value, 0, shape) ? shape : undefined;
}

function measure(value: unknown, depth: number, shape: PlainJsonShape): boolean {
  shape.values++;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      shape.numbers++;
      // JSON writes NaN and ±Infinity as null, and -0 as 0.
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case "object":
      if (value === null) return true;
      break;
    default:
      return false;
  }
  if (depth >= MAX_WALK_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    // A hole reads as undefined and fails here.
    for (let i = 0; i < value.length; i++) if (!measure(value[i], depth + 1, shape)) return false;
    // flat walks named members of an array (its Object.keys); JSON drops them.
    return Object.keys(value).length === value.length;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!measure((value as Record<string, unknown>)[key], depth + 1, shape)) return false;
  return true;
}
