/**
 * @module wal.test — the write-ahead log from TypeScript, and attempts to break it: records read back across
 * segments and reopens; clear errors after close; torn tails cut at random offsets; bit flips refused with the
 * segment and offset named, or salvaged; random damage never yields a wrong record; group commit across Bun
 * Workers; a crash loop that SIGKILLs a process of several appending Workers at random moments and checks after
 * each recovery that every acknowledged record is there, intact and in order, and nothing is invented
 * (JSONFLAT_WAL_CRASH_ITERATIONS=300 for the long run); and an LD_PRELOAD fault shim that makes write, fsync
 * and fdatasync fail with ENOSPC and EIO.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { openSync, closeSync, readSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError } from "../src/core/errors";
import { log } from "../src/core/log";
import { native, platformPackage, type NativeLogConfig } from "../src/native";
import { crc32c, Wal, type WalRecord } from "../src/durable/wal";
import { makePayload, parsePayload } from "./fixtures/wal-payload";
import { rng } from "./fixtures/rng";
import { BUN } from "./fixtures/child-bun";

const ROOT = mkdtempSync(join(tmpdir(), "jf-wal-test-"));
const LOG_FILE = join(ROOT, "native.log");
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const REPO = new URL("..", import.meta.url).pathname;
let dirs = 0;
const newDir = () => join(ROOT, `d${dirs++}`);

// The library's own records (recovery reports) go to a file the tests read; restored afterwards.
let saved: NativeLogConfig;
beforeAll(() => {
  saved = native().logConfig();
  log.configure({ file: LOG_FILE, nativeLevel: "info", format: "text" });
});
afterAll(() => {
  native().logConfigure(saved);
  log.configure({ file: null });
  rmSync(ROOT, { recursive: true, force: true });
});


function fill(wal: Wal, from: number, count: number, sync = false): void {
  for (let i = from; i < from + count; i++) {
    const lsn = sync ? wal.appendAndSync(makePayload(0, 0, i)) : wal.append(makePayload(0, 0, i));
    if (lsn !== i + 1) throw new Error(`record ${i} got LSN ${lsn}`);
  }
}

/** Every record, checked: consecutive LSNs, a real payload, the right CRC. Returns the records. */
function readAll(wal: Wal, from = 0, batchBytes?: number): WalRecord[] {
  const all: WalRecord[] = [];
  for (const r of wal.records(from, { batchBytes })) {
    const last = all.at(-1);
    if (last && r.lsn !== last.lsn + 1) throw new Error(`LSN ${r.lsn} after ${last.lsn}`);
    if (!parsePayload(decoder.decode(r.data))) throw new Error(`record ${r.lsn} is not a real record`);
    if (r.crc !== crc32c(r.data)) throw new Error(`record ${r.lsn}: CRC ${r.crc} != ${crc32c(r.data)}`);
    all.push({ ...r, data: r.data.slice() });
  }
  return all;
}

function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{20}\.wal$/.test(f))
    .sort();
}

function flipBit(file: string, offset: number, bit: number): void {
  const fd = openSync(file, "r+");
  const b = new Uint8Array(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = (b[0] ?? 0) ^ (1 << bit);
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

function expectError(fn: () => unknown, code: string): JsonFlatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(JsonFlatError);
    expect((e as JsonFlatError).code).toBe(code as never);
    return e as JsonFlatError;
  }
  throw new Error(`expected a ${code} error`);
}

/*------------------------------------------------------------------------------
 * Basics
 *----------------------------------------------------------------------------*/

// The write-ahead log is POSIX only for now: on Windows jf_wal_open fails with IO (jsonflat.h).
const POSIX = process.platform !== "win32";

describe.skipIf(!POSIX)("basics", () => {
  test("crc32c matches the standard check values and chains", () => {
    expect(crc32c("123456789")).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c("6789", crc32c("12345"))).toBe(0xe3069283);
    expect(crc32c("")).toBe(0);
  });

  test("records come back across segments, batches and reopens", () => {
    const dir = newDir();
    const wal = Wal.open(dir, { segmentSize: 8192 });
    expect(wal.recovery).toMatchObject({ firstLsn: 1, nextLsn: 1, records: 0, tornBytes: 0, shared: false });
    fill(wal, 0, 500);
    wal.sync();
    fill(wal, 500, 20, true);
    const stats = wal.stats();
    expect(stats).toMatchObject({ nextLsn: 521, syncedLsn: 520, appends: 520, handles: 1 });
    expect(stats.segments).toBeGreaterThan(10);
    expect(readAll(wal).length).toBe(520);
    expect(readAll(wal, 0, 1).length).toBe(520);
    expect(readAll(wal, 300, 5000).map((r) => r.lsn)[0]).toBe(300);
    const { records, nextLsn } = wal.read(517, 1 << 20);
    expect(records.map((r) => r.lsn)).toEqual([517, 518, 519, 520]);
    expect(nextLsn).toBe(521);
    expect(wal.read(9999).records).toEqual([]);
    wal.close();

    const again = Wal.open(dir, { segmentSize: 8192 });
    expect(again.recovery).toMatchObject({ records: 520, nextLsn: 521, tornBytes: 0, segments: stats.segments });
    expect(readAll(again).map((r) => decoder.decode(r.data))).toEqual(
      Array.from({ length: 520 }, (_, i) => makePayload(0, 0, i)),
    );
    // Checkpoint: whole segments before the LSN go; reading before the new start is an error.
    again.truncateBefore(400);
    const first = again.stats().firstLsn;
    expect(first).toBeGreaterThan(300);
    expect(first).toBeLessThanOrEqual(400);
    expectError(() => again.read(1), "INVALID_OPTION");
    expect(readAll(again)[0]?.lsn).toBe(first);
    again.close();
  }, 60_000); // explicit: whole-suite runs do not get the preload's default (Bun 1.4.4); fsyncs are slow under load

  test("bad arguments are clear errors", () => {
    expectError(() => Wal.open(newDir(), { segmentSize: 100 }), "INVALID_OPTION");
    expectError(() => Wal.open(newDir(), { segmentSize: -1 }), "INVALID_OPTION");
    expectError(() => Wal.open(join(ROOT, "missing", "deeper")), "IO");
    expectError(() => Wal.open(newDir(), { create: false }), "IO");
    const wal = Wal.open(newDir(), { maxRecord: 64 });
    expectError(() => wal.append(new Uint8Array(65)), "INPUT_TOO_LARGE");
    expect(wal.append(new Uint8Array(64))).toBe(1);
    expectError(() => wal.read(-1), "INVALID_OPTION");
    expectError(() => wal.read(1.5), "INVALID_OPTION");
    wal.close();
  });

  test("use after close and double close give clear errors, never a crash", () => {
    const wal = Wal.open(newDir());
    wal.appendAndSync("x");
    wal.close();
    expect(wal.closed).toBe(true);
    wal.close(); // idempotent
    for (const use of [() => wal.append("y"), () => wal.appendAndSync("y"), () => wal.sync(), () => wal.read(), () => wal.stats(), () => wal.truncateBefore(1)]) {
      expect(expectError(use, "IO").message).toContain("closed");
    }
    // The native handle is an id: closing it twice, or using a made-up one, is an error too.
    const { handle } = native().walOpen(newDir());
    native().walClose(handle);
    expect(expectError(() => native().walClose(handle), "IO").message).toContain("closed");
    expectError(() => native().walAppend(handle, encoder.encode("z"), true), "IO");
    expectError(() => native().walAppend(123456, encoder.encode("z"), false), "IO");
    expectError(() => native().walRead(0, 0, 0), "IO");
    expectError(() => native().walStats(0xffffffff), "IO");
  });

  test("two opens of one directory share one sequence; the last close syncs", () => {
    const dir = newDir();
    const a = Wal.open(dir);
    const b = Wal.open(`${dir}/`);
    expect(b.recovery.shared).toBe(true);
    expect(a.append(makePayload(0, 0, 0))).toBe(1);
    expect(b.append(makePayload(0, 0, 1))).toBe(2);
    expect(a.stats().handles).toBe(2);
    a.close();
    expect(b.appendAndSync(makePayload(0, 0, 2))).toBe(3);
    b.close();
    const c = Wal.open(dir);
    expect(c.recovery).toMatchObject({ shared: false, records: 3 });
    c.close();
  });
});

/*------------------------------------------------------------------------------
 * Damage
 *----------------------------------------------------------------------------*/

describe.skipIf(!POSIX)("damage", () => {
  /**
   * A closed single-segment log of `n` records; returns the segment path, each record's offset, where the records
   * end, and the file's size (the records and the 16-byte seal a close writes after them).
   */
  function makeLog(dir: string, n: number): { seg: string; offsets: number[]; end: number; size: number } {
    rmSync(dir, { recursive: true, force: true });
    const wal = Wal.open(dir);
    fill(wal, 0, n);
    wal.close();
    const offsets: number[] = [];
    let at = 32;
    for (let i = 0; i < n; i++) {
      offsets.push(at);
      at += 16 + encoder.encode(makePayload(0, 0, i)).byteLength;
    }
    const seg = join(dir, segments(dir)[0] ?? "");
    expect(statSync(seg).size).toBe(at + 16);
    return { seg, offsets, end: at, size: at + 16 };
  }

  test("torn tails are cut at the last whole record and reported", () => {
    const dir = newDir();
    const random = rng(1);
    for (let round = 0; round < 25; round++) {
      const { seg, offsets, end } = makeLog(dir, 60);
      const from = offsets[57] ?? 0;
      const cut = from + Math.floor(random() * (end - from)); // inside one of the last 3 records
      truncateSync(seg, cut);
      const keep = offsets.filter((_, i) => (offsets[i + 1] ?? end) <= cut).length; // records wholly before the cut
      const wal = Wal.open(dir);
      expect(wal.recovery.records).toBe(keep);
      expect(wal.recovery.tornBytes).toBe(cut - (offsets[keep] ?? end));
      if (wal.recovery.tornBytes) {
        expect(wal.recovery.tornSegment).toBe(segments(dir)[0]);
        expect(wal.recovery.tornOffset).toBe(offsets[keep] ?? end);
      }
      expect(readAll(wal).length).toBe(keep);
      expect(wal.appendAndSync(makePayload(0, 0, keep))).toBe(keep + 1); // the log goes on
      wal.close();
    }
    expect(readFileSync(LOG_FILE, "utf8")).toContain("cut a torn tail");
  }, 60_000); // explicit: whole-suite runs do not get the preload's default (Bun 1.4.4); fsyncs are slow under load

  test("garbage after the last record is a torn tail", () => {
    const dir = newDir();
    for (const junk of [new Uint8Array(4096), new Uint8Array(5).fill(0xff), crypto.getRandomValues(new Uint8Array(3000))]) {
      const { seg, size } = makeLog(dir, 30);
      const fd = openSync(seg, "a");
      writeSync(fd, junk);
      closeSync(fd);
      const wal = Wal.open(dir);
      expect(wal.recovery).toMatchObject({ records: 30, tornBytes: junk.byteLength, tornOffset: size });
      wal.close();
    }
  });

  test("a bit flip in the middle is refused with the segment and offset; salvage keeps what precedes it", () => {
    const dir = newDir();
    const random = rng(2);
    for (let round = 0; round < 20; round++) {
      const { seg, offsets, end, size } = makeLog(dir, 40);
      const victim = 1 + Math.floor(random() * 37); // not the last record
      const start = offsets[victim] ?? 0;
      const at = start + Math.floor(random() * ((offsets[victim + 1] ?? end) - start));
      flipBit(seg, at, Math.floor(random() * 8));
      const e = expectError(() => Wal.open(dir), "CORRUPT");
      expect(e.offset).toBe(start);
      expect(e.message).toContain(segments(dir)[0] ?? "?");
      expect(e.message).toContain(`at offset ${start}`);
      expect(statSync(seg).size).toBe(size); // refusing changes nothing
      const wal = Wal.open(dir, { salvage: true });
      expect(wal.recovery.records).toBe(victim);
      expect(wal.recovery.salvagedBytes).toBe(size - start);
      expect(readAll(wal).length).toBe(victim);
      wal.close();
      expect(existsSync(`${seg}.corrupt`)).toBe(true);
      const after = Wal.open(dir);
      expect(after.recovery).toMatchObject({ records: victim, tornBytes: 0 });
      after.close();
    }
  });

  test("random damage anywhere never yields a wrong record", () => {
    const random = rng(3);
    let refused = 0;
    let cut = 0;
    for (let round = 0; round < 40; round++) {
      const dir = newDir();
      const wal = Wal.open(dir, { segmentSize: 4096 });
      fill(wal, 0, 120);
      wal.close();
      const files = segments(dir);
      const file = join(dir, files[Math.floor(random() * files.length)] ?? "");
      const size = statSync(file).size;
      const kind = random();
      if (kind < 0.5) flipBit(file, Math.floor(random() * size), Math.floor(random() * 8));
      else if (kind < 0.8) truncateSync(file, Math.floor(random() * size));
      else {
        const fd = openSync(file, "r+");
        writeSync(fd, crypto.getRandomValues(new Uint8Array(1 + Math.floor(random() * 64))), 0, undefined, Math.floor(random() * size));
        closeSync(fd);
      }
      let opened: Wal | undefined;
      try {
        opened = Wal.open(dir, { segmentSize: 4096 });
        if (opened.recovery.tornBytes) cut++;
      } catch (e) {
        expect((e as JsonFlatError).code).toBe("CORRUPT");
        refused++;
        opened = Wal.open(dir, { segmentSize: 4096, salvage: true });
      }
      const records = readAll(opened); // throws on any invented, damaged or out-of-order record
      expect(records.length).toBeLessThanOrEqual(120);
      records.forEach((r, i) => expect(decoder.decode(r.data)).toBe(makePayload(0, 0, i)));
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(refused + cut).toBeGreaterThan(10);
  }, 60_000); // explicit: whole-suite runs do not get the preload's default (Bun 1.4.4); fsyncs are slow under load
});

/*------------------------------------------------------------------------------
 * Concurrency and crashes
 *----------------------------------------------------------------------------*/

interface Ack {
  lsn: number;
  crc: number;
  run: number;
  worker: number;
  seq: number;
}

function readAcks(ackDir: string): Ack[] {
  const acks: Ack[] = [];
  for (const f of readdirSync(ackDir)) {
    for (const line of readFileSync(join(ackDir, f), "utf8").split("\n")) {
      const [lsn, crc, run, worker, seq, ...rest] = line.split(" ").map(Number);
      if (lsn === undefined || crc === undefined || run === undefined || worker === undefined || seq === undefined) continue;
      if (rest.length === 0 && [lsn, crc, run, worker, seq].every(Number.isFinite)) acks.push({ lsn, crc, run, worker, seq });
    }
  }
  return acks;
}

/** Opens (recovers) the log and checks it against the acknowledgements; returns what it found. */
function verify(dir: string, ackDir: string, segmentSize: number, checkpoint?: number) {
  const wal = Wal.open(dir, { segmentSize });
  const problems: string[] = [];
  const byLsn = new Map<number, { crc: number; run: number; worker: number; seq: number }>();
  const lastSeq = new Map<string, number>();
  let previous = 0;
  for (const r of wal.records(0)) {
    if (previous && r.lsn !== previous + 1) problems.push(`LSN ${r.lsn} follows ${previous}`);
    previous = r.lsn;
    const p = parsePayload(decoder.decode(r.data));
    if (!p) {
      problems.push(`record ${r.lsn} is not a record any writer made`);
      continue;
    }
    if (r.crc !== crc32c(r.data)) problems.push(`record ${r.lsn}: wrong CRC`);
    const key = `${p.run}/${p.worker}`;
    const last = lastSeq.get(key);
    if (last !== undefined && p.seq <= last) problems.push(`record ${r.lsn}: ${key} seq ${p.seq} after ${last}`);
    lastSeq.set(key, p.seq);
    byLsn.set(r.lsn, { crc: r.crc, ...p });
  }
  const first = wal.stats().firstLsn;
  const acks = readAcks(ackDir);
  let checked = 0;
  for (const a of acks) {
    if (a.lsn < first) continue; // checkpointed away
    const r = byLsn.get(a.lsn);
    checked++;
    if (!r) problems.push(`acknowledged record ${a.lsn} (run ${a.run} worker ${a.worker} seq ${a.seq}) is missing`);
    else if (r.crc !== a.crc || r.run !== a.run || r.worker !== a.worker || r.seq !== a.seq)
      problems.push(`acknowledged record ${a.lsn} changed: ${JSON.stringify(r)} vs ${JSON.stringify(a)}`);
  }
  const recovery = wal.recovery;
  const next = wal.stats().nextLsn;
  if (checkpoint !== undefined && next > checkpoint) wal.truncateBefore(next - checkpoint);
  wal.close();
  return { problems, records: byLsn.size, acks: acks.length, checked, recovery };
}

/**
 * Simulates losing the page cache in a machine crash: cuts the last segment at a random offset after the end of
 * the last acknowledged (synced) record in it. Returns the bytes cut.
 */
function simulatePowerLoss(dir: string, acks: Ack[], random: () => number): number {
  const file = join(dir, segments(dir).at(-1)!);
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const synced = acks.reduce((m, a) => Math.max(m, a.lsn), 0);
  let floor = 32; // the header is durable before any record goes in
  for (let at = 32; at + 16 <= bytes.byteLength; ) {
    const length = view.getUint32(at + 4, true);
    // Format version 2: the LSN is the low 48 bits of the field (the high 16 are a distance, see jsonflat.h).
    const lsn = view.getUint32(at + 8, true) + (view.getUint32(at + 12, true) & 0xffff) * 2 ** 32;
    if (at + 16 + length > bytes.byteLength) break;
    at += 16 + length;
    if (lsn <= synced) floor = at;
  }
  const cut = floor + Math.floor(random() * (bytes.byteLength - floor + 1));
  truncateSync(file, cut);
  return bytes.byteLength - cut;
}

describe.skipIf(!POSIX)("concurrency and crashes", () => {
  test("appendAndSync from 4 Workers: group commit shares fsyncs, every record in its place", async () => {
    const dir = newDir();
    const ackDir = join(ROOT, "acks-group");
    mkdirSync(ackDir);
    const perWorker = 150;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, w) => {
        const worker = new Worker(new URL("./fixtures/wal-writer-worker.ts", import.meta.url).href);
        return new Promise<{ stats: { syncs: number; appends: number } }>((resolve, reject) => {
          worker.onmessage = (e) => {
            if (e.data?.done) {
              resolve(e.data);
              worker.terminate();
            }
          };
          worker.onerror = (e) => reject(e.error ?? new Error(String(e.message)));
          worker.postMessage({ dir, ackDir, run: 1, worker: w, segmentSize: 32768, limit: perWorker });
        });
      }),
    );
    const syncs = Math.max(...results.map((r) => r.stats.syncs));
    const { problems, records, checked } = verify(dir, ackDir, 32768);
    expect(problems).toEqual([]);
    expect(records).toBe(4 * perWorker);
    // The writer syncs after every record but one in seven (see wal-writer-worker.ts).
    let syncCalls = 0;
    for (let seq = 0; seq < perWorker; seq++) if (seq % 5 === 4 || seq % 7 !== 6) syncCalls++;
    syncCalls *= 4;
    expect(checked).toBe(syncCalls);
    console.log(`group commit: ${records} records from 4 workers, ${syncCalls} sync calls, ${syncs} fsyncs`);
    expect(syncs).toBeLessThan(syncCalls); // concurrent callers shared fsyncs
  }, 120_000);

  test("crash loop: kill -9 a process of appending Workers, recover, check every acknowledged record", async () => {
    const iterations = Number(process.env.JSONFLAT_WAL_CRASH_ITERATIONS ?? 30);
    const seed = Number(process.env.JSONFLAT_WAL_CRASH_SEED ?? Date.now() % 100000);
    const random = rng(seed);
    const dir = newDir();
    const ackDir = join(ROOT, "acks-crash");
    mkdirSync(ackDir);
    const segmentSize = 16384;
    let torn = 0;
    let lostUnsynced = 0;
    let lastAcks = 0;
    let lastRecords = 0;
    const writer = join(REPO, "test/fixtures/wal-writer.ts");
    for (let run = 1; run <= iterations; run++) {
      const workers = 1 + Math.floor(random() * 4);
      const proc = Bun.spawn([BUN, writer, dir, ackDir, String(run), String(workers), String(segmentSize)], {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, NO_COLOR: "1" },
      });
      // Wait for the first acknowledgement of this run, then kill at a random moment.
      const deadline = Date.now() + 20_000;
      const mine = () => readdirSync(ackDir).filter((f) => f.startsWith(`ack-${run}-`));
      while (Date.now() < deadline && !mine().some((f) => statSync(join(ackDir, f)).size > 0)) await Bun.sleep(5);
      await Bun.sleep(Math.floor(random() * 250));
      if (proc.exitCode !== null) {
        throw new Error(`writer exited by itself (${proc.exitCode}): ${await new Response(proc.stderr).text()}`);
      }
      proc.kill(9);
      await proc.exited;
      // Every other run also loses part of what was written but not synced, as a machine crash may.
      if (run % 2 === 0) lostUnsynced += simulatePowerLoss(dir, readAcks(ackDir), random);
      const checkpoint = run % 10 === 0 ? 500 : undefined; // a checkpoint now and then
      const v = verify(dir, ackDir, segmentSize, checkpoint);
      if (v.problems.length) {
        throw new Error(`run ${run} (seed ${seed}): ${v.problems.slice(0, 10).join("; ")}`);
      }
      if (v.recovery.tornBytes) torn++;
      expect(v.acks).toBeGreaterThan(lastAcks); // every run got something acknowledged
      lastAcks = v.acks;
      lastRecords = v.records;
    }
    console.log(
      `crash loop (seed ${seed}): ${iterations} kills, ${lastAcks} acknowledged records all intact, ` +
        `${lastRecords} records in the log at the end, ${torn} recoveries cut a torn tail ` +
        `(${lostUnsynced} unsynced bytes dropped to simulate power loss)`,
    );
  }, Number(process.env.JSONFLAT_WAL_CRASH_ITERATIONS ?? 30) * 4000 + 60_000);
});

/*------------------------------------------------------------------------------
 * Injected I/O failures (LD_PRELOAD fault shim)
 *----------------------------------------------------------------------------*/

/** The zig target of this process (`x86_64-linux-gnu`, `aarch64-linux-musl`, ...), from its platform package name. */
function processTarget(): string {
  const [, , cpu, libc] = platformPackage().split("-");
  return `${cpu === "arm64" ? "aarch64" : "x86_64"}-linux-${libc}`;
}

// The shim must match the Bun process it is preloaded into: under emulation or musl that is not the
// machine's own cc's target, so zig cc builds it for the process's target (the host cc is the fallback).
function buildShim(): string | undefined {
  if (process.platform !== "linux") return undefined;
  const out = join(REPO, "build", "faults");
  mkdirSync(out, { recursive: true });
  const target = processTarget();
  const lib = join(out, `libjffault-${target}.so`);
  const src = join(REPO, "c/test/faults/faultshim.c");
  if (existsSync(lib) && statSync(lib).mtimeMs >= statSync(src).mtimeMs) return lib;
  const zig = join(REPO, ".tools/zig/ziglang/zig");
  const compilers: [string, ...string[]][] = [[zig, "cc", "-target", target]];
  if (target === "x86_64-linux-gnu" && process.arch === "x64") compilers.push(["cc"], ["gcc"], ["clang"]);
  for (const [cc, ...pre] of compilers) {
    const r = spawnSync(cc, [...pre, "-shared", "-fPIC", "-O1", "-o", lib, src, "-ldl"], { encoding: "utf8" });
    if (r.status === 0) return lib;
  }
  return undefined;
}

const SHIM = buildShim();
/** strerror(EIO) as the C library words it: glibc, then musl. */
const EIO_TEXT = /Input\/output error|I\/O error/;

describe.skipIf(!SHIM)("injected I/O failures", () => {
  function runFault(env: Record<string, string>, before = 20, segmentSize = 65536) {
    const dir = newDir();
    mkdirSync(dir);
    const arm = join(ROOT, `arm-${dirs}`);
    const r = spawnSync(BUN, [join(REPO, "test/fixtures/wal-fault.ts"), dir, arm, String(before), String(segmentSize)], {
      encoding: "utf8",
      // Keep a preload already in place (scripts/asan-bun.sh puts the ASan runtime there; it must stay first).
      env: { ...process.env, LD_PRELOAD: [process.env.LD_PRELOAD, SHIM!].filter(Boolean).join(":"), JF_FAULT_MATCH: dir, JF_FAULT_ARM_FILE: arm, NO_COLOR: "1", ...env },
      timeout: 60_000,
    });
    const lines = r.stdout.split("\n");
    const acks = lines.filter((l) => l.startsWith("ack ")).map((l) => l.split(" ").map(Number).slice(1));
    const field = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) ?? "";
    expect(r.status).toBe(0);
    return { dir, acks, error: field("error"), after: field("after"), sync: field("sync"), close: field("close"), stderr: r.stderr };
  }

  /** Reopens without the shim: every acknowledged record is there and intact. */
  function durableSurvived(dir: string, acks: number[][], segmentSize = 65536) {
    const wal = Wal.open(dir, { segmentSize });
    const records = readAll(wal);
    const byLsn = new Map(records.map((r) => [r.lsn, r]));
    for (const [lsn = 0, crc] of acks) expect(byLsn.get(lsn)?.crc).toBe(crc as number);
    const recovery = wal.recovery;
    wal.close();
    return { recovery, records: records.length };
  }

  for (const [name, env, message] of [
    ["write fails with ENOSPC", { JF_FAULT_WRITE: "ENOSPC" }, "No space left on device"],
    ["write fails with EIO", { JF_FAULT_WRITE: "EIO" }, EIO_TEXT],
    ["fdatasync fails with EIO", { JF_FAULT_FSYNC: "EIO" }, EIO_TEXT],
    ["fdatasync fails with ENOSPC", { JF_FAULT_FSYNC: "ENOSPC" }, "No space left on device"],
  ] as const) {
    test(`${name}: the error surfaces, the log refuses further work, durable records survive`, () => {
      const run = runFault(env);
      expect(run.acks.length).toBe(20);
      expect(run.error).toStartWith("IO ");
      expect(run.error).toMatch(message);
      expect(run.after).toStartWith("IO "); // poisoned: no silent success after a failed write or fsync
      expect(run.after).toContain("close and reopen");
      expect(run.sync).toStartWith("IO ");
      expect(run.close).toStartWith("IO ");
      expect(run.stderr).toContain("faultshim:");
      const { records } = durableSurvived(run.dir, run.acks);
      expect(records).toBeGreaterThanOrEqual(20);
    });
  }

  test("a short write then ENOSPC: the log cuts the half frame back at once, the next open keeps every synced record", () => {
    const run = runFault({ JF_FAULT_WRITE: "ENOSPC", JF_FAULT_SHORT: "1" });
    expect(run.acks.length).toBe(20);
    expect(run.error).toContain("No space left on device");
    expect(run.stderr).toContain("write (short)");
    const { recovery, records } = durableSurvived(run.dir, run.acks);
    expect(records).toBe(20);
    expect(recovery.tornBytes).toBe(0); // poisoning cut the segment back to its last synced size
  });

  test("a failure after some successful writes keeps every record synced before it", () => {
    const run = runFault({ JF_FAULT_FSYNC: "EIO", JF_FAULT_FSYNC_AFTER: "7" });
    expect(run.acks.length).toBeGreaterThan(20); // a rotation takes several syncs, so not exactly 27
    expect(run.error).toMatch(EIO_TEXT);
    durableSurvived(run.dir, run.acks);
  });

  test("creating the next segment fails: the rotation error surfaces, the old segments are intact", () => {
    const run = runFault({ JF_FAULT_WRITE: "ENOSPC", JF_FAULT_MATCH: ".wal.tmp" }, 20, 4096);
    expect(run.error).toStartWith("IO ");
    expect(run.error).toContain(".wal");
    expect(run.after).toStartWith("IO ");
    const { records } = durableSurvived(run.dir, run.acks, 4096);
    expect(records).toBeGreaterThanOrEqual(run.acks.length);
    expect(readdirSync(run.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
