/**
 * @module durable/journal — jobs that survive `kill -9` and power loss: a job that turns an input file into an output
 * file piece by piece records each finished piece in a write-ahead log once the piece's output bytes are
 * durable, and running the same job again resumes after the last piece whose bytes are still intact.
 */
import { closeSync, existsSync, fdatasync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { JsonFlatError } from "../core/errors";
import type { ByteRange } from "../lines/index";
import { crc32c, Wal, type WalOptions } from "./wal";

/**
 * A finished piece of a job's output and the input it came from. Pieces must tile the input: each starts
 * where the previous one ended, and its output depends only on its input and its first line number.
 *
 * @example
 * const piece: JournalPiece = { bytes: [out], input: { start: 0, end: 4096 }, firstLine: 1, lines: 40 };
 */
export interface JournalPiece {
  /** The output, in order. */
  bytes: readonly Uint8Array[];
  /** Input offsets `[start, end)` of the piece (whole lines). */
  input: ByteRange;
  /** Number of its first input line. */
  firstLine: number;
  /** Input lines it covers, blank and bad ones included. */
  lines: number;
  /** Counters summed into the job's summary. */
  documents?: number;
  errors?: number;
  leaves?: number;
}

/**
 * Where a job (re)starts: the input offset and line number of its next piece, and the output length kept.
 *
 * @example
 * produce: (from) => flattenPieces(input, { range: { start: from.input, end }, firstLine: from.line })
 */
export interface JournalPosition {
  input: number;
  line: number;
  output: number;
}

/**
 * A journaled job: what it reads and writes, what shapes its output, and how to produce its pieces from a
 * position. Any job that writes pieces of output in input order can be journaled (flatten and unflatten
 * NDJSON do: see `flattenFile`, `unflattenFile`).
 *
 * @example
 * await runJournaled({
 *   journal: "job.wal", input: "big.ndjson", output: "out.ndjson", options: { kind: "flatten", column: 5 },
 *   produce: (from) => pieces(from),
 * });
 */
export interface JournaledJob {
  /** The write-ahead log's directory (created when missing). */
  journal: string;
  /** The input file. */
  input: string;
  /** The output file (created when missing; cut to what the journal vouches for). */
  output: string;
  /** The part of the input the job covers (whole lines); default the whole file. */
  range?: ByteRange;
  /** Number of the range's first line; default 1. */
  firstLine?: number;
  /** Every option that shapes the output (JSON data): a journal made with other options is refused. */
  options?: unknown;
  /** Recorded in the journal's header but not compared (chunk size, workers: they never change the output). */
  notes?: Record<string, unknown>;
  /** The job's pieces from a position on, in input order. */
  produce(from: JournalPosition): AsyncIterable<JournalPiece>;
  /** Called before producing when the job resumes (not on a fresh start). */
  onResume?(resume: JournalResume): void;
}

/**
 * What a resumed job found in its journal and output.
 *
 * @example
 * onResume: (r) => console.error(`resuming at byte ${r.from.input}, line ${r.from.line}`)
 */
export interface JournalResume {
  from: JournalPosition;
  /** Pieces kept from earlier runs. */
  kept: number;
  /** Committed pieces whose output was missing or damaged, done again. */
  redone: number;
  /** Output bytes past the kept pieces that were cut (written but never committed, or damaged). */
  cutBytes: number;
  /** The journal says the job finished and the output is intact: nothing to do. */
  complete: boolean;
}

/**
 * Totals of a journaled job (earlier runs' committed pieces included).
 *
 * @example
 * const s = await runJournaled(job); if (s.alreadyComplete) console.error("nothing to do");
 */
export interface JournalSummary {
  lines: number;
  documents: number;
  errors: number;
  leaves: number;
  /** Input bytes of the whole job and of this run. */
  inputBytes: number;
  inputBytesThisRun: number;
  outputBytes: number;
  /** Pieces of the whole job. */
  pieces: number;
  /** Times this run made output durable and committed the pieces written before (one fdatasync + one WAL sync each). */
  commits: number;
  /** What resuming found, when an earlier run had committed something. */
  resumed?: JournalResume;
  /** The journal already said the job was complete (this run wrote nothing). */
  alreadyComplete: boolean;
}

/*------------------------------------------------------------------------------
 * File operations: node:fs and the native log, behind a seam for the durability tests
 *----------------------------------------------------------------------------*/

/**
 * The write-ahead log calls a journaled job makes.
 *
 * @example
 * const wal: JournalWal = Wal.open("job.wal");
 */
export type JournalWal = Pick<Wal, "dir" | "records" | "read" | "append" | "sync" | "appendAndSync" | "close">;

/**
 * Every file operation of a journaled job: node:fs and the native write-ahead log by default. Internal (not
 * exported from the package): test/journal-crash.test.ts puts a layer in between that records each operation,
 * to build the states a power loss may leave at each sync, or fails the N-th call. Failures are thrown as they
 * come (node:fs errors); the job turns them into `IO` errors naming the file.
 *
 * @example
 * const was = setJournalIo({ ...nodeJournalIo, fsync: (fd) => { count++; nodeJournalIo.fsync(fd); } });
 */
export interface JournalIo {
  open(path: string, flags: "r" | "r+" | "w+"): number;
  close(fd: number): void;
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fstat(fd: number): { size: number; mtimeNs: bigint };
  fsync(fd: number): void;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): void;
  exists(path: string): boolean;
  openWal(dir: string, options: WalOptions): JournalWal;
}

const datasync = promisify(fdatasync);

/**
 * The real operations (node:fs, `Wal.open`).
 *
 * @example
 * setJournalIo(nodeJournalIo); // the default
 */
export const nodeJournalIo: JournalIo = {
  open: (path, flags) => openSync(path, flags),
  close: (fd) => closeSync(fd),
  read: (fd, buffer, offset, length, position) => readSync(fd, buffer, offset, length, position),
  write: (fd, buffer, offset, length, position) => writeSync(fd, buffer, offset, length, position),
  fstat: (fd) => {
    const st = fstatSync(fd, { bigint: true });
    return { size: Number(st.size), mtimeNs: st.mtimeNs };
  },
  fsync: (fd) => fsyncSync(fd),
  fdatasync: (fd) => datasync(fd),
  ftruncate: (fd, length) => ftruncateSync(fd, length),
  exists: (path) => existsSync(path),
  openWal: (dir, options) => Wal.open(dir, options),
};

let io: JournalIo = nodeJournalIo;

/**
 * Puts `layer` under journaled jobs (undefined: `nodeJournalIo` again); returns the layer it replaces. For
 * tests: every operation uses the layer in force when it runs, so swap layers only while no job is running.
 *
 * @example
 * const was = setJournalIo(recording); try { await runJournaled(job); } finally { setJournalIo(was); }
 */
export function setJournalIo(layer?: JournalIo): JournalIo {
  const was = io;
  io = layer ?? nodeJournalIo;
  return was;
}

/** An `IO` error saying what could not be done to which file, and why. */
function ioFailure(what: string, path: string, error: unknown): JsonFlatError {
  if (error instanceof JsonFlatError) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new JsonFlatError("IO", `cannot ${what} ${path}: ${why}`);
}

/** Runs `fn`; a failure becomes `ioFailure(what, path, …)`. */
function attempt<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw ioFailure(what, path, error);
  }
}

/*------------------------------------------------------------------------------
 * Records (JSON text, one per WAL record)
 *----------------------------------------------------------------------------*/

const FORMAT = "jsonflat-journal";
const VERSION = 1;
const FINGERPRINT_BYTES = 64 << 10;

interface InputIdentity {
  path: string;
  size: number;
  mtimeNs: string;
  /** CRC-32C of the first and of the last 64 KiB. */
  head: number;
  tail: number;
}

interface Identity {
  input: InputIdentity;
  output: string;
  range: [number, number];
  firstLine: number;
  options: unknown;
}

interface HeaderRecord extends Identity {
  t: "job";
  format: typeof FORMAT;
  version: number;
  notes?: Record<string, unknown>;
  created: string;
}

/** One committed piece: input range, output offset and length, CRC-32C of the output, first line. */
interface ChunkRecord {
  t: "chunk";
  in: [number, number];
  out: [number, number];
  crc: number;
  line: number;
  lines: number;
  docs: number;
  errors: number;
  leaves: number;
}

interface DoneRecord {
  t: "done";
  out: number;
  pieces: number;
}

type JournalRecord = HeaderRecord | ChunkRecord | DoneRecord;

const decoder = new TextDecoder();

/** JSON with object keys sorted, so equal options compare equal whatever order they were given in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function readAt(fd: number, path: string, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = attempt("read", path, () => io.read(fd, bytes, done, length - done, position + done));
    if (n === 0) break;
    done += n;
  }
  return bytes.subarray(0, done);
}

function inputIdentity(path: string): InputIdentity {
  const fd = attempt("read", path, () => io.open(path, "r"));
  try {
    const st = attempt("read", path, () => io.fstat(fd));
    const size = st.size;
    const tailAt = Math.max(0, size - FINGERPRINT_BYTES);
    return {
      path: resolve(path),
      size,
      mtimeNs: st.mtimeNs.toString(),
      head: crc32c(readAt(fd, path, 0, Math.min(size, FINGERPRINT_BYTES))),
      tail: crc32c(readAt(fd, path, tailAt, size - tailAt)),
    };
  } finally {
    closeQuietly(fd);
  }
}

/** Closes a file only read from: a failure there loses nothing. */
function closeQuietly(fd: number): void {
  try {
    io.close(fd);
  } catch {
    // nothing was written through it
  }
}

/** The first difference between the journal's job and this one, in words, or undefined. */
function difference(was: Identity, now: Identity): string | undefined {
  const pairs: [string, unknown, unknown][] = [
    ["input file", was.input.path, now.input.path],
    ["input size", was.input.size, now.input.size],
    ["input modification time (ns)", was.input.mtimeNs, now.input.mtimeNs],
    ["input's first 64 KiB (CRC-32C)", was.input.head, now.input.head],
    ["input's last 64 KiB (CRC-32C)", was.input.tail, now.input.tail],
    ["output file", was.output, now.output],
    ["input range", was.range.join(":"), now.range.join(":")],
    ["first line number", was.firstLine, now.firstLine],
    ["options", canonical(was.options), canonical(now.options)],
  ];
  for (const [what, a, b] of pairs) if (a !== b) return `${what}: was ${a}, now ${b}`;
  return undefined;
}

/*------------------------------------------------------------------------------
 * Replay: the committed pieces, in output order
 *----------------------------------------------------------------------------*/

interface Replayed {
  header?: HeaderRecord;
  chunks: ChunkRecord[];
  done?: DoneRecord;
}

const isCount = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
const isPair = (p: unknown) => Array.isArray(p) && p.length === 2 && isCount(p[0]) && isCount(p[1]);

function isChunk(r: ChunkRecord): boolean {
  return isPair(r.in) && isPair(r.out) && isCount(r.crc) && isCount(r.line) && isCount(r.lines) && isCount(r.docs) && isCount(r.errors) && isCount(r.leaves);
}

function corrupt(dir: string, lsn: number, why: string): JsonFlatError {
  return new JsonFlatError("CORRUPT", `journal ${dir}: record ${lsn} ${why}`);
}

/**
 * Reads every record. A chunk record that starts (in the input) at or before the start of the previous one rewinds the list (a
 * later run redid pieces whose output had been damaged); anything else out of order is `CORRUPT`.
 */
function replay(wal: JournalWal, start: JournalPosition): Replayed {
  const state: Replayed = { chunks: [] };
  for (const { lsn, data } of wal.records()) {
    let record: JournalRecord;
    try {
      record = JSON.parse(decoder.decode(data));
    } catch {
      throw corrupt(wal.dir, lsn, "is not JSON: not a jsonflat journal");
    }
    if (!record || typeof record !== "object") throw corrupt(wal.dir, lsn, "is not a record: not a jsonflat journal");
    if (!state.header) {
      if (record.t !== "job" || record.format !== FORMAT) throw corrupt(wal.dir, lsn, "is not a job header: not a jsonflat journal");
      if (record.version !== VERSION) throw corrupt(wal.dir, lsn, `has format version ${record.version}; this jsonflat reads ${VERSION}`);
      state.header = record;
      continue;
    }
    if (record.t === "done") {
      state.done = record;
      continue;
    }
    if (record.t !== "chunk") throw corrupt(wal.dir, lsn, `has an unknown type ${JSON.stringify(record.t)}`);
    if (!isChunk(record)) throw corrupt(wal.dir, lsn, "is a malformed chunk record");
    // Rewind by input, not output: a piece may write no bytes, so two records can start at one output offset.
    while (state.chunks.length && state.chunks.at(-1)!.in[0] >= record.in[0]) state.chunks.pop();
    const last = state.chunks.at(-1);
    const expected = last ? { input: last.in[1], output: last.out[0] + last.out[1] } : start;
    if (record.in[0] !== expected.input || record.out[0] !== expected.output) {
      throw corrupt(wal.dir, lsn, `does not follow the piece before it (input ${record.in[0]}, output ${record.out[0]}; expected ${expected.input}, ${expected.output})`);
    }
    state.chunks.push(record);
    state.done = undefined;
  }
  return state;
}

/** Index of the last piece whose output is in the file and checks out (the last non-empty one is read back). */
function lastIntact(fd: number, path: string, chunks: readonly ChunkRecord[]): { kept: number } {
  const size = attempt("read", path, () => io.fstat(fd)).size;
  let verified = -1;
  for (let i = chunks.length - 1; i >= 0; i--) {
    const [offset, length] = chunks[i]!.out;
    if (offset + length > size) continue;
    if (length === 0) continue;
    if (crcOfFile(fd, path, offset, length) === chunks[i]!.crc) {
      verified = i;
      break;
    }
  }
  let kept = verified + 1;
  // Empty pieces after the verified one need nothing from the file but its length.
  while (kept < chunks.length && chunks[kept]!.out[1] === 0 && chunks[kept]!.out[0] <= size) kept++;
  return { kept };
}

function crcOfFile(fd: number, path: string, offset: number, length: number): number {
  let crc = 0;
  const block = 1 << 20;
  for (let at = 0; at < length; at += block) {
    const bytes = readAt(fd, path, offset + at, Math.min(block, length - at));
    if (bytes.length === 0) return -1;
    crc = crc32c(bytes, crc);
  }
  return crc;
}

/*------------------------------------------------------------------------------
 * Commits: output fdatasync in the background, then the records and one WAL sync
 *----------------------------------------------------------------------------*/

/**
 * Pieces written to the output wait here until an fdatasync that started after them returns; then their
 * records are appended and synced together. One sync runs at a time, off the main thread, while the job goes
 * on writing: a commit covers every piece written before its fdatasync began.
 */
class Committer {
  commits = 0;
  private written: ChunkRecord[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly wal: JournalWal,
  ) {}

  add(record: ChunkRecord): void {
    this.check();
    this.written.push(record);
    this.kick();
  }

  /** Throws the error of a failed commit (the output or the journal could not be made durable). */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits until every piece written so far is committed. */
  async drain(): Promise<void> {
    this.kick();
    while (this.inFlight) await this.inFlight;
    this.check();
  }

  private kick(): void {
    if (this.inFlight || this.failure || this.written.length === 0) return;
    const batch = this.written;
    this.written = [];
    // A failed fdatasync is never retried: the kernel may have dropped the pages it could not write, and a
    // second fdatasync would then succeed without them. The job stops; a re-run redoes the uncommitted pieces.
    this.inFlight = io
      .fdatasync(this.fd)
      .catch((error: unknown) => {
        throw ioFailure("fdatasync (make durable)", this.path, error);
      })
      .then(() => {
        for (const record of batch) this.wal.append(JSON.stringify(record));
        this.wal.sync();
        this.commits++;
      })
      .catch((error: unknown) => {
        this.failure = { error: ioFailure("commit a piece of", this.path, error) };
      })
      .finally(() => {
        this.inFlight = undefined;
        this.kick();
      });
  }
}

function writeAll(fd: number, path: string, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) {
    done += attempt("write", path, () => io.write(fd, bytes, done, bytes.length - done, position + done));
  }
}

/*------------------------------------------------------------------------------
 * The job
 *----------------------------------------------------------------------------*/

function openOutput(path: string): number {
  const created = !io.exists(path);
  const fd = attempt("open for writing", path, () => io.open(path, created ? "w+" : "r+"));
  // The file's name must be durable before the journal vouches for bytes in it: its directory is fsynced on
  // every run, not only the one that created it (that run may have failed at this very fsync).
  const dirPath = dirname(resolve(path));
  try {
    const dir = attempt("open the directory of", path, () => io.open(dirPath, "r"));
    try {
      attempt("fsync the directory of", path, () => io.fsync(dir));
    } finally {
      closeQuietly(dir);
    }
  } catch (error) {
    closeQuietly(fd);
    throw error;
  }
  return fd;
}

function position(chunks: readonly ChunkRecord[], start: JournalPosition): JournalPosition {
  const last = chunks.at(-1);
  return last ? { input: last.in[1], line: last.line + last.lines, output: last.out[0] + last.out[1] } : start;
}

function totals(chunks: readonly ChunkRecord[]) {
  const t = { lines: 0, documents: 0, errors: 0, leaves: 0 };
  for (const c of chunks) {
    t.lines += c.lines;
    t.documents += c.docs;
    t.errors += c.errors;
    t.leaves += c.leaves;
  }
  return t;
}

/**
 * Runs a journaled job to the end, or resumes it. On a fresh journal it records the job (input path, size,
 * modification time and a CRC of its first and last 64 KiB; output path; range; options), then writes each
 * piece to the output and commits it: after an fdatasync of the output that began once the piece was
 * written, a record (input range, output offset and length, CRC-32C of the output bytes, first line, counters)
 * is appended to the WAL and synced. At the end, a `done` record.
 *
 * Run again after a crash, it checks the job is the same (else `JOURNAL_MISMATCH`, naming what differs),
 * reads back the last committed piece's bytes from the output and checks their CRC (going back piece by
 * piece past damaged ones), cuts the output after the last intact piece, and resumes there: the output ends
 * up byte for byte what one uninterrupted run writes. Run again after it finished, it checks the output is
 * intact and does nothing (`alreadyComplete`). Two runs at once on one journal: the second fails with `IO`
 * (the WAL's directory lock).
 *
 * @example
 * const summary = await runJournaled({
 *   journal: "job.wal", input: "big.ndjson", output: "out.ndjson", options: { kind: "flatten" },
 *   produce: (from) => myPieces(from), // JournalPiece per chunk, starting at from.input, numbered from from.line
 * });
 */
export async function runJournaled(job: JournaledJob): Promise<JournalSummary> {
  if (resolve(job.input) === resolve(job.output)) {
    throw new JsonFlatError("INVALID_OPTION", `the output ${job.output} is the input: a journaled job needs another file`);
  }
  const input = inputIdentity(job.input);
  const range = job.range ?? { start: 0, end: input.size };
  const identity: Identity = {
    input,
    output: resolve(job.output),
    range: [range.start, range.end],
    firstLine: job.firstLine ?? 1,
    options: JSON.parse(canonical(job.options ?? null)),
  };
  const start: JournalPosition = { input: range.start, line: identity.firstLine, output: 0 };
  const wal = io.openWal(job.journal, { segmentSize: 4 << 20 });
  let fd: number | undefined;
  let failed = false;
  try {
    const replayed = replay(wal, start);
    if (replayed.header) {
      const differs = difference(replayed.header, identity);
      if (differs) {
        throw new JsonFlatError(
          "JOURNAL_MISMATCH",
          `journal ${job.journal} belongs to another job: ${differs}. Delete ${job.journal} (or choose another journal) to start over`,
        );
      }
    }
    fd = openOutput(job.output);
    if (!replayed.header) {
      const header: HeaderRecord = { t: "job", format: FORMAT, version: VERSION, ...identity, notes: job.notes, created: new Date().toISOString() };
      wal.appendAndSync(JSON.stringify(header));
    }
    const output = job.output;
    const out = fd;
    const { kept } = lastIntact(out, output, replayed.chunks);
    const chunks = replayed.chunks.slice(0, kept);
    const from = position(chunks, start);
    const size = attempt("read", output, () => io.fstat(out)).size;
    const complete = replayed.done !== undefined && kept === replayed.chunks.length;
    let resumed: JournalResume | undefined;
    if (replayed.header) {
      resumed = { from, kept, redone: replayed.chunks.length - kept, cutBytes: Math.max(0, size - from.output), complete };
    }
    if (size !== from.output) {
      attempt("cut back", output, () => io.ftruncate(out, from.output));
      attempt("fsync", output, () => io.fsync(out));
    }
    if (resumed && replayed.chunks.length) job.onResume?.(resumed);

    const counts = totals(chunks);
    const summary: JournalSummary = {
      ...counts,
      inputBytes: from.input - range.start,
      inputBytesThisRun: 0,
      outputBytes: from.output,
      pieces: chunks.length,
      commits: 0,
      resumed,
      alreadyComplete: complete,
    };
    if (complete) return summary;

    const committer = new Committer(out, output, wal);
    const next = { ...from };
    try {
      for await (const piece of job.produce(from)) {
        if (piece.input.start !== next.input || piece.firstLine !== next.line) {
          throw new JsonFlatError(
            "INVALID_OPTION",
            `journaled job: a piece starts at byte ${piece.input.start}, line ${piece.firstLine}; expected byte ${next.input}, line ${next.line}`,
          );
        }
        let crc = 0;
        let length = 0;
        for (const bytes of piece.bytes) {
          writeAll(out, output, bytes, next.output + length);
          crc = crc32c(bytes, crc);
          length += bytes.length;
        }
        const record: ChunkRecord = {
          t: "chunk",
          in: [piece.input.start, piece.input.end],
          out: [next.output, length],
          crc,
          line: piece.firstLine,
          lines: piece.lines,
          docs: piece.documents ?? 0,
          errors: piece.errors ?? 0,
          leaves: piece.leaves ?? 0,
        };
        committer.add(record);
        next.input = piece.input.end;
        next.line += piece.lines;
        next.output += length;
        summary.lines += record.lines;
        summary.documents += record.docs;
        summary.errors += record.errors;
        summary.leaves += record.leaves;
        summary.pieces++;
      }
    } catch (error) {
      // Keep what was written before the failure: a re-run resumes after it instead of redoing it.
      await committer.drain().catch(() => {});
      throw error;
    }
    await committer.drain();
    if (next.input !== range.end) {
      throw new JsonFlatError("INVALID_OPTION", `journaled job: the pieces ended at byte ${next.input}, before the end of the input (${range.end})`);
    }
    const done: DoneRecord = { t: "done", out: next.output, pieces: summary.pieces };
    wal.appendAndSync(JSON.stringify(done));
    summary.commits = committer.commits;
    summary.inputBytes = next.input - range.start;
    summary.inputBytesThisRun = next.input - from.input;
    summary.outputBytes = next.output;
    return summary;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A failure to close (the output, or the log's last sync) fails a job that succeeded; after a failure, the
    // first error is the one to report.
    if (fd !== undefined) {
      const out = fd;
      if (failed) closeQuietly(out);
      else attempt("close", job.output, () => io.close(out));
    }
    if (failed) {
      try {
        wal.close();
      } catch {
        // the job's own error says more
      }
    } else wal.close();
  }
}

/**
 * A committed piece as `readJournal` reports it.
 *
 * @example
 * const last = readJournal("job.wal").chunks.at(-1); // { input: [0, 4096], output: [0, 5120], crc, line: 1, lines: 40 }
 */
export interface JournalChunk {
  input: [number, number];
  output: [number, number];
  crc: number;
  line: number;
  lines: number;
}

/**
 * What a journal says about its job, without running it (for tools and tests): the job's header (undefined
 * before the first run recorded it), the committed pieces in output order, and whether it finished. The output
 * is not checked.
 *
 * @example
 * const { chunks, complete } = readJournal("job.wal");
 * console.log(chunks.length, chunks.at(-1)?.output, complete);
 */
export function readJournal(dir: string): { job?: Record<string, unknown>; chunks: JournalChunk[]; outputBytes: number; complete: boolean } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new JsonFlatError("IO", `no journal at ${dir}`);
  const wal = Wal.open(dir, { create: false });
  try {
    const first = wal.read(0, 1 << 16).records[0];
    const header = first ? (JSON.parse(decoder.decode(first.data)) as HeaderRecord) : undefined;
    const start: JournalPosition = { input: header?.range[0] ?? 0, line: header?.firstLine ?? 1, output: 0 };
    const { chunks, done } = replay(wal, start);
    return {
      job: header ? { ...header } : undefined,
      chunks: chunks.map((c) => ({ input: c.in, output: c.out, crc: c.crc, line: c.line, lines: c.lines })),
      outputBytes: position(chunks, start).output,
      complete: done !== undefined,
    };
  } finally {
    wal.close();
  }
}
