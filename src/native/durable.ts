/**
 * @module native/durable — the logger and the write-ahead log (jsonflat.h "Logger", "Write-ahead log"), and
 * CRC-32C: settings and counters as plain objects, errors as JsonFlatError, log handles as ids.
 */
import { JsonFlatError } from "../core/errors";
import { copyBytes, nonEmpty, type Symbols } from "./ffi";
import { charsAt, LAYOUT, readError, setU64, span, Struct, u64 } from "./layout";

/**
 * The native logger's settings, as numbers (jf_log_config). `core/log.ts` maps names onto them.
 *
 * @example
 * const c = native().logConfig(); native().logConfigure({ ...c, level: 2 }); // warn and above
 */
export interface NativeLogConfig {
  /** 0 debug, 1 info, 2 warn, 3 error, 4 fatal, 5 off. */
  level: number;
  /** Threshold for the library's own records (WAL recovery, ...); 5 silences them. */
  nativeLevel: number;
  /** 0 text, 1 JSON lines. */
  format: number;
  /** 0 auto (FORCE_COLOR, NO_COLOR, terminal), 1 never, 2 always. */
  color: number;
  /** Longest record in bytes, newline included (256 to 1 MiB). */
  maxRecord: number;
}

/**
 * Process-wide logger counters (every thread and worker).
 *
 * @example
 * const { written, truncated } = log.stats();
 */
export interface LogStats {
  /** Records handed to the sink. */
  written: number;
  /** Records below the level. */
  filtered: number;
  /** Records cut to the record bound. */
  truncated: number;
  /** Records the sink refused. */
  failed: number;
}

/**
 * Options of `Wal.open` (jf_wal_options); only the first open of a directory in a process applies them.
 *
 * @example
 * const wal = Wal.open("data/wal", { segmentSize: 16 << 20 });
 */
export interface WalOptions {
  /** Start a new segment file when the next record would pass this many bytes (default 64 MiB, at least 4096). */
  segmentSize?: number;
  /** Largest record accepted, in bytes (default 16 MiB, at most 1 GiB). */
  maxRecord?: number;
  /** Bytes of appended records kept in memory before a write (default 1 MiB). */
  bufferSize?: number;
  /** Keep the records before a corrupt one instead of failing (moves the rest aside to `*.corrupt`). */
  salvage?: boolean;
  /** Create the directory when missing (default true). */
  create?: boolean;
}

/**
 * What opening a write-ahead log found (jf_wal_open_result).
 *
 * @example
 * const { recovery } = Wal.open(dir);
 * if (recovery.tornBytes) console.warn(`cut ${recovery.tornBytes} torn bytes from ${recovery.tornSegment}`);
 */
export interface WalRecovery {
  /** Oldest record kept (equals `nextLsn` when the log is empty). */
  firstLsn: number;
  /** The LSN the next append gets. */
  nextLsn: number;
  /** Records found. */
  records: number;
  /** Segment files. */
  segments: number;
  /** Bytes cut from a torn tail (0: the log was closed cleanly or cut on a record boundary). */
  tornBytes: number;
  /** Where the torn or salvaged segment was cut. */
  tornOffset: number;
  /** File name of the segment cut or salvaged, if any. */
  tornSegment?: string;
  /** With `salvage`: bytes moved aside. */
  salvagedBytes: number;
  /** The directory was already open in this process (another worker): no recovery ran. */
  shared: boolean;
}

/**
 * Counters of one open log, shared by every handle on it (jf_wal_stats).
 *
 * @example
 * const s = wal.stats(); console.log(s.appends / s.syncs, "records per fsync");
 */
export interface WalStats {
  firstLsn: number;
  nextLsn: number;
  /** Last LSN handed to the kernel. */
  writtenLsn: number;
  /** Last LSN known durable. */
  syncedLsn: number;
  appends: number;
  /** fdatasync calls since open. */
  syncs: number;
  bytes: number;
  segments: number;
  /** Open handles on this log in this process. */
  handles: number;
}

/** The logger and write-ahead log part of the native surface. */
export interface DurableNative {
  /** CRC-32C of `data`, continuing from `crc` (0 to start). */
  crc32c(data: Uint8Array, crc?: number): number;
  logConfig(): NativeLogConfig;
  /** Throws `INVALID_OPTION` for a bad value (nothing changes then). */
  logConfigure(config: NativeLogConfig): void;
  /** Sets the level and returns the previous one. */
  logSetLevel(level: number): number;
  logLevel(): number;
  /** Sends records to `path` (O_APPEND); throws `IO` if it cannot be opened. */
  logOpenFile(path: string): void;
  logUseStderr(): void;
  /** Writes one record (`fields`: JSON object text); returns the error instead of throwing. */
  logWrite(level: number, worker: number, message: Uint8Array, fields?: Uint8Array): JsonFlatError | undefined;
  logStats(): LogStats;
  /** Opens (and recovers) a log; the handle is an id, so a stale one gives an `IO` error, never a crash. */
  walOpen(dir: string, options?: WalOptions): { handle: number; recovery: WalRecovery };
  /** Appends a record and returns its LSN; `sync`: wait until it is durable (group commit). */
  walAppend(handle: number, data: Uint8Array, sync: boolean): number;
  walSync(handle: number): void;
  /** Records from `from` on, as the native block copied into JS memory (see jf_wal_read for the layout). */
  walRead(handle: number, from: number, maxBytes: number): { bytes: Uint8Array; records: number; nextLsn: number };
  walTruncateBefore(handle: number, lsn: number): void;
  walStats(handle: number): WalStats;
  walClose(handle: number): void;
}

const WAL_SALVAGE = 1;
const WAL_NO_CREATE = 2;

const C = LAYOUT.jf_log_config.fields;
const LS = LAYOUT.jf_log_stats.fields;
const WO = LAYOUT.jf_wal_options.fields;
const OR = LAYOUT.jf_wal_open_result.fields;
const RR = LAYOUT.jf_wal_read_result.fields;
const WS = LAYOUT.jf_wal_stats.fields;
const TORN_SEGMENT_SIZE = span(LAYOUT.jf_wal_open_result, "torn_segment");

const encoder = new TextEncoder();

function whole(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 0, got ${value}`);
  }
  return value;
}

/**
 * The logger and write-ahead log calls of one loaded library. Their errors default to `IO` for a code this
 * side does not know.
 *
 * @example
 * const { walOpen } = durableCalls(symbols);
 * const { handle, recovery } = walOpen("data/wal");
 */
export function durableCalls(symbols: Symbols): DurableNative {
  // Scratch structs, each backed by its own ArrayBuffer and passed as a typed array on every call.
  const error = new Struct(LAYOUT.jf_error);
  const config = new Struct(LAYOUT.jf_log_config);
  const logStats = new Struct(LAYOUT.jf_log_stats);
  const walStats = new Struct(LAYOUT.jf_wal_stats);
  const lsnOut = new BigUint64Array(new ArrayBuffer(8));
  const walOptions = new Struct(LAYOUT.jf_wal_options);
  const openResult = new Struct(LAYOUT.jf_wal_open_result);
  const readResult = new Struct(LAYOUT.jf_wal_read_result);

  function check(code: number): void {
    if (code !== 0) throw readError(error, 0, "IO");
  }

  return {
    crc32c: (data, crc = 0) => (data.byteLength ? symbols.jf_crc32c(crc >>> 0, data, data.byteLength) >>> 0 : crc >>> 0),
    logConfig: () => {
      symbols.jf_log_get_config(config.bytes);
      const v = config.view;
      return {
        level: v.getInt32(C.level, true),
        nativeLevel: v.getInt32(C.native_level, true),
        format: v.getUint32(C.format, true),
        color: v.getUint32(C.color, true),
        maxRecord: v.getUint32(C.max_record, true),
      };
    },
    logConfigure: (c) => {
      const v = config.view;
      config.bytes.fill(0);
      v.setInt32(C.level, c.level, true);
      v.setInt32(C.native_level, c.nativeLevel, true);
      v.setUint32(C.format, c.format, true);
      v.setUint32(C.color, c.color, true);
      v.setUint32(C.max_record, c.maxRecord, true);
      check(symbols.jf_log_configure(config.bytes, error.bytes));
    },
    logSetLevel: (level) => symbols.jf_log_set_level(level),
    logLevel: () => symbols.jf_log_get_level(),
    logOpenFile: (path) => {
      const bytes = encoder.encode(path);
      check(symbols.jf_log_open_file(nonEmpty(bytes), bytes.byteLength, error.bytes));
    },
    logUseStderr: () => symbols.jf_log_use_stderr(),
    logWrite: (level, worker, message, fields) => {
      const code = symbols.jf_log_write(
        level,
        worker,
        nonEmpty(message),
        message.byteLength,
        fields?.byteLength ? fields : null,
        fields?.byteLength ?? 0,
        error.bytes,
      );
      return code === 0 ? undefined : readError(error, 0, "IO");
    },
    logStats: () => {
      symbols.jf_log_get_stats(logStats.bytes);
      const v = logStats.view;
      return {
        written: u64(v, LS.written),
        filtered: u64(v, LS.filtered),
        truncated: u64(v, LS.truncated),
        failed: u64(v, LS.failed),
      };
    },
    walOpen: (dir, o = {}) => {
      const v = walOptions.view;
      walOptions.bytes.fill(0);
      setU64(v, WO.segment_size, whole("segmentSize", o.segmentSize, 0));
      v.setUint32(WO.flags, (o.salvage ? WAL_SALVAGE : 0) | (o.create === false ? WAL_NO_CREATE : 0), true);
      v.setUint32(WO.max_record, whole("maxRecord", o.maxRecord, 0), true);
      setU64(v, WO.buffer_size, whole("bufferSize", o.bufferSize, 0));
      const path = encoder.encode(dir);
      const handle = symbols.jf_wal_open(nonEmpty(path), path.byteLength, walOptions.bytes, openResult.bytes);
      if (!handle) throw readError(openResult, OR.error, "IO");
      const r = openResult.view;
      const tornSegment = charsAt(openResult.bytes, OR.torn_segment, TORN_SEGMENT_SIZE);
      const recovery: WalRecovery = {
        firstLsn: u64(r, OR.first_lsn),
        nextLsn: u64(r, OR.next_lsn),
        records: u64(r, OR.records),
        segments: u64(r, OR.segments),
        tornBytes: u64(r, OR.torn_bytes),
        tornOffset: u64(r, OR.torn_offset),
        salvagedBytes: u64(r, OR.salvaged_bytes),
        shared: r.getUint32(OR.shared, true) !== 0,
      };
      if (tornSegment) recovery.tornSegment = tornSegment;
      return { handle, recovery };
    },
    walAppend: (handle, data, sync) => {
      const fn = sync ? symbols.jf_wal_append_sync : symbols.jf_wal_append;
      check(fn(handle, nonEmpty(data), data.byteLength, lsnOut, error.bytes));
      return Number(lsnOut[0]);
    },
    walSync: (handle) => check(symbols.jf_wal_sync(handle, error.bytes)),
    walRead: (handle, from, maxBytes) => {
      const p = symbols.jf_wal_read(handle, from, maxBytes, readResult.bytes);
      if (!p) throw readError(readResult, RR.error, "IO");
      const r = readResult.view;
      // Copied into JS memory and freed at once: reads are bounded by maxBytes and the copy is cheap next to disk I/O.
      const bytes = copyBytes(p, u64(r, RR.length));
      symbols.jf_free(p);
      return { bytes, records: u64(r, RR.records), nextLsn: u64(r, RR.next_lsn) };
    },
    walTruncateBefore: (handle, lsn) => check(symbols.jf_wal_truncate_before(handle, lsn, error.bytes)),
    walStats: (handle) => {
      check(symbols.jf_wal_get_stats(handle, walStats.bytes, error.bytes));
      const v = walStats.view;
      return {
        firstLsn: u64(v, WS.first_lsn),
        nextLsn: u64(v, WS.next_lsn),
        writtenLsn: u64(v, WS.written_lsn),
        syncedLsn: u64(v, WS.synced_lsn),
        appends: u64(v, WS.appends),
        syncs: u64(v, WS.syncs),
        bytes: u64(v, WS.bytes),
        segments: u64(v, WS.segments),
        handles: u64(v, WS.handles),
      };
    },
    walClose: (handle) => check(symbols.jf_wal_close(handle, error.bytes)),
  };
}
