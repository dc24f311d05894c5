/**
 * @module flat/native-calls — npm `flat`'s options in the native core's terms, and the core's `flat`-style
 * flatten/unflatten on JS values, with the few touches that make their results flat's.
 */
import { JsonFlatError } from "../core/errors";
import { flatten as flattenDocument } from "../document/flatten";
import { MAX_DELIMITER_BYTES } from "../core/options";
import { unflatten as unflattenDocument } from "../document/unflatten";
import { delimiterOf, type FlatFlattenOptions, type FlatUnflattenOptions } from "./options";

/**
 * flat's flatten options as the core reads them.
 *
 * @example
 * const options: CoreFlattenOptions = { delimiter: "_", maxDepth: 2, safe: true };
 */
export interface CoreFlattenOptions {
  delimiter: string;
  /** undefined: no limit. */
  maxDepth: number | undefined;
  safe: boolean;
}

/**
 * flat's unflatten options as the core and `nativeUnflattenAgrees` read them.
 *
 * @example
 * const options: CoreUnflattenOptions = { delimiter: ".", object: false };
 */
export interface CoreUnflattenOptions {
  delimiter: string;
  object: boolean;
}

/** Errors the core raises because of the data; flat has an answer for such data, so the port gives it. */
const DATA_ERRORS: ReadonlySet<string> = new Set(["INVALID_JSON", "NESTING_TOO_DEEP", "PATH_CONFLICT", "INVALID_PATH"]);

/**
 * The core's reading of flat's flatten options, or undefined when only the port reads them as flat does
 * (`transformKey`, a non-string or over-long delimiter, a `maxDepth` that is not a whole number of levels).
 *
 * @example
 * coreFlattenOptions({ delimiter: "", maxDepth: 0 }) // { delimiter: ".", maxDepth: undefined, safe: false }
 * coreFlattenOptions({ maxDepth: 1.5 })              // undefined
 */
export function coreFlattenOptions(options: FlatFlattenOptions): CoreFlattenOptions | undefined {
  const delimiter = coreDelimiter(options);
  const maxDepth: unknown = options.maxDepth;
  if (options.transformKey || delimiter === undefined) return undefined;
  // flat: a falsy maxDepth means no limit; otherwise it descends while depth < maxDepth.
  if (!maxDepth) return { delimiter, maxDepth: undefined, safe: Boolean(options.safe) };
  if (!Number.isInteger(maxDepth) || (maxDepth as number) < 1 || (maxDepth as number) > 0xffff_ffff) return undefined;
  return { delimiter, maxDepth: maxDepth as number, safe: Boolean(options.safe) };
}

/**
 * The core's reading of flat's unflatten options, or undefined when only the port reads them as flat does.
 * `overwrite` only matters where paths conflict, which the core refuses; `safe` and `maxDepth` only where a
 * value is a non-empty object, which `nativeUnflattenAgrees` refuses.
 *
 * @example
 * coreUnflattenOptions({ delimiter: "_", object: true }) // { delimiter: "_", object: true }
 */
export function coreUnflattenOptions(options: FlatUnflattenOptions): CoreUnflattenOptions | undefined {
  const delimiter = coreDelimiter(options);
  if (options.transformKey || delimiter === undefined) return undefined;
  return { delimiter, object: Boolean(options.object) };
}

/**
 * flat's `flatten` of `target` by the core, or undefined where the core's answer cannot be flat's (the port
 * then answers). `target` must be plain JSON data (see `plainJsonShape`) with at least one member: for an
 * empty root flat gives `{}` and the core `{"": {}}`.
 *
 * @example
 * flattenWithCore({ a: [{ b: 1 }] }, { delimiter: ".", maxDepth: undefined, safe: false }) // { "a.0.b": 1 }
 */
export function flattenWithCore(target: object, options: CoreFlattenOptions): Record<string, unknown> | undefined {
  try {
    const result = flattenDocument(JSON.stringify(target), {
      style: "flat",
      delimiter: options.delimiter,
      maxDepth: options.maxDepth,
      arrays: options.safe ? "leaf" : "index",
    });
    // A path spelled "__proto__" sets the prototype of flat's result; JSON.parse makes it a member.
    return Object.hasOwn(result, "__proto__") ? undefined : result;
  } catch (error) {
    if (isDataError(error)) return undefined;
    throw error;
  }
}

/**
 * flat's `unflatten` of `target` by the core, or undefined where the core refuses it (conflicting paths,
 * strings JSON cannot encode). `target` must be a plain object that `nativeUnflattenAgrees` accepts.
 *
 * @example
 * unflattenWithCore({ "0.a": 1, "1": 2 }, { delimiter: ".", object: false }) // { "0": { a: 1 }, "1": 2 }
 */
export function unflattenWithCore(target: object, options: CoreUnflattenOptions): Record<string, unknown> | undefined {
  try {
    const result = unflattenDocument(JSON.stringify(target), { style: "flat", delimiter: options.delimiter });
    // The core makes the root an array when its keys are 0, 1, ...; flat's root is always an object.
    return (Array.isArray(result) ? Object.assign({}, result) : result) as Record<string, unknown>;
  } catch (error) {
    if (isDataError(error)) return undefined;
    throw error;
  }
}

/** The delimiter to hand the core, or undefined when only the port can honour it. */
function coreDelimiter(options: FlatFlattenOptions): string | undefined {
  const delimiter: unknown = delimiterOf(options);
  if (typeof delimiter !== "string" || !delimiter.isWellFormed()) return undefined;
  // 3 UTF-8 bytes per UTF-16 unit at most, so short delimiters skip the encoding.
  if (delimiter.length * 3 <= MAX_DELIMITER_BYTES) return delimiter;
  return new TextEncoder().encode(delimiter).length <= MAX_DELIMITER_BYTES ? delimiter : undefined;
}

function isDataError(error: unknown): boolean {
  return error instanceof JsonFlatError && DATA_ERRORS.has(error.code);
}
