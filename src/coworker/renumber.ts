/**
 * @module coworker/renumber — moves NDJSON line numbers by a fixed amount, for ranges of a file that
 * were flattened with their first line numbered 1 before the lines above them had been counted.
 */
import { JsonFlatError } from "../core/errors";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 0x0a;

// {"error":{"code":"C","message":"M at line L, column K","offset":O,"line":L,"column":K},"line":L}
// The message is JSON-escaped, so the first `","offset":` ends it.
const RECORD =
  /^(\{"error":\{"code":"[A-Z_]+","message":".*?) at line (\d+)(, column \d+","offset":\d+,"line":)(\d+)(,"column":\d+\},"line":)(\d+)\}$/s;
const RECORD_LINES = /^(.*,"line":)(\d+)(,"column":\d+\},"line":)(\d+)\}$/s;
const MESSAGE = /^(.*) at line (\d+)(, column \d+)$/s;

const shift = (digits: string, delta: number) => String(Number(digits) + delta);

/**
 * One error record (without its newline) with every line number moved by `delta`: the outer `line`, the
 * error's `line`, and the "at line N" of its message.
 *
 * @example
 * renumberRecord('{"error":{"code":"INVALID_JSON","message":"x at line 2, column 1","offset":9,"line":2,"column":1},"line":2}', 10)
 * // '{"error":{"code":"INVALID_JSON","message":"x at line 12, column 1","offset":9,"line":12,"column":1},"line":12}'
 */
export function renumberRecord(record: string, delta: number): string {
  const m = RECORD.exec(record);
  if (m) return `${m[1]} at line ${shift(m[2]!, delta)}${m[3]}${shift(m[4]!, delta)}${m[5]}${shift(m[6]!, delta)}}`;
  // A message cut short by the native message limit has no "at line": move the fields only.
  const f = RECORD_LINES.exec(record);
  if (f) return `${f[1]}${shift(f[2]!, delta)}${f[3]}${shift(f[4]!, delta)}}`;
  return record;
}

/**
 * A copy of `bytes` (NDJSON output) with the error records that start at `errorAt` renumbered by `delta`.
 * The other lines are copied unchanged.
 *
 * @example
 * renumberOutput(chunk.bytes, chunk.errorAt ?? [], firstLine - 1)
 */
export function renumberOutput(bytes: Uint8Array, errorAt: readonly number[], delta: number): Uint8Array {
  if (delta === 0 || errorAt.length === 0) return bytes;
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const start of errorAt) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    pieces.push(bytes.subarray(at, start), encoder.encode(renumberRecord(decoder.decode(bytes.subarray(start, end)), delta)));
    at = end;
  }
  pieces.push(bytes.subarray(at));
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const piece of pieces) {
    out.set(piece, pos);
    pos += piece.length;
  }
  return out;
}

/**
 * An error with its NDJSON line (and the "at line N" of its message) moved by `delta`; errors without a
 * line are returned as they are.
 *
 * @example
 * renumberError(JsonFlatError.from({ code: "INVALID_JSON", message: "x at line 3, column 2", line: 3 }), 100).line // 103
 */
export function renumberError<E>(error: E, delta: number): E {
  if (!(error instanceof JsonFlatError) || error.line === undefined || delta === 0) return error;
  const info = error.toJSON();
  const m = MESSAGE.exec(info.message);
  if (m) info.message = `${m[1]} at line ${shift(m[2]!, delta)}${m[3]}`;
  info.line = error.line + delta;
  return JsonFlatError.from(info) as E;
}
