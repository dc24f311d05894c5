/**
 * @module core/log — the native logger from TypeScript: leveled records (debug, info, warn, error, fatal) as text
 * (optionally coloured) or JSON lines, to stderr or an O_APPEND file, one write per record, so lines from every
 * Bun Worker arrive whole. The library logs through the same logger (for example what WAL recovery cut).
 */
import { threadId } from "node:worker_threads";
import { JsonFlatError } from "./errors";
import { native, type LogStats, type NativeLogConfig } from "../native";

export type { LogStats } from "../native";

/**
 * A record's level, lowest first.
 *
 * @example
 * log.configure({ level: "warn" satisfies LogLevel });
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";

/**
 * Extra members of a record: written as a JSON object after the message (text) or merged into the record (JSON
 * lines). Errors become `{name, message}`, BigInts their digits.
 *
 * @example
 * log.info("chunk done", { chunk: 7, bytes: 1 << 20 } satisfies LogFields);
 */
export type LogFields = Record<string, unknown>;

/**
 * Logger settings; each field left out keeps its current value. They are process-wide: every Worker shares them.
 *
 * @example
 * log.configure({ level: "debug", format: "json", file: "app.log" });
 */
export interface LogConfig {
  /** Records below this level are dropped ("off": all). Default "info". */
  level?: LogLevel | "off";
  /** The library's own records must also reach this level ("off" silences them). Default "info". */
  nativeLevel?: LogLevel | "off";
  /**
   * "text" (default): `time LEVEL w<worker> message {fields}`; "json": one JSON object per line. Either way a
   * record is one line for every reader: text escapes C0 controls and DEL (`\n`, `\x1b`), and both formats
   * write C1 controls, U+2028/U+2029 and bidi controls as `\uXXXX`.
   */
  format?: "text" | "json";
  /** "auto" (default): colour when FORCE_COLOR asks, not when NO_COLOR is set, else when the sink is a terminal. */
  color?: "auto" | "always" | "never";
  /** Longest record in bytes, newline included (256 to 1 MiB, default 4096); longer ones are cut and marked. */
  maxRecord?: number;
  /** A file to append to (created if missing), or null for stderr. Left out: the sink does not change. */
  file?: string | null;
}

const LEVELS: readonly (LogLevel | "off")[] = ["debug", "info", "warn", "error", "fatal", "off"];
const FORMATS = ["text", "json"] as const;
const COLORS = ["auto", "never", "always"] as const;
const encoder = new TextEncoder();

function levelCode(name: string, level: string): number {
  const code = LEVELS.indexOf(level as LogLevel);
  if (code < 0) throw new JsonFlatError("INVALID_OPTION", `${name} must be one of ${LEVELS.join(", ")}, got ${level}`);
  return code;
}

function choice<T extends string>(name: string, options: readonly T[], value: string): number {
  const code = options.indexOf(value as T);
  if (code < 0) throw new JsonFlatError("INVALID_OPTION", `${name} must be one of ${options.join(", ")}, got ${value}`);
  return code;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function encodeFields(fields: LogFields | undefined): Uint8Array | undefined {
  if (!fields) return undefined;
  let text: string;
  try {
    text = JSON.stringify(fields, replacer);
  } catch (e) {
    // Logging never throws for its fields (cycles, throwing getters): say what happened instead.
    text = JSON.stringify({ fieldsError: String(e) });
  }
  return text === "{}" ? undefined : encoder.encode(text);
}

// Messages are encoded into one reused buffer (its own ArrayBuffer, passed anew each call) instead of a new
// array per record; longer ones get their own.
const scratch = new Uint8Array(new ArrayBuffer(16384));
const EMPTY = new Uint8Array(0);

function encodeMessage(message: string): Uint8Array {
  if (message.length * 3 > scratch.byteLength) return encoder.encode(message);
  return scratch.subarray(0, encoder.encodeInto(message, scratch).written);
}

function write(level: number, message: string, fields: LogFields | undefined): JsonFlatError | undefined {
  const n = native();
  if (level < n.logLevel()) {
    // Still counted as filtered, and the check stays in C: the level may change from another worker.
    return n.logWrite(level, threadId, EMPTY);
  }
  return n.logWrite(level, threadId, encodeMessage(message), encodeFields(fields));
}

/**
 * The process-wide logger. Records carry the time (UTC), the level and the worker id (`threadId`, 0 = main
 * thread). A failed write is counted (`stats().failed`), never thrown, except by `fatal`.
 *
 * @example
 * import { log } from "jsonflat";
 * log.configure({ format: "json", file: "jobs.log" });
 * log.info("job started", { input: "dump.ndjson", workers: 4 });
 */
export const log = {
  /**
   * A debug record.
   *
   * @example
   * log.debug("chunk read", { offset, bytes });
   */
  debug(message: string, fields?: LogFields): void {
    write(0, message, fields);
  },
  /**
   * An info record.
   *
   * @example
   * log.info("job started", { workers: 4 });
   */
  info(message: string, fields?: LogFields): void {
    write(1, message, fields);
  },
  /**
   * A warn record.
   *
   * @example
   * log.warn("slow chunk", { ms: 2500 });
   */
  warn(message: string, fields?: LogFields): void {
    write(2, message, fields);
  },
  /**
   * An error record.
   *
   * @example
   * log.error("chunk failed", { chunk: 3, error: e });
   */
  error(message: string, fields?: LogFields): void {
    write(3, message, fields);
  },
  /**
   * A fatal record, flushed: a file sink is fsync'ed and the record is also copied to stderr. Throws `IO` when
   * the record could not be written or flushed. Does not exit: the caller decides.
   *
   * @example
   * log.fatal("cannot continue", { reason }); process.exit(1);
   */
  fatal(message: string, fields?: LogFields): void {
    const failure = write(4, message, fields);
    if (failure) throw failure;
  },

  /**
   * Whether a record at `level` would be written now.
   *
   * @example
   * if (log.enabled("debug")) log.debug("state", expensiveSnapshot());
   */
  enabled(level: LogLevel): boolean {
    return levelCode("level", level) >= native().logLevel();
  },

  /**
   * The current level ("off": nothing is written).
   *
   * @example
   * const before = log.level; log.level = "debug";
   */
  get level(): LogLevel | "off" {
    return LEVELS[native().logLevel()] ?? "info";
  },
  set level(level: LogLevel | "off") {
    native().logSetLevel(levelCode("level", level));
  },

  /**
   * Changes the given settings (process-wide); throws `INVALID_OPTION` for a bad value and `IO` for a file that
   * cannot be opened, changing nothing then.
   *
   * @example
   * log.configure({ level: "warn", nativeLevel: "off", color: "never", file: null });
   */
  configure(config: LogConfig): void {
    const n = native();
    const next: NativeLogConfig = { ...n.logConfig() };
    if (config.level !== undefined) next.level = levelCode("level", config.level);
    if (config.nativeLevel !== undefined) next.nativeLevel = levelCode("nativeLevel", config.nativeLevel);
    if (config.format !== undefined) next.format = choice("format", FORMATS, config.format);
    if (config.color !== undefined) next.color = choice("color", COLORS, config.color);
    if (config.maxRecord !== undefined) {
      if (!Number.isSafeInteger(config.maxRecord)) {
        throw new JsonFlatError("INVALID_OPTION", `maxRecord must be a whole number, got ${config.maxRecord}`);
      }
      next.maxRecord = config.maxRecord;
    }
    const before = n.logConfig();
    n.logConfigure(next); // validated natively: throws with nothing changed
    try {
      if (config.file === null) n.logUseStderr();
      else if (config.file !== undefined) n.logOpenFile(config.file);
    } catch (e) {
      n.logConfigure(before);
      throw e;
    }
  },

  /**
   * Counters since the library was loaded: written, filtered, truncated and failed records (every worker).
   *
   * @example
   * expect(log.stats().failed).toBe(0);
   */
  stats(): LogStats {
    return native().logStats();
  },
};
