/**
 * @module flat/value-kinds — how npm `flat` 6.0.1 classifies a value, spelled the way it tests it, so the
 * ports agree with it on odd values too (class instances, `Symbol.toStringTag`, duck-typed buffers).
 */

const toStringTag = Object.prototype.toString;

/**
 * `Object.prototype.toString`'s tag: `flat` walks into a value only when this is `[object Object]` or
 * `[object Array]`, so class instances are walked and Dates, Maps and typed arrays are leaves.
 *
 * @example
 * tagOf(new Date()) // "[object Date]"
 */
export function tagOf(value: unknown): string {
  return toStringTag.call(value);
}

/**
 * True for a value `flat` treats as a container: tagged `[object Object]` or `[object Array]`.
 *
 * @example
 * isContainer(Object.create(null)) // true
 * isContainer(new Map())           // false
 */
export function isContainer(value: unknown): value is Record<string, unknown> {
  const tag = toStringTag.call(value);
  return tag === "[object Object]" || tag === "[object Array]";
}

/**
 * `flat`'s duck-typed buffer test: the value's constructor has an `isBuffer` that says yes. Such values
 * are leaves even though their bytes have indexes.
 *
 * @example
 * isBufferLike(Buffer.from("a")) // true
 * isBufferLike(new Uint8Array(1)) // false
 */
export function isBufferLike(value: unknown): boolean {
  const ctor = value ? (value as { constructor?: { isBuffer?: unknown } }).constructor : undefined;
  return Boolean(ctor && typeof ctor.isBuffer === "function" && (ctor.isBuffer as (v: unknown) => boolean)(value));
}

/**
 * The key transform both ports use when the caller gives none.
 *
 * @example
 * keepKey("a") // "a"
 */
export function keepKey(key: string): string {
  return key;
}
