/**
 * @module core/errors — the one error type every jsonflat front end throws or returns.
 */

/** Every error code of SPEC section 9, plus OUT_OF_MEMORY from the allocator, WORKER_CRASHED from the pool and
 * JOURNAL_MISMATCH from a journaled job run again with another input or other options. */
export type ErrorCode =
  | "INVALID_JSON"
  | "NESTING_TOO_DEEP"
  | "INPUT_TOO_LARGE"
  | "INVALID_OPTION"
  | "PATH_CONFLICT"
  | "INVALID_PATH"
  | "IO"
  | "ABORTED"
  | "TIMEOUT"
  | "OUT_OF_MEMORY"
  | "CORRUPT"
  | "SHAPE_MISMATCH"
  | "NOT_SUPPORTED" // the platform lacks the feature: the write-ahead log (Wal, journaled jobs) on Windows
  | "WORKER_CRASHED"
  | "JOURNAL_MISMATCH";

/** Codes in the order of the C enum `jf_code` (index = numeric code). */
export const ERROR_CODES: readonly (ErrorCode | "OK")[] = [
  "OK",
  "INVALID_JSON",
  "NESTING_TOO_DEEP",
  "INPUT_TOO_LARGE",
  "INVALID_OPTION",
  "PATH_CONFLICT",
  "INVALID_PATH",
  "IO",
  "ABORTED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "CORRUPT",
  "SHAPE_MISMATCH",
  "NOT_SUPPORTED",
];

/** The plain-data form of an error, as sent over HTTP or between workers. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** 0-based byte offset in the input, when the error has a position. */
  offset?: number;
  /** 1-based line (the NDJSON line for stream errors). */
  line?: number;
  /** 1-based column, in code points. */
  column?: number;
}

/**
 * A jsonflat failure with the SPEC fields `{ code, message, offset, line, column }`.
 *
 * @example
 * try { flatten("{"); } catch (e) { if (e instanceof JsonFlatError) console.log(e.code, e.offset); }
 */
export class JsonFlatError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly offset?: number;
  readonly line?: number;
  readonly column?: number;

  constructor(code: ErrorCode, message: string, position: { offset?: number; line?: number; column?: number } = {}) {
    super(message);
    this.name = "JsonFlatError";
    this.code = code;
    if (position.offset !== undefined) this.offset = position.offset;
    if (position.line !== undefined) this.line = position.line;
    if (position.column !== undefined) this.column = position.column;
  }

  /** Plain data for JSON, HTTP bodies and `postMessage`. */
  toJSON(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.offset !== undefined) info.offset = this.offset;
    if (this.line !== undefined) info.line = this.line;
    if (this.column !== undefined) info.column = this.column;
    return info;
  }

  /** Rebuilds an error from its plain-data form. */
  static from(info: ErrorInfo): JsonFlatError {
    return new JsonFlatError(info.code, info.message, info);
  }
}
