/**
 * @module table/options — what a CSV or TSV table is made of (format, columns and where they come from,
 * unknown paths, arrays joined or exploded, line ends), checked once for every front end, and the spec the
 * native table compiles.
 */
import { JsonFlatError } from "../core/errors";
import type { FlattenOptions } from "../core/options";
import type { LineStreamOptions } from "../lines/stream";

/** Output format: RFC 4180 CSV, or TSV with `\t` `\n` `\r` `\\` escapes. */
export type TableFormat = "csv" | "tsv";

/** A leaf path that is not a column: kept in a last `_extra` cell, an error naming it, or dropped. */
export type UnknownPolicy = "extra" | "error" | "ignore";

/**
 * Options of the table calls: the flatten options that shape paths (`style`, `delimiter`, `maxDepth`,
 * `arrays`, `maxNesting`, `replaceInvalidUtf8`), how lines are read, and the table's own.
 *
 * @example
 * const o: TableOptions = { format: "csv", column: 5, explode: "authors", join: ";", onError: "skip" };
 */
export interface TableOptions extends Omit<FlattenOptions, "mode" | "bigint">, LineStreamOptions {
  /** `csv` (default) or `tsv`. */
  format?: TableFormat;
  /** The columns, as leaf paths in `style`, in order. Default: discovered (see `sample`). */
  columns?: readonly string[];
  /**
   * Without `columns`: discover them from the first `sample` lines. Default: a whole first pass over a file
   * (a file can be read twice), and the first 1,000 lines of a stream or buffer.
   */
  sample?: number;
  /**
   * Leaf paths that are not columns. Default `extra` (a last `_extra` column holds them as a JSON object),
   * except after a whole first pass, where every path is a column and `error` is the default.
   */
  unknown?: UnknownPolicy;
  /** Write an array of scalars as one cell, its values joined by this string (1-32 bytes). */
  join?: string;
  /** One row per element of the array at this path; the element's leaves are columns under the path. */
  explode?: string;
  /** `lf` (default) or `crlf` after each row. */
  lineEnd?: "lf" | "crlf";
  /** Write the header row; default true. */
  header?: boolean;
}

/** Lines read to discover columns from a stream or buffer when `sample` is not given. */
export const DEFAULT_SAMPLE = 1000;

const FORMATS: readonly TableFormat[] = ["csv", "tsv"];
const POLICIES: readonly UnknownPolicy[] = ["extra", "error", "ignore"];
const encoder = new TextEncoder();

function check(ok: boolean, message: string): void {
  if (!ok) throw new JsonFlatError("INVALID_OPTION", message);
}

/**
 * Checks the table's own options; throws `INVALID_OPTION` naming the first bad one.
 *
 * @example
 * checkTableOptions({ format: "xlsx" as never }) // throws: format must be csv or tsv
 */
export function checkTableOptions(o: TableOptions): void {
  check(o.format === undefined || FORMATS.includes(o.format), `format must be csv or tsv; got ${String(o.format)}`);
  check(o.unknown === undefined || POLICIES.includes(o.unknown), `unknown must be extra, error or ignore; got ${String(o.unknown)}`);
  check(o.lineEnd === undefined || o.lineEnd === "lf" || o.lineEnd === "crlf", `lineEnd must be lf or crlf; got ${String(o.lineEnd)}`);
  check(o.sample === undefined || (Number.isSafeInteger(o.sample) && o.sample >= 1), `sample must be a whole number ≥ 1; got ${o.sample}`);
  check(o.columns === undefined || (Array.isArray(o.columns) && o.columns.every((c) => typeof c === "string")), "columns must be an array of path strings");
  check(o.columns === undefined || o.sample === undefined, "columns and sample exclude each other: the columns are given");
  const joinBytes = o.join === undefined ? 1 : encoder.encode(o.join).byteLength;
  check(joinBytes >= 1 && joinBytes <= 32, "join must be a string of 1 to 32 bytes");
  check(o.explode === undefined || (typeof o.explode === "string" && o.explode.length > 0), "explode must be a non-empty path");
}

/** What the native table is compiled from (jf_table_compile's spec). */
export interface TableSpec {
  format?: TableFormat;
  columns?: readonly string[];
  unknown?: UnknownPolicy;
  join?: string;
  explode?: string;
  lineEnd?: "lf" | "crlf";
  header?: boolean;
  records?: boolean;
  discover?: boolean;
  /** Discover and write the rows as records to finish later (table/spool). */
  spool?: boolean;
}

/**
 * The native spec of a table: for writing rows with `columns`, or for discovering them.
 *
 * @example
 * tableSpec({ join: ";" }, { discover: true }) // '{"join":";","discover":true}' as bytes
 */
export function tableSpec(o: TableOptions, extra: Partial<TableSpec>): Uint8Array {
  const spec: TableSpec = {
    format: o.format,
    unknown: o.unknown,
    join: o.join,
    explode: o.explode,
    lineEnd: o.lineEnd,
    header: o.header,
    ...extra,
  };
  if (spec.discover || spec.spool) {
    delete spec.columns;
    delete spec.unknown;
  }
  return encoder.encode(JSON.stringify(spec));
}
