/**
 * @module coworker/range-lines — the reading loop of every NDJSON range task: the lines of a file range read
 * with `node:fs` and handed to one native call per `readBytes`, with the file's real line numbers and byte
 * offsets, progress after each call. `flattenRange`, the tables' `tableRange`, the types' `typeStatsRange` and
 * JSONPath's `searchRange` run on it.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { JsonFlatError } from "../core/errors";
import type { LinesOutput, NativeBytes } from "../native";
import { addCounters, counters, FirstLine, type LinesCounters, type RangeParams, type TaskContext } from "./tasks";

/**
 * One native call over whole lines: `firstLine` and `baseOffset` are the lines' real number and file offset.
 *
 * @example
 * const call: RangeCall = (input, at) => table.lines(input, { ...lines, ...at });
 */
export type RangeCall = (input: Uint8Array, at: { firstLine: number; baseOffset: number }) => NativeBytes & LinesOutput;

/**
 * What a range's loop counted: its counters and the bytes of the file it read.
 *
 * @example
 * const { lines, bytesRead } = eachRangeCall(params, context, call, (out) => out.dispose());
 */
export interface RangeCounters extends LinesCounters {
  bytesRead: number;
}

const NEWLINE = 0x0a;
const DEFAULT_READ = 4 << 20;
/** The largest read buffer a thread keeps between ranges (a longer line's grown buffer is let go). */
const MAX_KEPT = 64 << 20;

/**
 * This thread's read buffer, kept from one range to the next: a fresh 4 MiB buffer per range cost a page fault
 * per 4 KiB (one worker runs 8 or more ranges). The loop is synchronous and no call keeps its input, so one
 * buffer per thread is never used twice at once.
 */
let kept: ArrayBuffer | undefined;

/** A read buffer of `length` bytes: a view of the kept one when it is large enough. */
function readBuffer(length: number): Uint8Array {
  return kept && kept.byteLength >= length ? new Uint8Array(kept, 0, length) : new Uint8Array(length);
}

/** Keeps `buffer`'s memory for the next range unless a larger one is kept or it is over `MAX_KEPT`. */
function keep(buffer: Uint8Array): void {
  const memory = buffer.buffer;
  if (memory instanceof ArrayBuffer && memory.byteLength <= MAX_KEPT && (!kept || memory.byteLength > kept.byteLength)) kept = memory;
}

/**
 * One call with the range's real line numbers: while the first line is unknown, rerun once it is when it
 * matters (a bad line; with `everyLine`, any output: search hits carry their line number).
 */
function numbered(call: RangeCall, input: Uint8Array, baseOffset: number, first: FirstLine, before: number, everyLine: boolean): NativeBytes & LinesOutput {
  const known = first.peek();
  if (known !== undefined) return call(input, { firstLine: known + before, baseOffset });
  let out: (NativeBytes & LinesOutput) | undefined;
  try {
    out = call(input, { firstLine: 1 + before, baseOffset });
  } catch (error) {
    if (!(error instanceof JsonFlatError) || error.line === undefined) throw error;
  }
  if (out && out.errors === 0 && !(everyLine && out.length)) return out;
  out?.dispose();
  return call(input, { firstLine: first.wait() + before, baseOffset });
}

function openRange(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new JsonFlatError("IO", `cannot open ${path}: ${(error as Error).message}`);
  }
}

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

/**
 * Runs `call` over the lines of `params`' range, `readBytes` (default 4 MiB) at a time, growing the buffer for
 * a longer line; hands each output to `take` (which owns it; `false` stops the range early) and returns the
 * range's counters. `everyLine`: every output line carries its input line number (search hits).
 *
 * @example
 * const chunks: Uint8Array[] = [];
 * const counted = eachRangeCall(params, context, call, (out) => { chunks.push(context.own(out)); });
 */
export function eachRangeCall(
  params: RangeParams,
  context: TaskContext,
  call: RangeCall,
  take: (out: NativeBytes & LinesOutput) => boolean | void,
  everyLine = false,
): RangeCounters {
  const readBytes = params.readBytes ?? DEFAULT_READ;
  if (!Number.isInteger(readBytes) || readBytes < 1) throw new JsonFlatError("INVALID_OPTION", `readBytes must be ≥ 1, got ${readBytes}`);
  const fd = openRange(params.path);
  let buffer: Uint8Array | undefined;
  try {
    const size = fstatSync(fd).size;
    const start = params.start;
    const end = Math.min(params.end ?? size, size);
    if (!(Number.isInteger(start) && start >= 0 && Number.isInteger(end) && start <= end)) {
      throw new JsonFlatError("INVALID_OPTION", `invalid range ${start}:${params.end}`);
    }
    const total = end - start;
    const result: RangeCounters = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0, unsafeIntegers: 0 };
    const first = new FirstLine(params.options?.firstLine, params.firstLineCell, context);
    buffer = readBuffer(Math.max(1, Math.min(readBytes, total)));
    let held = 0;
    let pos = start;
    let offset = (params.options?.baseOffset ?? 0) + start;
    while (pos < end || held > 0) {
      context.checkpoint();
      if (pos < end) {
        if (held === buffer.length) {
          const grown = readBuffer(Math.min(buffer.length * 2, total));
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
      const out = numbered(call, buffer.subarray(0, whole), offset, first, result.lines, everyLine);
      offset += whole;
      addCounters(result, counters(out));
      if (take(out) === false) break;
      buffer.copyWithin(0, whole, held);
      held -= whole;
      context.progress(pos - start - held, total);
    }
    return result;
  } finally {
    if (buffer) keep(buffer);
    closeSync(fd);
  }
}
