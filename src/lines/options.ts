/**
 * @module lines/options — how lines are read (onError, column, first line number, base offset), checked in
 * this one place for every NDJSON front end: library, pool, CLI, HTTP and journaled jobs.
 */
import { JsonFlatError } from "../core/errors";
import type { FlattenOptions } from "../core/options";
import type { LinesCall } from "../native";

/** What to do with a bad line: stop (`fail`), leave it out (`skip`), or write an error record (`emit`). */
export type OnError = "fail" | "skip" | "emit";

/**
 * How the lines of an NDJSON input are read; the same options for every operation.
 *
 * @example
 * const lines: LineOptions = { column: 5, onError: "skip" }; // Open Library dump lines
 */
export interface LineOptions {
  /** Bad lines; default `fail`. */
  onError?: OnError;
  /** 0 or absent: each line is a document; N: the Nth tab-separated field (Open Library dumps: 5). */
  column?: number;
  /**
   * Number of the first line; default 1, or for a `range` of a file the real number of the line it starts
   * at (its newlines before it are counted natively).
   */
  firstLine?: number;
  /** Byte offset of the input in its file, added to error offsets; default 0. */
  baseOffset?: number;
}

/**
 * Options of the NDJSON flatten calls: every flatten option, plus how lines are read.
 *
 * @example
 * flattenLines(bytes, { column: 5, onError: "skip" }) // Open Library dump lines
 */
export interface NdjsonOptions extends FlattenOptions, LineOptions {
  /** Output shape per line; default `object`. */
  format?: "object" | "entries";
}

/** Every `onError` mode; decoding takes only `fail` and `skip` (its values have no place for a record). */
export const ON_ERROR_MODES: readonly OnError[] = ["fail", "skip", "emit"];

function wholeNumber(name: string, value: number, least: number): number {
  if (!Number.isSafeInteger(value) || value < least) {
    throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ ${least}, got ${value}`);
  }
  return value;
}

/**
 * The line options checked and defaulted, as the native line engine takes them. `firstLine` is left out
 * when not given, so that a range of a file can count its real first line.
 *
 * @example
 * lineOptions({ onError: "emit", column: 5 }) // { onError: "emit", column: 5, firstLine: undefined, baseOffset: 0 }
 */
export function lineOptions(o: LineOptions, modes: readonly OnError[] = ON_ERROR_MODES): Omit<LinesCall, "firstLine"> & { firstLine?: number } {
  const onError = o.onError ?? "fail";
  if (!modes.includes(onError)) throw new JsonFlatError("INVALID_OPTION", `onError must be ${modes.join(", ")}; got ${String(onError)}`);
  return {
    onError,
    column: wholeNumber("column", o.column ?? 0, 0),
    firstLine: o.firstLine === undefined ? undefined : wholeNumber("firstLine", o.firstLine, 1),
    baseOffset: wholeNumber("baseOffset", o.baseOffset ?? 0, 0),
  };
}
