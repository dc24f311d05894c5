/**
 * @module journal-crash.test — journaled jobs against power loss and I/O faults, in process (no kill -9: a kill
 * cannot show a missing or misplaced fsync, the page cache survives it).
 *
 * Power loss: a small flatten job runs once through a layer (`setJournalIo`) that records every write, truncation
 * and sync of the output and every append and sync of the journal. From that record, at every sync (just before
 * an output fdatasync or fsync completes, a directory fsync, a journal sync) and at the end, the states a power
 * loss may leave are built: the output as last synced, as written, torn after each unsynced 512-byte sector, with
 * unsynced sectors persisted in any subset (zeros in the others), or missing if its directory was not fsynced
 * since it was created; the journal with its synced records and any prefix of the unsynced ones (what the log's
 * recovery keeps: c/test/test_wal_crash.c). In every state, every chunk the journal holds must have its exact
 * bytes in the output (the output's fdatasync came first), and running the job again must end with output
 * byte-identical to an uninterrupted run. The resumes from every third crash point's plain power loss are
 * themselves recorded and crashed the same way (every point's with JSONFLAT_JOURNAL_CRASH_FULL=1).
 *
 * Faults: the N-th operation (open, read, write, fstat, fsync, fdatasync, ftruncate, close, and the journal's
 * open, append, sync, read, close) fails with EIO or ENOSPC (a write first writing half), once or from then on,
 * for N = 1, 2, ... until the job runs clean. The job must fail with an `IO` JsonFlatError naming the file, never
 * append a record after a failed fdatasync, and a run on the repaired disk must finish byte-identical.
 *
 * Files live on /dev/shm when it exists (fsync is free there; what is durable is modelled, not measured).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, fdatasyncSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError } from "../src/core/errors";
import { flattenFile } from "../src/durable/jobs";
import { nodeJournalIo, readJournal, setJournalIo, type JournalIo, type JournalWal } from "../src/durable/journal";
import { crc32c, Wal } from "../src/durable/wal";
import { rng } from "./fixtures/rng";

const BASE = existsSync("/dev/shm") && statSync("/dev/shm").isDirectory() ? "/dev/shm" : tmpdir();
const ROOT = mkdtempSync(join(BASE, "jf-journal-crash-"));
const INPUT = join(ROOT, "input.ndjson");
const OUTPUT = join(ROOT, "out.ndjson");
const JOURNAL = join(ROOT, "job.wal");
const SECTOR = 512;
// JSONFLAT_JOURNAL_CRASH_FULL=1: crash every resume of every crash point, not every third point's.
const FULL = process.env.JSONFLAT_JOURNAL_CRASH_FULL === "1";
const OPTIONS = { onError: "emit" as const, chunkBytes: 1024 };
let reference: Uint8Array;

beforeAll(async () => {
  // ~24 KB of NDJSON with a bad line now and then: emit records carry line numbers and offsets, so a resume that
  // numbered a chunk wrongly could not go unnoticed.
  const random = rng(7);
  const lines: string[] = [];
  for (let i = 0; i < 220; i++) {
    if (i % 37 === 11) lines.push(`{"broken": ${i},`);
    else lines.push(JSON.stringify({ id: i, name: `item ${i}`, tags: Array.from({ length: 1 + (i % 5) }, (_, k) => `t${k}`), n: Math.floor(random() * 1e6), deep: { a: { b: [i, { c: i % 3 === 0 }] } } }));
  }
  writeFileSync(INPUT, `${lines.join("\n")}\n`);
  const plain = join(ROOT, "reference.ndjson");
  await flattenFile(INPUT, plain, OPTIONS);
  reference = readFileSync(plain);
});
afterAll(() => {
  setJournalIo();
  rmSync(ROOT, { recursive: true, force: true });
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function freshJob(): void {
  rmSync(OUTPUT, { force: true });
  rmSync(JOURNAL, { recursive: true, force: true });
}

/*------------------------------------------------------------------------------
 * Recording
 *----------------------------------------------------------------------------*/

type Op =
  | { k: "create"; path: string }
  | { k: "write"; path: string; pos: number; bytes: Uint8Array }
  | { k: "truncate"; path: string; length: number }
  | { k: "sync-begin"; path: string; id: number }
  | { k: "sync-end"; path: string; id: number; dir: boolean }
  | { k: "append"; data: string }
  | { k: "wal-sync" };

/**
 * node:fs and the real log, with every operation that changes or syncs a file written down in `ops`. The
 * fdatasync is done at once and its promise settles a few microtasks later, not when a thread of the pool is
 * done with it: the same job then records the same operations in the same order on every run (the model still
 * treats a sync as covering only what was written before it began).
 */
function recorder(ops: Op[]): JournalIo {
  const paths = new Map<number, string>();
  let syncs = 0;
  const synced = <T>(fd: number, run: () => T): T => {
    const path = paths.get(fd) ?? "?";
    const id = syncs++;
    ops.push({ k: "sync-begin", path, id });
    const result = run();
    const end = () => ops.push({ k: "sync-end", path, id, dir: statSync(path).isDirectory() });
    if (result instanceof Promise) return result.then((v) => (end(), v)) as T;
    end();
    return result;
  };
  return {
    ...nodeJournalIo,
    open(path, flags) {
      const existed = existsSync(path);
      const fd = nodeJournalIo.open(path, flags);
      paths.set(fd, path);
      if (flags === "w+") ops.push(existed ? { k: "truncate", path, length: 0 } : { k: "create", path });
      return fd;
    },
    close(fd) {
      paths.delete(fd);
      nodeJournalIo.close(fd);
    },
    write(fd, buffer, offset, length, position) {
      const n = nodeJournalIo.write(fd, buffer, offset, length, position);
      ops.push({ k: "write", path: paths.get(fd) ?? "?", pos: position, bytes: buffer.slice(offset, offset + n) });
      return n;
    },
    ftruncate(fd, length) {
      nodeJournalIo.ftruncate(fd, length);
      ops.push({ k: "truncate", path: paths.get(fd) ?? "?", length });
    },
    fsync: (fd) => synced(fd, () => nodeJournalIo.fsync(fd)),
    fdatasync: (fd) =>
      synced(fd, async () => {
        fdatasyncSync(fd);
        for (let hop = 0; hop < 3; hop++) await null;
      }),
    openWal(dir, options) {
      const wal = nodeJournalIo.openWal(dir, options);
      const wrapped: JournalWal = {
        dir: wal.dir,
        records: (...a) => wal.records(...a),
        read: (...a) => wal.read(...a),
        close: () => wal.close(),
        append(data) {
          const lsn = wal.append(data);
          ops.push({ k: "append", data: String(data) });
          return lsn;
        },
        sync() {
          wal.sync();
          ops.push({ k: "wal-sync" });
        },
        appendAndSync(data) {
          ops.push({ k: "append", data: String(data) });
          const lsn = wal.appendAndSync(data);
          ops.push({ k: "wal-sync" });
          return lsn;
        },
      };
      return wrapped;
    },
  };
}

/*------------------------------------------------------------------------------
 * The model: what is durable at each crash point
 *----------------------------------------------------------------------------*/

interface FileModel {
  vol: Uint8Array; // what the process wrote
  dur: Uint8Array; // what a power loss keeps for sure
  exists: boolean; // created and its directory fsynced since, or there before the run
  created: boolean;
}

interface Point {
  what: string;
  output: { vol: Uint8Array; dur: Uint8Array; durable: boolean; present: boolean };
  records: string[]; // every record appended, in order
  synced: number; // how many of them are durable
}

function resize(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, Math.min(length, bytes.length)));
  return out;
}

/**
 * Replays `ops` from the state `start` (the output's bytes and records before the run) and returns the crash
 * points: just before every sync takes effect, and at the end.
 */
function crashPoints(ops: Op[], start: { output?: Uint8Array; records: string[] }): Point[] {
  const out: FileModel = {
    vol: start.output ?? new Uint8Array(0),
    dur: start.output ?? new Uint8Array(0),
    exists: start.output !== undefined,
    created: start.output !== undefined,
  };
  const records = [...start.records];
  let synced = records.length;
  const begun = new Map<number, Uint8Array>(); // sync id -> the output as it was when the sync began
  let dirSyncedAfterCreate = out.exists;
  const points: Point[] = [];
  const point = (what: string) =>
    points.push({ what, output: { vol: out.vol, dur: out.dur, durable: dirSyncedAfterCreate, present: out.created }, records: [...records], synced });
  for (const op of ops) {
    switch (op.k) {
      case "create":
        if (op.path === OUTPUT) {
          out.created = true;
          out.vol = out.dur = new Uint8Array(0);
          dirSyncedAfterCreate = false;
        }
        break;
      case "write":
        if (op.path === OUTPUT) {
          const end = Math.max(out.vol.length, op.pos + op.bytes.length);
          const next = resize(out.vol, end);
          next.set(op.bytes, op.pos);
          out.vol = next;
        }
        break;
      case "truncate":
        if (op.path === OUTPUT) out.vol = resize(out.vol, op.length);
        break;
      case "sync-begin":
        begun.set(op.id, out.vol);
        break;
      case "sync-end":
        point(`${op.dir ? "fsync of the output's directory" : "fdatasync or fsync of the output"} (sync ${op.id})`);
        if (op.dir) dirSyncedAfterCreate = true;
        else if (op.path === OUTPUT) out.dur = begun.get(op.id) ?? out.dur;
        break;
      case "append":
        records.push(op.data);
        break;
      case "wal-sync":
        point(`a journal sync (${records.length} records appended)`);
        synced = records.length;
        break;
    }
  }
  point("the end");
  return points;
}

/** The unsynced sectors of the output: those where what was written differs from what is durable. */
function dirtySectors(vol: Uint8Array, dur: Uint8Array): number[] {
  const sectors: number[] = [];
  const n = Math.ceil(Math.max(vol.length, dur.length) / SECTOR);
  for (let s = 0; s < n; s++) {
    const a = vol.subarray(s * SECTOR, (s + 1) * SECTOR);
    const b = dur.subarray(s * SECTOR, (s + 1) * SECTOR);
    if (!sameBytes(a, b)) sectors.push(s);
  }
  return sectors;
}

/** The output a power loss leaves when the unsynced sectors in `keep` persisted, at `length` bytes. */
function outputState(vol: Uint8Array, dur: Uint8Array, keep: (s: number, i: number) => boolean, length: number): Uint8Array {
  const bytes = resize(dur, length);
  dirtySectors(vol, dur).forEach((s, i) => {
    if (!keep(s, i)) return;
    const a = s * SECTOR;
    const b = Math.min(length, a + SECTOR);
    if (a < b) bytes.set(resize(vol.subarray(a), b - a), a);
  });
  return bytes;
}

interface State {
  what: string;
  output?: Uint8Array; // undefined: the file is gone
  records: string[];
}

/** Every state of one crash point (see the module comment), deduplicated. */
function statesOf(p: Point, random: () => number): State[] {
  const { vol, dur } = p.output;
  const dirty = dirtySectors(vol, dur);
  const outputs: { what: string; bytes?: Uint8Array }[] = [];
  if (!p.output.present) outputs.push({ what: "no output yet" });
  else {
    if (!p.output.durable) outputs.push({ what: "the output's name lost" });
    outputs.push({ what: "output as synced", bytes: dur });
    outputs.push({ what: "output as written", bytes: vol });
    for (let j = 1; j < dirty.length; j++) {
      const cut = Math.max(dur.length, Math.min(vol.length, dirty[j]! * SECTOR));
      outputs.push({ what: `output torn after ${j} of ${dirty.length} unsynced sectors`, bytes: outputState(vol, dur, (_, i) => i < j, cut) });
    }
    const masks: ((s: number, i: number) => boolean)[] = [];
    if (dirty.length <= 5) for (let m = 0; m < (1 << dirty.length) - 1; m++) masks.push((_, i) => ((m >> i) & 1) === 1);
    else {
      masks.push(() => false);
      for (let k = 0; k < dirty.length; k++) {
        masks.push((_, i) => i === k);
        masks.push((_, i) => i !== k);
      }
      for (let r = 0; r < 6; r++) {
        const bits = dirty.map(() => random() < 0.5);
        masks.push((_, i) => bits[i]!);
      }
    }
    masks.forEach((keep, m) => outputs.push({ what: `output: unsynced sectors (subset ${m}) persisted, zeros elsewhere`, bytes: outputState(vol, dur, keep, vol.length) }));
  }
  const journals: { what: string; count: number }[] = [];
  for (let n = p.synced; n <= p.records.length; n++) journals.push({ what: `${n} of ${p.records.length} records (${p.synced} synced)`, count: n });
  const states: State[] = [];
  const seen = new Set<string>();
  const add = (o: (typeof outputs)[number], j: (typeof journals)[number]) => {
    const key = `${o.bytes ? crc32c(o.bytes) + ":" + o.bytes.length : "none"}|${j.count}`;
    if (seen.has(key)) return;
    seen.add(key);
    states.push({ what: `${p.what}: ${o.what}, journal ${j.what}`, output: o.bytes, records: p.records.slice(0, j.count) });
  };
  // Every output with the journal as synced and as written; every journal prefix with the output as synced and
  // as written.
  for (const o of outputs) for (const j of [journals[0]!, journals.at(-1)!]) add(o, j);
  for (const j of journals) for (const o of outputs.slice(0, 3)) add(o, j);
  return states;
}

/** Puts a crash state on disk at the job's own paths. */
function materialize(state: State): void {
  freshJob();
  if (state.output !== undefined) writeFileSync(OUTPUT, state.output);
  if (state.records.length) {
    const wal = Wal.open(JOURNAL);
    for (const r of state.records) wal.append(r);
    wal.sync();
    wal.close();
  }
}

/** What the journal vouches for must be in the output, byte for byte: its fdatasync came before the record. */
function checkCommitted(state: State): string | undefined {
  for (const text of state.records) {
    const r = JSON.parse(text) as { t: string; out?: [number, number] };
    if (r.t !== "chunk" || !r.out) continue;
    const [offset, length] = r.out;
    if (length === 0) continue;
    if (state.output === undefined) return `the journal holds a chunk at ${offset} but the output is gone`;
    const got = state.output.subarray(offset, offset + length);
    if (!sameBytes(got, reference.subarray(offset, offset + length))) return `the chunk at ${offset} (${length} bytes) is not in the output`;
  }
  return undefined;
}

async function run(layer?: JournalIo) {
  const was = setJournalIo(layer);
  try {
    return await flattenFile(INPUT, OUTPUT, { ...OPTIONS, journal: JOURNAL });
  } finally {
    setJournalIo(was);
  }
}

/*------------------------------------------------------------------------------
 * Power loss
 *----------------------------------------------------------------------------*/

describe("power loss at every sync", () => {
  test("every crash state of a run and of its resumes: committed chunks are in the output, the resume is byte-identical", async () => {
    const random = rng(11);
    freshJob();
    const ops: Op[] = [];
    const first = await run(recorder(ops));
    expect(sameBytes(readFileSync(OUTPUT), reference)).toBe(true);
    expect(first.pieces).toBeGreaterThan(8);
    const points = crashPoints(ops, { records: [] });
    let states = 0;
    let runs = 0;
    let resumed = 0;
    let complete = 0;
    let nestedPoints = 0;
    const resume = async (layer?: JournalIo) => {
      const summary = await run(layer);
      runs++;
      if (summary.resumed) resumed++;
      if (summary.alreadyComplete) complete++;
    };
    const problems: string[] = [];
    for (const [pi, p] of points.entries()) {
      for (const state of statesOf(p, random)) {
        states++;
        const wrong = checkCommitted(state);
        if (wrong) {
          problems.push(`${state.what}: ${wrong}`);
          continue;
        }
        materialize(state);
        // The resume from the plain power-loss states is recorded too, and crashed at each of its syncs.
        const nested = state.what.includes("output as synced") && (FULL || pi % 3 === 0);
        const resumeOps: Op[] = [];
        await resume(nested ? recorder(resumeOps) : undefined);
        if (!sameBytes(readFileSync(OUTPUT), reference)) {
          problems.push(`${state.what}: the resumed output differs from an uninterrupted run's`);
          continue;
        }
        if (!nested) continue;
        for (const q of crashPoints(resumeOps, { output: state.output, records: state.records })) {
          nestedPoints++;
          for (const again of statesOf(q, random)) {
            states++;
            again.what = `${state.what}; then the resume crashed at ${again.what}`;
            const bad = checkCommitted(again);
            if (bad) {
              problems.push(`${again.what}: ${bad}`);
              continue;
            }
            materialize(again);
            await resume();
            if (!sameBytes(readFileSync(OUTPUT), reference)) problems.push(`${again.what}: the resumed output differs`);
          }
        }
      }
    }
    console.log(
      `journal power loss: ${points.length} crash points of a ${first.pieces}-chunk job (${first.commits} commits), ` +
        `${nestedPoints} crash points of resumes, ${states} crash states, ${runs} runs after them: ${resumed} resumed, ` +
        `${complete} found the job complete`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(resumed).toBeGreaterThan(runs / 2); // most states hold a journal to resume from
    expect(complete).toBeGreaterThan(0);
  }, 240_000);
});

/*------------------------------------------------------------------------------
 * Faults
 *----------------------------------------------------------------------------*/

interface FaultMode {
  name: string;
  code: "EIO" | "ENOSPC";
  persistent: boolean;
  short: boolean;
}

function errnoError(code: string, op: string): Error {
  const e = new Error(`${code}: ${code === "EIO" ? "i/o error" : "no space left on device"}, ${op}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** node:fs and the real log, the `at`-th operation failing (and every later one, when persistent). */
function faulty(mode: FaultMode, at: number, log: string[]): { io: JournalIo; hits: () => number } {
  let calls = 0;
  let hits = 0;
  let shortDone = false;
  const fail = (op: string): boolean => {
    calls++;
    if (calls < at || (!mode.persistent && calls > at)) return false;
    hits++;
    log.push(`fault ${op}`);
    return true;
  };
  const guard = <T>(op: string, fn: () => T): T => {
    if (fail(op)) throw errnoError(mode.code, op);
    return fn();
  };
  const walGuard = <T>(dir: string, op: string, fn: () => T): T => {
    if (fail(`journal ${op}`)) throw new JsonFlatError("IO", `write-ahead log ${dir}: ${op} failed: ${mode.code} (injected)`);
    return fn();
  };
  const io: JournalIo = {
    open: (path, flags) => guard("open", () => nodeJournalIo.open(path, flags)),
    close: (fd) => guard("close", () => nodeJournalIo.close(fd)),
    read: (fd, b, o, l, p) => guard("read", () => nodeJournalIo.read(fd, b, o, l, p)),
    write(fd, buffer, offset, length, position) {
      if (fail("write")) {
        if (mode.short && !shortDone && length > 1) {
          shortDone = true;
          return nodeJournalIo.write(fd, buffer, offset, length >> 1, position);
        }
        throw errnoError(mode.code, "write");
      }
      return nodeJournalIo.write(fd, buffer, offset, length, position);
    },
    fstat: (fd) => guard("fstat", () => nodeJournalIo.fstat(fd)),
    fsync: (fd) => guard("fsync", () => nodeJournalIo.fsync(fd)),
    fdatasync: (fd) => (fail("fdatasync") ? Promise.reject(errnoError(mode.code, "fdatasync")) : nodeJournalIo.fdatasync(fd)),
    ftruncate: (fd, length) => guard("ftruncate", () => nodeJournalIo.ftruncate(fd, length)),
    exists: (path) => nodeJournalIo.exists(path), // existsSync cannot fail: it answers false
    openWal(dir, options) {
      const wal = walGuard(dir, "open", () => nodeJournalIo.openWal(dir, options));
      return {
        dir: wal.dir,
        records: (...a) => walGuard(dir, "read", () => wal.records(...a)),
        read: (...a) => walGuard(dir, "read", () => wal.read(...a)),
        close() {
          wal.close(); // closed either way (as the native close does), then the failure is reported
          walGuard(dir, "close", () => undefined);
        },
        append(data) {
          const lsn = walGuard(dir, "append", () => wal.append(data));
          log.push("append");
          return lsn;
        },
        sync: () => walGuard(dir, "sync", () => wal.sync()),
        appendAndSync(data) {
          const lsn = walGuard(dir, "append and sync", () => wal.appendAndSync(data));
          log.push("append");
          return lsn;
        },
      };
    },
  };
  return { io, hits: () => hits };
}

describe("a fault at every operation", () => {
  const modes: FaultMode[] = [
    { name: "EIO once", code: "EIO", persistent: false, short: false },
    { name: "EIO from then on", code: "EIO", persistent: true, short: false },
    { name: "ENOSPC once, a short write first", code: "ENOSPC", persistent: false, short: true },
    { name: "ENOSPC from then on, a short write first", code: "ENOSPC", persistent: true, short: true },
  ];
  for (const mode of modes) {
    test(`${mode.name}: an IO error naming the file, nothing committed after a failed fdatasync, a clean re-run is byte-identical`, async () => {
      let at = 1;
      let failures = 0;
      for (; at < 500; at++) {
        freshJob();
        const log: string[] = [];
        const { io, hits } = faulty(mode, at, log);
        let error: unknown;
        try {
          await run(io);
        } catch (e) {
          error = e;
        }
        if (!hits()) {
          expect(error).toBeUndefined();
          break;
        }
        if (error !== undefined) {
          failures++;
          const message = error instanceof Error ? error.message : String(error);
          const where = `${mode.name}, operation ${at} (${log.find((l) => l.startsWith("fault"))})`;
          if (!(error instanceof JsonFlatError) || error.code !== "IO") throw new Error(`${where}: not an IO JsonFlatError: ${message}`);
          if (![OUTPUT, INPUT, JOURNAL].some((path) => message.includes(path))) throw new Error(`${where}: the message names no file: ${message}`);
        }
        // A record appended after a failed fdatasync would vouch for bytes that may not be on the disk.
        const failedSync = log.indexOf("fault fdatasync");
        if (failedSync >= 0 && log.indexOf("append", failedSync) >= 0) throw new Error(`${mode.name}, operation ${at}: a record was appended after a failed fdatasync`);
        // The disk is repaired: the job finishes, byte-identical, and the journal says so.
        await run();
        if (!sameBytes(readFileSync(OUTPUT), reference)) throw new Error(`${mode.name}, operation ${at}: the re-run's output differs`);
        expect(readJournal(JOURNAL).complete).toBe(true);
      }
      console.log(`journal faults, ${mode.name}: operations 1..${at - 1} failed in turn (${failures} runs failed with IO), the job ran clean at ${at}`);
      expect(at).toBeGreaterThan(20);
      expect(at).toBeLessThan(500);
    }, 120_000);
  }
});
