/**
 * @module cli/table — `jsonflat flatten --to csv|tsv`: NDJSON (or one document) as a table, with columns
 * from `--columns`, `--columns-from FILE` (a JSON array or a `jsonflat schema` output), `--sample N`, or a
 * first pass over a FILE input.
 */
import type { ParseArgsConfig } from "node:util";
import { JsonFlatError } from "../core/errors";
import { isRemote } from "../lines/sources";
import type { FlattenOptions } from "../core/options";
import type { LineStreamOptions, StreamProgress } from "../lines/stream";
import type { TableFormat, TableOptions, UnknownPolicy } from "../table/options";

/** The table flags, merged into the CLI's own. */
export const TABLE_OPTIONS = {
  to: { type: "string" },
  columns: { type: "string" },
  "columns-from": { type: "string" },
  sample: { type: "string" },
  unknown: { type: "string" },
  join: { type: "string" },
  explode: { type: "string" },
  "line-end": { type: "string" },
  "no-header": { type: "boolean" },
} satisfies ParseArgsConfig["options"];

/** The table flags as parsed. */
export interface TableFlags {
  to?: string;
  columns?: string;
  "columns-from"?: string;
  sample?: string;
  unknown?: string;
  join?: string;
  explode?: string;
  "line-end"?: string;
  "no-header"?: boolean;
  /** The CLI's own flags, read here when --to is given. */
  workers?: string;
  "range-bytes"?: string;
}

/** The table options of the flags, with how many coworkers write the rows. */
export interface TableRun extends TableOptions {
  /** Coworkers (above 1: the rows of a FILE are written on the pool, see table/parallel). */
  workers?: number;
  /** Input bytes per coworker range. */
  rangeBytes?: number;
}

/** The `--help` lines of the table flags. */
export const TABLE_HELP = `Table options (flatten --to csv|tsv; one row per document, one column per leaf path, header first):
      --to csv|tsv         CSV (RFC 4180: quoted when a cell holds , " CR or LF; "" is the empty string, an
                           empty cell null) or TSV (\\t \\n \\r \\\\ escaped); numbers exactly as in the input
                           (without --ndjson: a root array is one row per element)
      --columns A,B.C      the columns, in order (paths in --style)
      --columns-from FILE  columns from a JSON array of paths or a 'jsonflat schema' output (its [] markers
                           dropped: the column of a --join or --explode array)
      --sample N           columns from the first N lines (default: a first pass over FILE; 1000 for stdin)
      --unknown extra|error|ignore      a path that is not a column: a last _extra cell holding a JSON object
                           (default; error after a first pass, which finds every path), an error naming it, or
                           dropped
      --join SEP           an array of scalars is one cell, its values joined by SEP
      --explode PATH       one row per element of the array at PATH (columns PATH.key...); an empty or
                           missing array gives one row with those cells empty
      --line-end lf|crlf   after each row (default lf)
      --no-header          no header row
      --workers N          write the rows of FILE in N coworkers (the first pass too); the same bytes as one
                           thread (--range-bytes N: input bytes per coworker range)
      With --on-error emit, a last _error column holds each bad line's error as JSON.
`;

/** A mistake in the table flags (the CLI reports it as a usage error). */
export class TableUsageError extends Error {}

function pick<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new TableUsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
}

/** Schema keys as table columns: without the grouped array markers (`[]`, `/[]`). */
function schemaColumns(schema: Record<string, unknown>): string[] {
  const seen = new Set<string>();
  for (const key of Object.keys(schema)) seen.add(key.replaceAll("/[]", "").replaceAll("[]", ""));
  return [...seen];
}

/** The columns of `--columns-from FILE`: a JSON array of path strings, or a schema object. */
async function columnsFrom(file: string): Promise<string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await Bun.file(file).text());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw error;
    throw new JsonFlatError("INVALID_OPTION", `--columns-from ${file}: not JSON (${(error as Error).message})`);
  }
  if (Array.isArray(parsed) && parsed.every((c) => typeof c === "string")) return parsed;
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return schemaColumns(parsed as Record<string, unknown>);
  throw new JsonFlatError("INVALID_OPTION", `--columns-from ${file}: expected a JSON array of paths or a schema object`);
}

/**
 * The table options of the flags (undefined without `--to`).
 *
 * @example
 * await tableOptionsOf({ to: "csv", join: ";" }) // { format: "csv", join: ";", ... }
 */
export async function tableOptionsOf(flags: TableFlags): Promise<TableRun | undefined> {
  const format = pick<TableFormat>("to", flags.to, ["csv", "tsv"]);
  const tableOnly = (Object.keys(TABLE_OPTIONS) as (keyof TableFlags)[]).filter((k) => k !== "to" && flags[k] !== undefined);
  if (!format) {
    if (tableOnly.length) throw new TableUsageError(`--${tableOnly[0]} applies to flatten --to csv|tsv only`);
    return undefined;
  }
  const given = ["columns", "columns-from", "sample"].filter((k) => flags[k as keyof TableFlags] !== undefined);
  if (given.length > 1) throw new TableUsageError(`--${given[0]} and --${given[1]} exclude each other`);
  const sample = flags.sample === undefined ? undefined : Number(flags.sample);
  if (sample !== undefined && (!Number.isSafeInteger(sample) || sample < 1)) throw new TableUsageError(`--sample expects a whole number ≥ 1, got "${flags.sample}"`);
  return {
    format,
    columns: flags["columns-from"] !== undefined ? await columnsFrom(flags["columns-from"]) : flags.columns?.split(","),
    sample,
    unknown: pick<UnknownPolicy>("unknown", flags.unknown, ["extra", "error", "ignore"]),
    join: flags.join,
    explode: flags.explode,
    lineEnd: pick("line-end", flags["line-end"], ["lf", "crlf"] as const),
    header: flags["no-header"] ? false : undefined,
    workers: count("workers", flags.workers),
    rangeBytes: count("range-bytes", flags["range-bytes"]),
  };
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || value.trim() === "") throw new TableUsageError(`--${name} expects a whole number ≥ 1, got "${value}"`);
  return n;
}

/** What a table run did, for `--summary`. */
export interface TableSummary {
  bytesIn: number;
  documents: number;
  leaves: number;
  errors: number;
}

/**
 * Writes FILE (or stdin, `-`) as a table: NDJSON chunk by chunk, or one document.
 *
 * @example
 * await tableCommand("works.ndjson", true, { format: "csv" }, {}, {}, out, () => Bun.file("works.ndjson").bytes());
 */
export async function tableCommand(
  file: string,
  ndjson: boolean,
  table: TableRun,
  flatten: Omit<FlattenOptions, "mode" | "bigint">,
  lines: LineStreamOptions,
  out: { write(bytes: Uint8Array): Promise<void> },
  readDocument: () => Promise<Uint8Array>,
): Promise<TableSummary> {
  const { workers = 1, rangeBytes, ...own } = table;
  const options: TableOptions = { ...flatten, ...lines, ...own };
  if (workers > 1 && (file === "-" || isRemote(file))) {
    throw new JsonFlatError("INVALID_OPTION", "--workers needs a local FILE, not standard input or a URL");
  }
  // Loaded here, not at the top: the CLI imports this file for its flags on every run, tables or not.
  const { tableDocument, tableStream } = await import("../table/table");
  if (!ndjson) {
    const input = await readDocument();
    const bytes = tableDocument(input, options);
    try {
      await out.write(bytes);
      return { bytesIn: input.byteLength, documents: 1, leaves: bytes.leaves, errors: 0 };
    } finally {
      bytes.dispose();
    }
  }
  const chunks =
    workers > 1
      ? (await import("../table/parallel")).tableFileParallel(file, { ...options, workers, rangeBytes, readBytes: options.chunkBytes })
      : tableStream(file === "-" ? Bun.stdin.stream() : file, options);
  for (;;) {
    const next = await chunks.next();
    if (next.done) {
      const p = next.value as StreamProgress;
      return { bytesIn: p.bytesRead, documents: p.documents, leaves: p.leaves, errors: p.errors };
    }
    await out.write(next.value);
  }
}
