/**
 * @module table/range-task — the coworker task `tableRange`: the lines of one file range written as CSV or TSV
 * rows (no header: the coordinator writes it once), or, in discover mode, the leaf paths of the range in order
 * of first appearance. The task reads its range itself, so no input bytes cross threads; line numbers in error
 * records and errors are the file's, as `flattenRange` gives them.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { JsonFlatError } from "../core/errors";
import type { LinesOutput, NativeBytes } from "../native";
import { addCounters, counters, FirstLine, type RangeParams, type RangeResult, type TaskContext } from "../coworker/tasks";
import type { TableOptions } from "./options";
import { chunkLines, NativeTable } from "./table";

/**
 * Parameters of `tableRange`: a `flattenRange` range whose options are table options. `columns` are the
 * table's, decided before the ranges start; `discover: true` collects the range's paths instead of rows.
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

const NEWLINE = 0x0a;
const DEFAULT_READ = 4 << 20;

/** One native call with the range's real line numbers: rerun once the first line is known when it matters. */
function numbered(table: NativeTable, input: Uint8Array, options: TableOptions, first: FirstLine, before: number): NativeBytes & LinesOutput {
  const lines = chunkLines(options);
  const known = first.peek();
  if (known !== undefined) return table.lines(input, { ...lines, firstLine: known + before });
  let out: (NativeBytes & LinesOutput) | undefined;
  try {
    out = table.lines(input, { ...lines, firstLine: 1 + before });
  } catch (error) {
    if (!(error instanceof JsonFlatError) || error.line === undefined) throw error;
  }
  if (out && out.errors === 0) return out;
  out?.dispose();
  return table.lines(input, { ...lines, firstLine: first.wait() + before });
}

/** Reads `fd` from `pos` into `buffer` after its first `held` bytes; the bytes read. */
function readInto(fd: number, path: string, buffer: Uint8Array, held: number, length: number, pos: number): number {
  let bytesRead: number;
  try {
    bytesRead = readSync(fd, buffer, held, length, pos);
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytesRead === 0) throw new JsonFlatError("IO", `${path} ended at ${pos}, before the range's end`);
  return bytesRead;
}

/** Opens a file for a range task, as an `IO` error when it cannot be. */
function openRange(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new JsonFlatError("IO", `cannot open ${path}: ${(error as Error).message}`);
  }
}

/**
 * Writes the lines of a file range as table rows, `readBytes` (default 4 MiB) at a time, reporting progress
 * after each native call; in discover mode returns the range's paths as one JSON array chunk instead.
 *
 * @example
 * const { chunks, documents } = tableRangeTask({ path: "works.ndjson", start: 0, table: { columns: ["key"] } }, context);
 */
export function tableRangeTask(params: TableRangeParams, context: TaskContext): RangeResult {
  const { format: _json, ...lines } = params.options ?? {}; // the JSON output format of flattenRange: not a table's
  const options: TableOptions = { ...lines, ...params.table };
  const readBytes = params.readBytes ?? DEFAULT_READ;
  if (!Number.isInteger(readBytes) || readBytes < 1) throw new JsonFlatError("INVALID_OPTION", `readBytes must be ≥ 1, got ${readBytes}`);
  const table = params.discover
    ? new NativeTable(options, { discover: true })
    : new NativeTable(options, { columns: options.columns ?? [], header: false });
  const fd = openRange(params.path);
  try {
    const size = fstatSync(fd).size;
    const start = params.start;
    const end = Math.min(params.end ?? size, size);
    if (!(Number.isInteger(start) && start >= 0 && Number.isInteger(end) && start <= end)) {
      throw new JsonFlatError("INVALID_OPTION", `invalid range ${start}:${params.end}`);
    }
    const total = end - start;
    const result: RangeResult = { chunks: [], bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, unsafeIntegers: 0 };
    const first = new FirstLine(options.firstLine, params.firstLineCell, context);
    let buffer = new Uint8Array(Math.max(1, Math.min(readBytes, total)));
    let held = 0;
    let pos = start;
    let offset = (options.baseOffset ?? 0) + start;
    let paths: Uint8Array | undefined; // discover: the latest list of the range's paths
    while (pos < end || held > 0) {
      context.checkpoint();
      if (pos < end) {
        if (held === buffer.length) {
          const grown = new Uint8Array(Math.min(buffer.length * 2, total));
          grown.set(buffer.subarray(0, held));
          buffer = grown;
        }
        const bytesRead = readInto(fd, params.path, buffer, held, Math.min(buffer.length - held, end - pos), pos);
        pos += bytesRead;
        held += bytesRead;
        result.bytesRead += bytesRead;
      }
      const whole = pos >= end ? held : buffer.lastIndexOf(NEWLINE, held - 1) + 1;
      if (whole === 0) continue; // one line longer than the buffer: read more of it
      const out = numbered(table, buffer.subarray(0, whole), { ...options, baseOffset: offset }, first, result.lines);
      offset += whole;
      addCounters(result, counters(out));
      if (params.discover) {
        (paths as Partial<NativeBytes> | undefined)?.dispose?.(); // each call lists every path so far: keep the last
        paths = context.own(out);
      } else if (out.length) {
        result.chunks.push({ bytes: context.own(out) });
      } else {
        out.dispose();
      }
      buffer.copyWithin(0, whole, held);
      held -= whole;
      context.progress(pos - start - held, total);
    }
    if (paths) result.chunks.push({ bytes: paths });
    return result;
  } finally {
    closeSync(fd);
    table.dispose();
  }
}
