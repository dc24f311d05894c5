/**
 * @module core/options — the options every flatten/unflatten front end accepts, and their validation.
 */
import { JsonFlatError } from "./errors";

/** How a path is spelled: `js` (`a.b["c d"][0]`), `pointer` (`/a/b/c d/0`) or `flat` (`a.b.c d.0`). */
export type PathStyle = "js" | "pointer" | "flat";

/**
 * `leaf`: path → value for every leaf. `grouped`: grouped path (indexes as `[]`) → every value there.
 * `schema`: grouped path → type counts, documents and short key (SPEC section 4).
 */
export type FlattenMode = "leaf" | "grouped" | "schema";

/** How integers beyond ±(2^53−1) come back in JS results: rounded `number`, exact `string`, or `bigint`. */
export type BigIntMode = "number" | "string" | "bigint";

/**
 * Options of `flatten`, `flattenEntries` and `flattenBytes`.
 *
 * @example
 * flatten('{"a":[{"b":1}]}', { style: "pointer" }) // { "/a/0/b": 1 }
 */
export interface FlattenOptions {
  /** Path spelling; default `js`. */
  style?: PathStyle;
  /** Separator for `flat` style; default `.`; 1 to 32 bytes. */
  delimiter?: string;
  /** Output shape; default `leaf`. */
  mode?: FlattenMode;
  /** Stop descending after this many levels and emit the subtree whole (as npm flat); default no limit. */
  maxDepth?: number;
  /** `leaf` keeps arrays whole as values (npm flat's `safe: true`); default `index`. */
  arrays?: "index" | "leaf";
  /** Reject documents nested deeper than this; default 10,000. */
  maxNesting?: number;
  /** Integers beyond ±(2^53−1) in object results; default `number`. */
  bigint?: BigIntMode;
  /**
   * Replace invalid UTF-8 and escaped lone surrogates (`"x\ud83d"`, which `JSON.stringify` writes for a
   * string cut inside a pair) with U+FFFD instead of failing with INVALID_JSON; default false.
   */
  replaceInvalidUtf8?: boolean;
}

/**
 * Options of `unflatten`.
 *
 * @example
 * unflatten({ "a[0].b": 1 }) // { a: [{ b: 1 }] }
 */
export interface UnflattenOptions {
  style?: PathStyle;
  delimiter?: string;
  maxNesting?: number;
  bigint?: BigIntMode;
  replaceInvalidUtf8?: boolean;
}

/** Options with every default filled in and every value checked. */
export interface ResolvedOptions {
  style: PathStyle;
  delimiter: string;
  mode: FlattenMode;
  maxDepth: number;
  arraysLeaf: boolean;
  maxNesting: number;
  bigint: BigIntMode;
  replaceInvalidUtf8: boolean;
}

/** Default nesting limit (SPEC section 2). */
export const DEFAULT_MAX_NESTING = 10_000;
/** Largest delimiter, in UTF-8 bytes. */
export const MAX_DELIMITER_BYTES = 32;

const encoder = new TextEncoder();
const STYLES: readonly PathStyle[] = ["js", "pointer", "flat"];
const MODES: readonly FlattenMode[] = ["leaf", "grouped", "schema"];
const BIGINTS: readonly BigIntMode[] = ["number", "string", "bigint"];

function invalid(message: string): never {
  throw new JsonFlatError("INVALID_OPTION", message);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  return invalid(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${String(value)}`);
}

function count(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= 0xffff_ffff) return value;
  return invalid(`${name} must be an integer from ${min} to 4294967295, got ${String(value)}`);
}

/**
 * Checks options and fills in defaults; throws `JsonFlatError` with code `INVALID_OPTION` on a bad value.
 *
 * @example
 * resolveOptions({ style: "flat", delimiter: "_" }).delimiter // "_"
 */
export function resolveOptions(options?: FlattenOptions | UnflattenOptions): ResolvedOptions {
  if (options === undefined) return DEFAULTS;
  const o = options as FlattenOptions;
  const delimiter = o.delimiter === undefined ? "." : o.delimiter;
  if (typeof delimiter !== "string" || delimiter.length === 0) invalid("delimiter must be a non-empty string");
  if (delimiter.length > MAX_DELIMITER_BYTES / 3 && encoder.encode(delimiter).length > MAX_DELIMITER_BYTES) {
    invalid(`delimiter must be at most ${MAX_DELIMITER_BYTES} bytes`);
  }
  const arrays = oneOf("arrays", o.arrays, ["index", "leaf"] as const, "index");
  return {
    style: oneOf("style", o.style, STYLES, "js"),
    delimiter,
    mode: oneOf("mode", o.mode, MODES, "leaf"),
    maxDepth: count("maxDepth", o.maxDepth, 0, 1),
    arraysLeaf: arrays === "leaf",
    maxNesting: count("maxNesting", o.maxNesting, DEFAULT_MAX_NESTING, 1),
    bigint: oneOf("bigint", o.bigint, BIGINTS, "number"),
    replaceInvalidUtf8: o.replaceInvalidUtf8 === true,
  };
}

/**
 * Checks the output format of the bytes calls (`object` or `entries`; default `object`).
 *
 * @example
 * resolveFormat(undefined) // "object"
 */
export function resolveFormat(format: unknown): "object" | "entries" {
  return oneOf("format", format, ["object", "entries"] as const, "object");
}

/** The defaults, resolved once: calls without options skip validation and re-encoding. */
const DEFAULTS: ResolvedOptions = Object.freeze(resolveOptions({}));
