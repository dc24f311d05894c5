/**
 * @module table/range-task — the coworker task `tableRange`: the lines of one file range written as CSV or TSV
 * rows (no header: the coordinator writes it once), or, in discover mode, the leaf paths of the range in order
 * of first appearance. The task reads its range itself, so no input bytes cross threads; line numbers in error
 * records and errors are the file's, as `flattenRange` gives them.
 */
import { eachRangeCall } from "../coworker/range-lines";
import type { RangeParams, RangeResult, TaskContext } from "../coworker/tasks";
import type { NativeBytes } from "../native";
import type { TableOptions } from "./options";
import { chunkLines, NativeTable } from "./table";

/**
 * Parameters of `tableRange`: a `flattenRange` range (its `options` the line options) and the table's own
 * options, `columns` decided before the ranges start; `discover: true` collects the range's paths instead.
 *
 * @example
 * await pool.run("tableRange", { path: "works.ndjson", start: 0, end: 1 << 25, table: { columns: ["key", "title"] } })
 */
export interface TableRangeParams extends RangeParams {
  /** The table's own options (format, columns, unknown, join, explode, lineEnd). */
  table?: TableOptions;
  /** Collect the range's leaf paths: the result is one chunk, a JSON array of them. */
  discover?: boolean;
}

/**
 * Writes the lines of a file range as table rows, one chunk per native call; in discover mode returns the
 * range's paths as one JSON array chunk instead.
 *
 * @example
 * const { chunks, documents } = tableRangeTask({ path: "works.ndjson", start: 0, table: { columns: ["key"] } }, context);
 */
export function tableRangeTask(params: TableRangeParams, context: TaskContext): RangeResult {
  const { format: _json, ...lineOptions } = params.options ?? {}; // the JSON output format of flattenRange: not a table's
  const options: TableOptions = { ...lineOptions, ...params.table };
  const lines = chunkLines(options);
  const table = params.discover
    ? new NativeTable(options, { discover: true })
    : new NativeTable(options, { columns: options.columns ?? [], header: false });
  const chunks: { bytes: Uint8Array }[] = [];
  let paths: Uint8Array | undefined; // discover: each call lists every path so far, the last one is kept
  try {
    const counted = eachRangeCall(params, context, (input, at) => table.lines(input, { ...lines, ...at }), (out) => {
      if (params.discover) {
        (paths as Partial<NativeBytes> | undefined)?.dispose?.();
        paths = context.own(out);
      } else if (out.length) {
        chunks.push({ bytes: context.own(out) });
      } else {
        out.dispose();
      }
    });
    if (paths) chunks.push({ bytes: paths });
    return { ...counted, chunks };
  } finally {
    table.dispose();
  }
}
