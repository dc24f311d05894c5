/**
 * @module flat/options — the options of npm `flat` 6.0.1's `flatten` and `unflatten`, read the way it reads
 * them (`delimiter || "."`, any truthy `safe`/`object`/`overwrite`, `maxDepth` falsy meaning no limit).
 */

/**
 * Options of `flatten`, as in npm `flat`.
 *
 * @example
 * flatten({ a: { b: [1] } }, { delimiter: "_", safe: true }) // { a_b: [1] }
 */
export interface FlatFlattenOptions {
  /** Joins the keys of a path; default `.` (an empty string also means `.`). */
  delimiter?: string;
  /** Stop after this many levels and keep the rest of the subtree as one value; falsy means no limit. */
  maxDepth?: number;
  /** Keep arrays below the root whole instead of numbering their elements. */
  safe?: boolean;
  /** Rewrites every key before it is joined. */
  transformKey?: (key: string) => string;
}

/**
 * Options of `unflatten`, as in npm `flat`. `maxDepth` and `safe` apply where `unflatten` flattens values
 * that are themselves non-empty objects or arrays before splitting their keys.
 *
 * @example
 * unflatten({ "a.0": 1 }, { object: true }) // { a: { "0": 1 } }
 */
export interface FlatUnflattenOptions extends FlatFlattenOptions {
  /** Never create arrays: numeric keys stay object members. */
  object?: boolean;
  /** Replace a value that stands where a nested path needs an object, instead of dropping that path. */
  overwrite?: boolean;
}

/**
 * The delimiter `flat` uses for these options: any falsy value means `.`.
 *
 * @example
 * delimiterOf({ delimiter: "" }) // "."
 */
export function delimiterOf(options: FlatFlattenOptions): string {
  return options.delimiter || ".";
}
