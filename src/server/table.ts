/**
 * @module server/table — CSV and TSV answers of `POST /flatten`: chosen by `Accept: text/csv` or
 * `text/tab-separated-values`, shaped by table parameters (`columns`, `sample`, `unknown`, `join`, `explode`,
 * `lineEnd`, `header`) taken out of the query before the flatten options are parsed.
 */
import { JsonFlatError } from "../core/errors";
import type { FlattenOptions } from "../core/options";
import type { LineStreamOptions } from "../lines/stream";
import type { TableFormat, TableOptions, UnknownPolicy } from "../table/options";
import { tableDocument, tableStream } from "../table/table";

/** Media types of the two table formats, as sent in `Content-Type`. */
export const TABLE_TYPES: Record<TableFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  tsv: "text/tab-separated-values; charset=utf-8",
};

const ACCEPTS: [string, TableFormat][] = [
  ["text/csv", "csv"],
  ["text/tab-separated-values", "tsv"],
];

/** Query parameter → table option (library and CLI spellings). */
const TABLE_PARAMS = new Map<string, keyof TableOptions>([
  ["columns", "columns"],
  ["sample", "sample"],
  ["unknown", "unknown"],
  ["join", "join"],
  ["explode", "explode"],
  ["lineEnd", "lineEnd"],
  ["line-end", "lineEnd"],
  ["header", "header"],
]);

function invalid(message: string): never {
  throw new JsonFlatError("INVALID_OPTION", message);
}

/**
 * The table format an `Accept` header asks for first, if any (a JSON or NDJSON type listed before it wins;
 * `q` weights are honoured, `q=0` refuses).
 *
 * @example
 * acceptedTable("text/csv, application/json;q=0.5") // "csv"
 */
export function acceptedTable(accept: string | null): TableFormat | undefined {
  if (!accept) return undefined;
  let best: { format: TableFormat | undefined; q: number } = { format: undefined, q: 0 };
  for (const item of accept.split(",")) {
    const [type = "", ...params] = item.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > best.q)) continue;
    const table = ACCEPTS.find(([t]) => t === type)?.[1];
    if (table || type === "application/json" || type === "application/x-ndjson") best = { format: table, q };
  }
  return best.format;
}

/**
 * Takes the table parameters out of `params` (so the flatten options parse as usual) and checks them.
 *
 * @example
 * takeTableParams(new URLSearchParams("columns=a,b&join=;"), "csv") // { format: "csv", columns: ["a","b"], join: ";" }
 */
export function takeTableParams(params: URLSearchParams, format: TableFormat): TableOptions {
  const table: Record<string, unknown> = { format };
  for (const [name, option] of TABLE_PARAMS) {
    const values = params.getAll(name);
    if (values.length === 0) continue;
    params.delete(name);
    if (values.length > 1 || option in table) invalid(`parameter "${option}" is given twice`);
    const text = values[0]!;
    if (option === "columns") table.columns = text.split(",");
    else if (option === "sample") table.sample = /^\d{1,9}$/.test(text) ? Number(text) : invalid(`sample must be a whole number, got "${text}"`);
    else if (option === "header") table.header = text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : invalid(`header must be true or false, got "${text}"`);
    else if (option === "unknown") table.unknown = text as UnknownPolicy;
    else if (option === "lineEnd") table.lineEnd = text as "lf" | "crlf";
    else table[option] = text;
  }
  return table as TableOptions;
}

/** The rows of a one-document body (a root array: one row per element). */
export function documentTable(body: Uint8Array, table: TableOptions, flatten: FlattenOptions) {
  if (flatten.mode !== undefined || (flatten as { format?: unknown }).format !== undefined) invalid("mode and format do not apply to a table");
  return tableDocument(body, { ...flatten, ...table });
}

/** The table chunks of an NDJSON body: header first, rows as each chunk of lines is done. */
export function streamTable(body: AsyncIterable<Uint8Array>, table: TableOptions, flatten: FlattenOptions & LineStreamOptions) {
  if (flatten.mode !== undefined || (flatten as { format?: unknown }).format !== undefined) invalid("mode and format do not apply to a table");
  return tableStream(body, { ...flatten, ...table });
}

/**
 * The last row of a table whose stream failed after output began: one cell holding the error as JSON, the
 * same object an `_error` cell holds.
 *
 * @example
 * tableErrorRow(new JsonFlatError("INVALID_JSON", "bad", { line: 3 }), "csv")
 */
export function tableErrorRow(error: JsonFlatError, format: TableFormat): Uint8Array {
  const json = JSON.stringify(error.toJSON());
  const cell = format === "csv" ? `"${json.replaceAll('"', '""')}"` : json.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);
  return new TextEncoder().encode(`${cell}\n`);
}
