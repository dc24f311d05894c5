/**
 * @module reference/position — turns a byte offset into the line and column that an error reports.
 */
import { JsonFlatError, type ErrorCode } from "../core/errors";

/**
 * Where an error happened: 0-based byte offset, 1-based line and column.
 *
 * @example
 * const start: Position = { offset: 0, line: 1, column: 1 };
 */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

const LINE_FEED = 0x0a;

/** UTF-8 continuation bytes (10xxxxxx) do not start a code point, so they add no column. */
function startsCodePoint(byte: number): boolean {
  return (byte & 0xc0) !== 0x80;
}

/**
 * Locates `offset` in `bytes`: lines are counted by LF only; the column counts code points (bytes that are
 * not UTF-8 continuation bytes) from the start of the line, so an editor's cursor lands on the character.
 *
 * @example
 * positionOf(new TextEncoder().encode('{\n "é":x}'), 7) // { offset: 7, line: 2, column: 6 }
 */
export function positionOf(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === LINE_FEED) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    if (startsCodePoint(bytes[i]!)) column++;
  }
  return { offset, line, column };
}

/**
 * A `JsonFlatError` positioned at `offset` of `bytes`: the position in its fields, never in its message.
 *
 * @example
 * throw errorAt("INVALID_JSON", "invalid JSON: expected a value", bytes, 3);
 */
export function errorAt(code: ErrorCode, message: string, bytes: Uint8Array, offset: number): JsonFlatError {
  return new JsonFlatError(code, message, positionOf(bytes, offset));
}
