/**
 * @module durable/wal — a durable append-only log of records (the native write-ahead log): CRC32C-framed records in
 * segment files, group commit across threads and Bun Workers, recovery that cuts a torn tail and refuses a
 * corrupt middle.
 */
import { JsonFlatError } from "../core/errors";
import { native, type WalOptions, type WalRecovery, type WalStats } from "../native";

export type { WalOptions, WalRecovery, WalStats } from "../native";

/**
 * One record read back: its log sequence number, its bytes and their CRC-32C.
 *
 * @example
 * for (const { lsn, data } of wal.records()) console.log(lsn, new TextDecoder().decode(data));
 */
export interface WalRecord {
  lsn: number;
  data: Uint8Array;
  /** CRC-32C of `data` (the same as `crc32c(data)`). */
  crc: number;
}

const encoder = new TextEncoder();
const DEFAULT_BATCH = 1 << 20;

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

function lsnArg(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new JsonFlatError("INVALID_OPTION", `${name} must be a log sequence number (a whole number ≥ 0), got ${value}`);
  }
  return value;
}

/** Splits a jf_wal_read block (lsn u64 | length u32 | crc u32 | payload | padding to 8) into records. */
function parseBlock(bytes: Uint8Array): WalRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: WalRecord[] = [];
  for (let at = 0; at < bytes.byteLength; ) {
    const lsn = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    const length = view.getUint32(at + 8, true);
    const crc = view.getUint32(at + 12, true);
    records.push({ lsn, data: bytes.subarray(at + 16, at + 16 + length), crc });
    at += (16 + length + 7) & ~7;
  }
  return records;
}

// A log that is never closed is closed when collected (the last handle of a log syncs it).
const registry = new FinalizationRegistry<number>((handle) => {
  try {
    native().walClose(handle);
  } catch {
    // already closed
  }
});

/**
 * An open write-ahead log. Records are bytes; each gets a log sequence number (LSN) 1, 2, 3, ... in append
 * order. `appendAndSync` (or `append` then `sync`) returns only once the record survives a crash of the process
 * or the machine; concurrent callers in other threads or Bun Workers share one fsync (group commit).
 *
 * Every Worker that opens the same directory shares one native log (one sequence, one lock); each open is its
 * own handle, closed on its own. Calls block the calling thread (an fsync takes milliseconds): run heavy
 * writers in Workers. After `close()`, every call throws `IO`; closing again does nothing.
 *
 * @example
 * using wal = Wal.open("data/wal");
 * const lsn = wal.appendAndSync(JSON.stringify({ chunk: 7, offset: 1024 }));
 * for (const r of wal.records(lsn)) console.log(r.lsn, new TextDecoder().decode(r.data));
 */
export class Wal {
  /** The directory as given to `open`. */
  readonly dir: string;
  /** What recovery found when this log was opened (`shared`: it was already open in this process). */
  readonly recovery: WalRecovery;
  private handle: number | undefined;

  private constructor(dir: string, handle: number, recovery: WalRecovery) {
    this.dir = dir;
    this.handle = handle;
    this.recovery = recovery;
    registry.register(this, handle, this);
  }

  /**
   * Opens the log in `dir` (created if missing) and recovers it: a torn tail is cut and reported in
   * `recovery` (and logged at warn level); a damaged record with valid records after it throws `CORRUPT`
   * naming the segment file and the offset, unless `salvage` is set.
   *
   * @example
   * const wal = Wal.open("data/wal", { segmentSize: 16 << 20 });
   * if (wal.recovery.tornBytes) console.warn("recovered from a crash", wal.recovery);
   */
  static open(dir: string, options?: WalOptions): Wal {
    const { handle, recovery } = native().walOpen(dir, options);
    return new Wal(dir, handle, recovery);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.handle === undefined;
  }

  private id(): number {
    if (this.handle === undefined) throw new JsonFlatError("IO", `write-ahead log ${this.dir} is closed`);
    return this.handle;
  }

  /**
   * Appends a record (a string is written as UTF-8) and returns its LSN. Not durable until `sync()`; buffered
   * in memory up to `bufferSize`, then written.
   *
   * @example
   * const first = wal.append("a"); wal.append("b"); wal.sync(); // both durable now
   */
  append(data: Uint8Array | string): number {
    return native().walAppend(this.id(), bytesOf(data), false);
  }

  /**
   * Appends a record and returns its LSN once it is durable. Concurrent callers share fsyncs.
   *
   * @example
   * const lsn = wal.appendAndSync(record); // survives kill -9 and power loss from here on
   */
  appendAndSync(data: Uint8Array | string): number {
    return native().walAppend(this.id(), bytesOf(data), true);
  }

  /**
   * Makes every record appended so far (by any thread) durable. Returns at once when they already are.
   *
   * @example
   * for (const r of batch) wal.append(r);
   * wal.sync();
   */
  sync(): void {
    native().walSync(this.id());
  }

  /**
   * Reads records from LSN `from` on (0: the oldest kept), as many as fit in `maxBytes` (at least one).
   * `nextLsn` is where to continue; an empty `records` means the end of the log.
   *
   * @example
   * let { records, nextLsn } = wal.read(0, 64 << 10);
   */
  read(from = 0, maxBytes = DEFAULT_BATCH): { records: WalRecord[]; nextLsn: number } {
    const { bytes, nextLsn } = native().walRead(this.id(), lsnArg("from", from), lsnArg("maxBytes", maxBytes));
    return { records: parseBlock(bytes), nextLsn };
  }

  /**
   * Every record from LSN `from` on, read in batches of about `batchBytes`. Records appended while iterating
   * are included when the iteration reaches them.
   *
   * @example
   * for (const { lsn, data } of wal.records(0)) replay(lsn, data);
   */
  *records(from = 0, options: { batchBytes?: number } = {}): Generator<WalRecord> {
    let next = from;
    for (;;) {
      const { records, nextLsn } = this.read(next, options.batchBytes ?? DEFAULT_BATCH);
      if (records.length === 0) return;
      yield* records;
      next = nextLsn;
    }
  }

  /**
   * Checkpoint: deletes the segment files whose records all precede `lsn` (never the one being appended to).
   * Records before `lsn` in a kept segment stay readable; `stats().firstLsn` says where the log now starts.
   *
   * @example
   * wal.truncateBefore(lastCheckpointLsn);
   */
  truncateBefore(lsn: number): void {
    native().walTruncateBefore(this.id(), lsnArg("lsn", lsn));
  }

  /**
   * Counters of the log (shared by every handle on it): LSN watermarks, appends, fsyncs, bytes, segments.
   *
   * @example
   * const { appends, syncs } = wal.stats(); // appends / syncs = records per fsync
   */
  stats(): WalStats {
    return native().walStats(this.id());
  }

  /**
   * Closes this handle. The last handle on a log writes out what is buffered and syncs it; a failure there throws
   * `IO` (the handle is closed anyway). Closing again does nothing.
   *
   * @example
   * wal.close();
   */
  close(): void {
    const handle = this.handle;
    if (handle === undefined) return;
    this.handle = undefined;
    registry.unregister(this);
    native().walClose(handle);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * CRC-32C (Castagnoli) of `data` (a string as UTF-8), continuing from `crc` (0 to start): the checksum the log
 * frames records with, and what journaled jobs record for each output chunk.
 *
 * @example
 * crc32c("123456789") // 0xe3069283
 * crc32c("6789", crc32c("12345")) // the same
 */
export function crc32c(data: Uint8Array | string, crc = 0): number {
  return native().crc32c(bytesOf(data), crc);
}
