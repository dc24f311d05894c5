/**
 * @module native/layout — the ABI layout table: size and field offsets of every struct that crosses the
 * boundary (c/include/jsonflat.h), the scratch structs built from it, and the one reader of a jf_error.
 * test/abi-layout.test.ts compares the table with the C compiler's own answer (`jf_abi_layout()`).
 */
import { ERROR_CODES, JsonFlatError, type ErrorCode } from "../core/errors";

/** Size and field offsets (bytes) of one C struct. */
export interface StructLayout {
  readonly size: number;
  readonly fields: Readonly<Record<string, number>>;
}

/**
 * Every struct passed to or filled by the library, by its C name; fields by their C names, in declaration
 * order. A nested struct (`error`) or array (`message`, `delimiter`, `torn_segment`) is listed at its start;
 * its length is where the next field starts (see `span`).
 *
 * @example
 * LAYOUT.jf_result.fields.error // 32: a jf_error sits at byte 32 of a jf_result
 */
export const LAYOUT = {
  jf_error: { size: 256, fields: { code: 0, line: 4, column: 8, reserved: 12, offset: 16, message: 24 } },
  jf_options: {
    size: 64,
    fields: { mode: 0, style: 4, format: 8, flags: 12, max_depth: 16, max_nesting: 20, delimiter_len: 24, reserved: 28, delimiter: 32 },
  },
  jf_result: { size: 288, fields: { length: 0, leaves: 8, unsafe_integers: 16, reserved: 24, error: 32 } },
  jf_lines_options: { size: 32, fields: { on_error: 0, column: 4, first_line: 8, base_offset: 16, reserved: 24 } },
  jf_lines_result: {
    size: 304,
    fields: { length: 0, lines: 8, documents: 16, errors: 24, leaves: 32, unsafe_integers: 40, error: 48 },
  },
  jf_index_stats: { size: 40, fields: { nodes: 0, leaves: 8, keys: 16, values: 24, bytes: 32 } },
  jf_log_config: { size: 32, fields: { level: 0, native_level: 4, format: 8, color: 12, max_record: 16, reserved: 20 } },
  jf_log_stats: { size: 32, fields: { written: 0, filtered: 8, truncated: 16, failed: 24 } },
  jf_wal_options: { size: 32, fields: { segment_size: 0, flags: 8, max_record: 12, buffer_size: 16, reserved: 24 } },
  jf_wal_open_result: {
    size: 384,
    fields: {
      first_lsn: 0,
      next_lsn: 8,
      records: 16,
      segments: 24,
      torn_bytes: 32,
      torn_offset: 40,
      salvaged_bytes: 48,
      shared: 56,
      reserved: 60,
      torn_segment: 64,
      error: 128,
    },
  },
  jf_wal_stats: {
    size: 80,
    fields: {
      first_lsn: 0,
      next_lsn: 8,
      written_lsn: 16,
      synced_lsn: 24,
      appends: 32,
      syncs: 40,
      bytes: 48,
      segments: 56,
      handles: 64,
      reserved: 72,
    },
  },
  jf_wal_read_result: { size: 288, fields: { length: 0, records: 8, next_lsn: 16, reserved: 24, error: 32 } },
  jf_alloc_stats: { size: 24, fields: { live_blocks: 0, live_bytes: 8, total_blocks: 16 } },
  jf_split_plan: { size: 456, fields: { found: 0, elements: 8, cuts: 16, close: 24, resume: 32, opens: 64, error: 200 } },
} as const satisfies Record<string, StructLayout>;

/** The C name of a struct in the table. */
export type StructName = keyof typeof LAYOUT;

/**
 * Bytes from `field` to the next field (or the end): the length of an array or nested struct.
 *
 * @example
 * span(LAYOUT.jf_error, "message") // 232 (JF_MESSAGE_SIZE)
 */
export function span<L extends StructLayout>(layout: L, field: keyof L["fields"] & string): number {
  const at = layout.fields[field]!;
  let next = layout.size;
  for (const offset of Object.values(layout.fields)) if (offset > at && offset < next) next = offset;
  return next - at;
}

/**
 * One struct's bytes, owned by JS and passed to C as the typed array itself on every call (never a cached
 * `ptr()`: once JIT-compiled, JSC may move a small array's storage). Backed by its own ArrayBuffer.
 *
 * @example
 * const result = new Struct(LAYOUT.jf_result);
 * symbols.jf_flatten(input, input.byteLength, options.bytes, result.bytes);
 * u64(result.view, LAYOUT.jf_result.fields.length)
 */
export class Struct<L extends StructLayout = StructLayout> {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(readonly layout: L) {
    this.bytes = new Uint8Array(new ArrayBuffer(layout.size));
    this.view = new DataView(this.bytes.buffer);
  }
}

/** A little-endian uint64 field as a number (exact below 2^53). */
export function u64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

/** Writes a number (a whole number below 2^53) as a little-endian uint64. */
export function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 2 ** 32, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

const decoder = new TextDecoder();

/** A NUL-terminated char array of `length` bytes at `at` as a string (all of it when it has no NUL). */
export function charsAt(bytes: Uint8Array, at: number, length: number): string {
  const chars = bytes.subarray(at, at + length);
  const end = chars.indexOf(0);
  return decoder.decode(end < 0 ? chars : chars.subarray(0, end));
}

const E = LAYOUT.jf_error.fields;
const MESSAGE_SIZE = span(LAYOUT.jf_error, "message");

/**
 * The jf_error at byte `at` of `struct` as a JsonFlatError: its code (`fallback` for a code this side does not
 * know), its message, and its position: offset, line and column when `line` is set (parse errors), the byte
 * offset alone for `CORRUPT` (the offset in the named WAL segment).
 *
 * @example
 * if (!p) throw readError(result, LAYOUT.jf_result.fields.error);
 */
export function readError(struct: Struct, at: number, fallback: ErrorCode = "INVALID_JSON"): JsonFlatError {
  const { bytes, view } = struct;
  const code = (ERROR_CODES[view.getInt32(at + E.code, true)] ?? fallback) as ErrorCode;
  const message = charsAt(bytes, at + E.message, MESSAGE_SIZE);
  const line = view.getUint32(at + E.line, true);
  const offset = u64(view, at + E.offset);
  const position = line ? { offset, line, column: view.getUint32(at + E.column, true) } : code === "CORRUPT" ? { offset } : {};
  return new JsonFlatError(code, message, position);
}

