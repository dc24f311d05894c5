/**
 * @module table/parallel — CSV and TSV out of one large NDJSON file on the coworker pool, byte for byte what
 * `tableStream` writes: the columns are decided before the ranges start (given, sampled, or a first pass run
 * as `tableRange` discover tasks whose path lists are merged in file order), the header is written once here,
 * and the ranges' rows come out in input order with the file's line numbers.
 */
import { fileCompression } from "../core/decompress";
import { flattenRangesParallel, type ParallelOptions } from "../coworker/parallel";
import { Pool } from "../coworker/pool";
import type { StreamProgress } from "../lines/stream";
import { checkTableOptions, type TableOptions } from "./options";
import { chunkLines, columnsOf, NativeTable, sampleColumns, tableStream, writing, type Discovered } from "./table";

/**
 * Options of `tableFileParallel`: the table options, and how the file is split and run (as
 * `flattenFileParallel`'s: `pool` or `workers`, `rangeBytes`, `readBytes`, `maxInFlight`, `timeoutMs`).
 *
 * @example
 * tableFileParallel("works.ndjson", { format: "csv", join: ";", workers: 2 })
 */
export interface TableParallelOptions extends TableOptions, Pick<ParallelOptions, "pool" | "workers" | "rangeBytes" | "readBytes" | "maxInFlight" | "timeoutMs"> {}

const NOTHING_DONE: StreamProgress = Object.freeze({ bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 });

/** The table's own options: they travel to the range tasks as `table`, apart from the line options. */
const TABLE_KEYS = ["format", "columns", "unknown", "join", "explode", "lineEnd", "sample", "header"] as const;

function split(options: TableParallelOptions) {
  const table: TableOptions = {};
  const rest: Record<string, unknown> = { ...options };
  for (const key of TABLE_KEYS) {
    if (options[key] !== undefined) (table as Record<string, unknown>)[key] = options[key];
    delete rest[key];
  }
  return { table, run: rest as Omit<ParallelOptions, "rangeTask" | "format"> };
}

/** Every leaf path of the file in order of first appearance: the ranges' lists merged in file order. */
async function discoverParallel(path: string, table: TableOptions, run: ParallelOptions): Promise<Discovered> {
  const { onProgress: _, ...quiet } = run;
  const seen = new Set<string>();
  let duplicates = false;
  for await (const range of flattenRangesParallel(path, { ...quiet, rangeTask: { name: "tableRange", params: { discover: true, table } } })) {
    for (const bytes of range.chunks) {
      const found = columnsOf(bytes);
      for (const column of found.columns) seen.add(column);
      duplicates ||= found.duplicates;
    }
  }
  return { columns: [...seen], duplicates };
}

/** The header row of a table with `options` (empty with `header: false`), as `tableStream` writes it first. */
function headerOf(options: TableOptions): Uint8Array {
  const table = new NativeTable(options, { columns: options.columns ?? [] });
  try {
    const out = table.lines(new Uint8Array(0), chunkLines(options));
    const copy = out.slice();
    out.dispose();
    return copy;
  } finally {
    table.dispose();
  }
}

/**
 * Writes an NDJSON file as CSV or TSV on a worker pool and yields the output in input order: the same bytes as
 * `tableStream(path, options)`, error rows and line numbers included. Without `columns`, a whole first pass
 * runs on the pool too (or the first `sample` lines are read here). A compressed file is written in this
 * thread (`tableStream`). Each yielded chunk is valid until the next one is requested.
 *
 * @example
 * const out = Bun.file("works.csv").writer();
 * for await (const chunk of tableFileParallel("works.ndjson", { join: ";", workers: 2 })) out.write(chunk);
 * await out.end();
 */
export async function* tableFileParallel(path: string, options: TableParallelOptions = {}): AsyncGenerator<Uint8Array, StreamProgress> {
  checkTableOptions(options);
  const { table, run } = split(options);
  if (await fileCompression(path, options.compression)) {
    const { pool: _p, workers: _w, rangeBytes: _r, readBytes: _b, maxInFlight: _m, timeoutMs: _t, ...single } = options;
    return yield* tableStream(path, single);
  }
  const pool = run.pool ?? new Pool({ size: run.workers ?? navigator.hardwareConcurrency });
  try {
    let columns = table.columns;
    let complete = false; // every path met is a column
    if (columns === undefined && table.sample === undefined) {
      const found = await discoverParallel(path, table, { ...run, pool });
      columns = found.columns;
      complete = !found.duplicates;
    } else if (columns === undefined) {
      const sampled = await sampleColumns(path, options);
      columns = sampled.columns;
      complete = sampled.ended && !sampled.duplicates;
    }
    const written = writing(table, columns, complete);
    const header = headerOf({ ...options, ...written });
    if (header.byteLength) yield header;
    const { sample: _s, ...rows } = written;
    const ranges = flattenRangesParallel(path, { ...run, pool, rangeTask: { name: "tableRange", params: { table: rows } } });
    let next = await ranges.next();
    try {
      for (; !next.done; next = await ranges.next()) for (const chunk of next.value.chunks) if (chunk.length) yield chunk;
    } finally {
      if (!next.done) await ranges.return({ ...NOTHING_DONE, ranges: 0, unsafeIntegers: 0 }); // stopped early: end the ranges
    }
    const { bytesRead, lines, documents, errors, leaves } = next.value;
    return { bytesRead, lines, documents, errors, leaves };
  } finally {
    if (!run.pool) await pool.close({ mode: "abort" });
  }
}
