/**
 * @module journal.test — journaled jobs under fire: the CLI (`--journal`, 1 and 2 workers, and across worker
 * counts) and the library (`flattenFile`, `unflattenFile`) are killed with SIGKILL at random moments and run
 * again until they finish; after every kill the output's committed prefix must equal an uninterrupted run's,
 * and the finished output must be byte-identical to it. Between runs the output tail is sometimes cut (as a
 * power loss drops unsynced bytes), cut into committed data, or has a byte of its last committed chunk flipped.
 * Also: a journal from another input or other options is refused and the output left alone; a finished job
 * is not run again; two runs on one journal at once.
 *
 * JSONFLAT_JOURNAL_CRASH_ITERATIONS (kills per crash loop, default 8; 300 for the long run) and
 * JSONFLAT_JOURNAL_CRASH_SEED repeat a run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, readSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError } from "../src/core/errors";
import { flattenFile, unflattenFile } from "../src/durable/jobs";
import { readJournal } from "../src/durable/journal";
import { crc32c, Wal } from "../src/durable/wal";
import { rng } from "./fixtures/rng";
import { BUN } from "./fixtures/child-bun";

const REPO = new URL("..", import.meta.url).pathname;
const CLI = join(REPO, "src/cli/main.ts");
const LIB_JOB = join(REPO, "test/fixtures/journal-job.ts");
const ROOT = mkdtempSync(join(tmpdir(), "jf-journal-test-"));
const INPUT = join(ROOT, "input.txt");
const FLAT = join(ROOT, "reference.ndjson");
const UNFLAT = join(ROOT, "reference-unflat.ndjson");
const ITERATIONS = Number(process.env.JSONFLAT_JOURNAL_CRASH_ITERATIONS ?? 8);
const SEED = Number(process.env.JSONFLAT_JOURNAL_CRASH_SEED ?? Date.now() % 100000);
const FLAGS = ["--ndjson", "--column", "5", "--on-error", "emit"];
let reference: Uint8Array;
let unflatReference: Uint8Array;
let jobs = 0;


function spawnSyncOk(args: string[]): string {
  const r = Bun.spawnSync([BUN, ...args], { env: { ...process.env, NO_COLOR: "1" } });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stderr.toString();
}

beforeAll(() => {
  // ~3 MB of Open Library dump lines with bad and blank lines mixed in: emit records carry line numbers and
  // file offsets, so a resume that numbered a chunk wrongly could not go unnoticed.
  const generated = join(ROOT, "generated.txt");
  spawnSyncOk([join(REPO, "bench/gen/openlibrary.ts"), "--bytes", "3M", "--seed", "11", "--out", generated]);
  const lines = readFileSync(generated, "utf8").split("\n");
  const mixed = lines.map((line, i) => (i % 89 === 7 ? `/type/edition\t/books/OL${i}M\t1\t2020\t{"broken":` : i % 211 === 5 ? "  " : line));
  writeFileSync(INPUT, mixed.join("\n"));
  rmSync(generated);
  spawnSyncOk([CLI, "flatten", ...FLAGS, INPUT, "-o", FLAT]);
  spawnSyncOk([CLI, "unflatten", "--ndjson", FLAT, "-o", UNFLAT]);
  reference = readFileSync(FLAT);
  unflatReference = readFileSync(UNFLAT);
});
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function newJob(): { output: string; journal: string } {
  jobs++;
  return { output: join(ROOT, `out-${jobs}.ndjson`), journal: join(ROOT, `job-${jobs}.wal`) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function committed(journal: string) {
  return existsSync(journal) ? readJournal(journal) : { chunks: [], outputBytes: 0, complete: false };
}

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, "r+");
  const b = new Uint8Array(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = (b[0] ?? 0) ^ 0x20;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

/**
 * After a kill: every committed chunk's CRC matches the reference's bytes at its place (the journal never vouches
 * for wrong output), and unless the test damaged this job's output before, the output's committed prefix is the
 * reference's. Then, sometimes, damage the output the way a power loss or a user might.
 */
function checkAndTamper(output: string, journal: string, expected: Uint8Array, damaged: boolean, random: () => number): string {
  const state = committed(journal);
  for (const c of state.chunks) {
    const [offset, length] = c.output;
    if (crc32c(expected.subarray(offset, offset + length)) !== c.crc) throw new Error(`the journal vouches for a chunk at ${offset} (${length} bytes) that is not the reference's`);
  }
  const size = sizeOf(output);
  if (!damaged && state.outputBytes > 0) {
    if (state.outputBytes > size) throw new Error(`the journal vouches for ${state.outputBytes} bytes, the output has ${size}`);
    const prefix = readFileSync(output).subarray(0, state.outputBytes);
    if (!sameBytes(prefix, expected.subarray(0, state.outputBytes))) throw new Error(`committed output (${state.outputBytes} bytes) differs from the reference`);
  }
  const dice = random();
  const last = state.chunks.findLast((c) => c.output[1] > 0);
  if (dice < 0.25 && size > state.outputBytes) {
    truncateSync(output, state.outputBytes + Math.floor(random() * (size - state.outputBytes)));
    return "cut-uncommitted";
  }
  if (dice < 0.35 && state.outputBytes > 0 && size > 0) {
    truncateSync(output, Math.floor(random() * Math.min(size, state.outputBytes)));
    return "cut-committed";
  }
  if (dice < 0.45 && last && last.output[0] + last.output[1] <= size) {
    flipByte(output, last.output[0] + Math.floor(random() * last.output[1]));
    return "flipped";
  }
  return "none";
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The bytes of the journal's log segments (a job's log only grows; reading it through the Wal would take its lock). */
function logBytes(journal: string): number {
  return existsSync(journal) ? readdirSync(journal).filter((f) => f.endsWith(".wal")).reduce((n, f) => n + sizeOf(join(journal, f)), 0) : 0;
}

/**
 * Resolves once the run has written output past `outputBytes` and its log has grown after that (so the chunk's
 * commit record is written), or after `limitMs` (the run may end first).
 */
async function nextCommit(job: { output: string; journal: string }, outputBytes: number, limitMs: number): Promise<void> {
  const end = performance.now() + limitMs;
  while (performance.now() < end && sizeOf(job.output) <= outputBytes) await Bun.sleep(1);
  const log = logBytes(job.journal);
  while (performance.now() < end && logBytes(job.journal) <= log) await Bun.sleep(1);
}

interface LoopResult {
  kills: number;
  midJob: number;
  finished: number;
  tampered: Record<string, number>;
}

/**
 * Kills `command` `iterations` times, re-running it until it finishes; a finished job is compared with the
 * reference and a new one starts. Kills alternate between a random moment (uniform up to 1.2 uninterrupted
 * runs) and the moment the run's first new chunk is committed.
 */
async function crashLoop(command: (job: { output: string; journal: string }, run: number) => string[], expected: Uint8Array, iterations: number, seed: number): Promise<LoopResult> {
  const random = rng(seed);
  const result: LoopResult = { kills: 0, midJob: 0, finished: 0, tampered: {} };
  const timing = newJob();
  const t0 = performance.now();
  spawnSyncOk(command(timing, 0));
  const typical = performance.now() - t0;
  expect(sameBytes(readFileSync(timing.output), expected)).toBe(true);
  let job = newJob();
  let damaged = false; // this job's committed output was damaged on purpose
  let run = 0;
  const finish = async (): Promise<void> => {
    const stderr = spawnSyncOk(command(job, ++run));
    const out = readFileSync(job.output);
    if (!sameBytes(out, expected)) throw new Error(`seed ${seed}, run ${run}: finished output (${out.length} bytes) differs from the reference (${expected.length}); ${stderr}`);
    expect(committed(job.journal).complete).toBe(true);
    result.finished++;
    job = newJob();
  };
  while (result.kills < iterations) {
    const before = sizeOf(job.output);
    const proc = Bun.spawn([BUN, ...command(job, ++run)], { stdout: "ignore", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
    // Every other kill waits for this run's first new commit: random delays alone can all land in process
    // start on a busy machine, and then no kill ever tests a resume from the middle of a job.
    const moment = result.kills % 2 === 1 ? nextCommit(job, before, typical * 3) : Bun.sleep(random() * typical * 1.2);
    const exited = await Promise.race([proc.exited.then(() => true), moment.then(() => false)]);
    if (exited) {
      if (proc.exitCode !== 0) throw new Error(`seed ${seed}, run ${run}: exited ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
      const out = readFileSync(job.output);
      if (!sameBytes(out, expected)) throw new Error(`seed ${seed}, run ${run}: finished output (${out.length} bytes) differs from the reference`);
      result.finished++;
      job = newJob();
      damaged = false;
      continue;
    }
    proc.kill(9);
    await proc.exited;
    result.kills++;
    const state = committed(job.journal);
    if (state.outputBytes > 0 && !state.complete) result.midJob++;
    const how = checkAndTamper(job.output, job.journal, expected, damaged, random);
    if (how === "cut-committed" || how === "flipped") damaged = true;
    result.tampered[how] = (result.tampered[how] ?? 0) + 1;
  }
  await finish();
  return result;
}

function report(name: string, r: LoopResult): void {
  console.log(
    `journal crash loop, ${name} (seed ${SEED}): ${r.kills} kills (${r.midJob} after some chunks were committed), ` +
      `${r.finished} jobs finished byte-identical; output damaged between runs: ${JSON.stringify(r.tampered)}`,
  );
}

const LOOP_TIMEOUT = ITERATIONS * 3 * 2000 + 60_000;
// Explicit: the preload's default timeout does not reach every file under Bun 1.4.4, and these spawn processes.
const TEST_TIMEOUT = 60_000;

describe("kill -9 and resume", () => {
  test("CLI, one thread, small chunks", async () => {
    const r = await crashLoop((job) => [CLI, "flatten", ...FLAGS, "--chunk-bytes", "65536", INPUT, "-o", job.output, "--journal", job.journal], reference, ITERATIONS, SEED);
    report("CLI 1 thread", r);
    expect(r.kills).toBe(ITERATIONS);
  }, LOOP_TIMEOUT);

  test("CLI, 2 workers (and runs alternating 1 and 2 workers on one job)", async () => {
    const two = await crashLoop((job) => [CLI, "flatten", ...FLAGS, "--workers", "2", "--range-bytes", "131072", INPUT, "-o", job.output, "--journal", job.journal], reference, ITERATIONS, SEED + 1);
    report("CLI 2 workers", two);
    const mixed = await crashLoop(
      (job, run) => [CLI, "flatten", ...FLAGS, "--workers", String(1 + (run % 2)), "--chunk-bytes", "131072", "--range-bytes", "131072", INPUT, "-o", job.output, "--journal", job.journal],
      reference,
      Math.max(2, ITERATIONS >> 1),
      SEED + 2,
    );
    report("CLI 1 and 2 workers alternating", mixed);
    expect(two.kills + mixed.kills).toBeGreaterThan(0);
  }, LOOP_TIMEOUT);

  test("library: flattenFile with 2 workers, unflattenFile", async () => {
    const flat = await crashLoop((job) => [LIB_JOB, "flatten", INPUT, job.output, job.journal, "2", "131072"], reference, ITERATIONS, SEED + 3);
    report("flattenFile, 2 workers", flat);
    const unflat = await crashLoop((job) => [LIB_JOB, "unflatten", FLAT, job.output, job.journal, "1", "65536"], unflatReference, Math.max(2, ITERATIONS >> 1), SEED + 4);
    report("unflattenFile", unflat);
    // With many kills, some must land mid-job (after a commit, before the end), or the loop tests little.
    if (ITERATIONS >= 8) expect(flat.midJob + unflat.midJob).toBeGreaterThan(0);
  }, LOOP_TIMEOUT);
});

describe("resuming checks the job and the output", () => {
  const options = { column: 5, onError: "emit" as const, chunkBytes: 65536 };

  async function halfDone(): Promise<{ output: string; journal: string; committedBytes: number }> {
    const job = newJob();
    await flattenFile(INPUT, job.output, { ...options, journal: job.journal });
    // Forget the end: rewind the journal's state by cutting the output into the middle of a chunk.
    const { chunks } = readJournal(job.journal);
    const middle = chunks[Math.floor(chunks.length / 2)]!;
    truncateSync(job.output, middle.output[0] + 10);
    return { ...job, committedBytes: middle.output[0] };
  }

  test("an output cut into committed data: the missing chunks are done again", async () => {
    const job = await halfDone();
    let resumed: unknown;
    const s = await flattenFile(INPUT, job.output, { ...options, journal: job.journal, onResume: (r) => (resumed = r) });
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
    expect(resumed).toMatchObject({ from: { output: job.committedBytes }, cutBytes: 10, complete: false });
    expect(s.alreadyComplete).toBe(false);
    expect(s.documents).toBeGreaterThan(4000); // totals include the chunks kept from the first run
  }, TEST_TIMEOUT);

  test("a flipped byte in the last committed chunk: found by its CRC, the chunk is done again", async () => {
    const job = newJob();
    await flattenFile(INPUT, job.output, { ...options, journal: job.journal });
    const last = readJournal(job.journal).chunks.findLast((c) => c.output[1] > 0)!;
    flipByte(job.output, last.output[0] + Math.floor(last.output[1] / 2));
    let resumed: { redone: number } | undefined;
    const s = await flattenFile(INPUT, job.output, { ...options, journal: job.journal, onResume: (r) => (resumed = r) });
    expect(resumed?.redone).toBeGreaterThanOrEqual(1);
    expect(s.alreadyComplete).toBe(false);
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
  }, TEST_TIMEOUT);

  test("a finished job is not run again; the CLI says so", async () => {
    const job = newJob();
    spawnSyncOk([CLI, "flatten", ...FLAGS, INPUT, "-o", job.output, "--journal", job.journal]);
    const before = statSync(job.output).mtimeMs;
    const stderr = spawnSyncOk([CLI, "flatten", ...FLAGS, INPUT, "-o", job.output, "--journal", job.journal]);
    expect(stderr).toContain("the job is already complete");
    expect(statSync(job.output).mtimeMs).toBe(before);
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
    // Output deleted afterwards: everything is done again, identically.
    rmSync(job.output);
    const again = await flattenFile(INPUT, job.output, { column: 5, onError: "emit", journal: job.journal });
    expect(again.alreadyComplete).toBe(false);
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
  }, TEST_TIMEOUT);

  test("another input, another output or other options: refused with JOURNAL_MISMATCH, output untouched", async () => {
    const job = await halfDone();
    const output = readFileSync(job.output);
    const other = join(ROOT, "other-input.txt");
    const bytes = readFileSync(INPUT);
    bytes[100] = bytes[100] === 0x41 ? 0x42 : 0x41; // same size, other content
    writeFileSync(other, bytes);
    const refused = async (input: string, out: string, o: object, what: RegExp) => {
      const error = await flattenFile(input, out, { ...options, ...o, journal: job.journal }).catch((e) => e);
      expect(error).toBeInstanceOf(JsonFlatError);
      expect((error as JsonFlatError).code).toBe("JOURNAL_MISMATCH");
      expect((error as JsonFlatError).message).toMatch(what);
    };
    await refused(other, job.output, {}, /input file: was .*input\.txt, now .*other-input\.txt/);
    await refused(INPUT, job.output, { onError: "skip" }, /options: was/);
    await refused(INPUT, join(ROOT, "elsewhere.ndjson"), {}, /output file/);
    // The same path with other content (same size), then only a newer modification time.
    const copy = join(ROOT, "copy-input.txt");
    writeFileSync(copy, readFileSync(INPUT));
    const moved = newJob();
    await flattenFile(copy, moved.output, { ...options, journal: moved.journal, range: { start: 0, end: 1 << 20 } });
    writeFileSync(copy, bytes);
    const changed = await flattenFile(copy, moved.output, { ...options, journal: moved.journal, range: { start: 0, end: 1 << 20 } }).catch((e) => e);
    expect((changed as JsonFlatError).code).toBe("JOURNAL_MISMATCH");
    expect((changed as JsonFlatError).message).toMatch(/input's first 64 KiB|modification time/);
    writeFileSync(copy, readFileSync(INPUT));
    utimesSync(copy, new Date(), new Date(Date.now() + 5000));
    const touched = await flattenFile(copy, moved.output, { ...options, journal: moved.journal, range: { start: 0, end: 1 << 20 } }).catch((e) => e);
    expect((touched as JsonFlatError).message).toMatch(/modification time/);
    expect(sameBytes(readFileSync(job.output), output)).toBe(true);
    // The CLI: one line, code and message, exit status 1; workers and chunk size may change (they shape nothing).
    const cli = Bun.spawnSync([BUN, CLI, "flatten", ...FLAGS.slice(0, 3), "--on-error", "skip", INPUT, "-o", job.output, "--journal", job.journal]);
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr.toString()).toMatch(/^jsonflat: .*input\.txt: JOURNAL_MISMATCH journal .* belongs to another job: options: was .*Delete/);
    spawnSyncOk([CLI, "flatten", ...FLAGS, "--workers", "2", "--chunk-bytes", "300000", INPUT, "-o", job.output, "--journal", job.journal]);
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
  }, TEST_TIMEOUT);

  test("an output that cannot be opened: IO, and the journal records no job (another output may follow)", async () => {
    const job = newJob();
    const error = await flattenFile(INPUT, join(ROOT, "missing-dir", "out.ndjson"), { ...options, journal: job.journal }).catch((e) => e);
    expect(error).toMatchObject({ code: "IO" });
    expect(readJournal(job.journal).job).toBeUndefined();
    await flattenFile(INPUT, job.output, { ...options, journal: job.journal });
    expect(sameBytes(readFileSync(job.output), reference)).toBe(true);
  }, TEST_TIMEOUT);

  test("a write-ahead log that is not a job's journal is refused with CORRUPT", async () => {
    const job = newJob();
    const wal = Wal.open(job.journal);
    wal.appendAndSync('{"op":"put","key":7}');
    wal.close();
    const error = await flattenFile(INPUT, job.output, { ...options, journal: job.journal }).catch((e) => e);
    expect(error).toMatchObject({ code: "CORRUPT" });
    expect((error as JsonFlatError).message).toMatch(/record 1 is not a job header/);
    expect(existsSync(job.output)).toBe(false);
  }, TEST_TIMEOUT);

  test("two runs on one journal at once: the second is refused (IO, the log's lock), the output left alone", () => {
    const job = newJob();
    const held = Wal.open(job.journal); // as a first run would hold it
    try {
      const second = Bun.spawnSync([BUN, CLI, "flatten", ...FLAGS, INPUT, "-o", job.output, "--journal", job.journal]);
      expect(second.exitCode).toBe(1);
      expect(second.stderr.toString()).toMatch(/IO .*locked by another process/);
    } finally {
      held.close();
    }
    expect(existsSync(job.output)).toBe(false);
  }, TEST_TIMEOUT);

  test("usage errors: --journal needs -o FILE, a FILE input, and NDJSON", async () => {
    const usage = (args: string[]) => Bun.spawnSync([BUN, CLI, ...args], { stdin: new TextEncoder().encode("{}\n") });
    expect(usage(["flatten", ...FLAGS, INPUT, "--journal", join(ROOT, "u.wal")]).exitCode).toBe(2);
    expect(usage(["flatten", ...FLAGS, "-", "-o", join(ROOT, "u.ndjson"), "--journal", join(ROOT, "u.wal")]).exitCode).toBe(2);
    expect(usage(["flatten", INPUT, "-o", join(ROOT, "u.ndjson"), "--journal", join(ROOT, "u.wal")]).exitCode).toBe(2);
    expect(usage(["unflatten", FLAT, "-o", join(ROOT, "u.ndjson"), "--journal", join(ROOT, "u.wal")]).exitCode).toBe(2);
    expect(usage(["search", ...FLAGS, "--key", "title", INPUT, "-o", join(ROOT, "u.ndjson"), "--journal", join(ROOT, "u.wal")]).exitCode).toBe(2);
    expect(existsSync(join(ROOT, "u.wal"))).toBe(false);
  }, TEST_TIMEOUT);

  test("unflatten --ndjson streams: a bad line stops it (as flatten --ndjson: its chunk is not written) with its line and file offset", async () => {
    const bad = join(ROOT, "bad-flat.ndjson");
    writeFileSync(bad, '{"a":1}\n\n  \r\n{"a":1,"a.b":2}\n');
    const r = Bun.spawnSync([BUN, CLI, "unflatten", "--ndjson", bad]);
    expect(r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(1);
    expect(r.stderr.toString()).toMatch(/^jsonflat: .*bad-flat\.ndjson:4:\d+: PATH_CONFLICT/);
    const job = newJob();
    const error = await unflattenFile(bad, job.output, { journal: job.journal }).catch((e) => e);
    expect(error).toMatchObject({ code: "PATH_CONFLICT", line: 4 });
    expect((error as JsonFlatError).offset).toBeGreaterThanOrEqual(12);
  }, TEST_TIMEOUT);
});
