/**
 * @module coworker-parallel.test — flattenFileParallel gives flattenStream's output byte for byte, with the
 * file's real line numbers, however the file is split and however many workers run it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flattenFileParallel, Pool, type ParallelOptions } from "../src/coworker";
import { LineChain } from "../src/coworker/line-chain";
import { LineCounter, lineNumberAt } from "../src/lines/index";
import { alignRange, flattenLines, flattenStream, JsonFlatError, type StreamOptions } from "../src/index";
import { native } from "../src/native";
import { rng as random } from "./fixtures/rng";

const OPENLIBRARY = ["authors-tail-n1000.txt", "editions-head-n1000.txt", "works-head-n1000.txt"].map(
  (name) => new URL(`../../shared/data/openlibrary/${name}`, import.meta.url).pathname,
);

let dir: string;
let generated: string; // a few MB of NDJSON with bad, blank, CRLF and long lines
let small: string; // a few hundred bytes with a bad line, a blank line and a CRLF line
let lookalike: string; // a good line whose output looks like an error record (maxDepth: 1)
const sync = new Pool({ size: 0 });
const async = new Pool({ size: 2 });


function generate(bytes: number): Buffer {
  const next = random(42);
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const r = i > 300 ? next() : 0.5 + next() / 2; // the first bad line comes after line 300
    let line: string | Buffer;
    if (r < 0.004) line = '{"id":' + i + ',"broken":[1,2';
    else if (r < 0.006) line = "not json at all";
    else if (r < 0.007) line = Buffer.concat([Buffer.from('{"bad":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    else if (r < 0.012) line = r < 0.009 ? "" : "  \t ";
    else if (r < 0.0125) line = JSON.stringify({ id: i, long: "x".repeat(150_000 + Math.floor(next() * 100_000)) });
    else
      line = JSON.stringify({
        id: i,
        name: `nom ${i} \u00e9\u4e2d`,
        tags: Array.from({ length: Math.floor(next() * 5) }, (_, k) => `t${k}`),
        nested: { x: [{ y: i * 1.5 }, null, true], empty: {}, none: [] },
        big: "12345678901234567890",
      });
    const end = next() < 0.05 ? "\r\n" : "\n";
    const piece = Buffer.concat([typeof line === "string" ? Buffer.from(line) : line, Buffer.from(end)]);
    parts.push(piece);
    size += piece.length;
  }
  parts.push(Buffer.from('{"last":"line without newline"}'));
  return Buffer.concat(parts);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonflat-coworker-"));
  generated = join(dir, "generated.ndjson");
  writeFileSync(generated, generate(4 << 20));
  small = join(dir, "small.ndjson");
  writeFileSync(small, '{"a":1}\n{"b":{"c":[1,2]}}\n\n{"bad":\n{"d":"\\u00e9"}\r\n  \nnope\n{"e":[{}]}\n{"f":null}');
  lookalike = join(dir, "lookalike.ndjson");
  const record = '{"error":{"code":"INVALID_JSON","message":"m at line 1, column 1","offset":0,"line":2,"column":1},"line":2}';
  writeFileSync(lookalike, `{"ok":{"a":1}}\n${record}\n{oops\n${record}\n{"z":[1]}\n[1,\n`);
});

afterAll(async () => {
  await async.close({ mode: "abort" });
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  bytes: Buffer;
  error?: JsonFlatError;
  summary?: unknown;
}

async function single(path: string, options: StreamOptions & { range?: { start: number; end: number } } = {}): Promise<Run> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of flattenStream(path, { chunkBytes: 1 << 20, ...options })) chunks.push(Buffer.from(chunk));
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as JsonFlatError };
  }
  return { bytes: Buffer.concat(chunks) };
}

async function parallel(path: string, options: ParallelOptions): Promise<Run> {
  const chunks: Buffer[] = [];
  const it = flattenFileParallel(path, options);
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) return { bytes: Buffer.concat(chunks), summary: next.value };
      chunks.push(Buffer.from(next.value));
    }
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as JsonFlatError };
  }
}

function sameBytes(a: Buffer, b: Buffer): void {
  expect(a.length).toBe(b.length);
  expect(a.equals(b)).toBe(true);
}

describe("equal to single-threaded flattenStream", () => {
  test("Open Library dumps, column 5, with 2 workers", async () => {
    for (const path of OPENLIBRARY) {
      const expected = await single(path, { column: 5 });
      expect(expected.error).toBeUndefined();
      for (const rangeBytes of [40_000, 1 << 20]) {
        const got = await parallel(path, { pool: async, column: 5, rangeBytes });
        expect(got.error).toBeUndefined();
        sameBytes(got.bytes, expected.bytes);
        expect(got.summary).toMatchObject({ lines: 1000, documents: 1000, errors: 0, bytesRead: Bun.file(path).size });
      }
    }
  });

  test("Open Library dump with its own pool (workers: 2) and other options", async () => {
    const path = OPENLIBRARY[1]!;
    const options = { column: 5, style: "pointer", mode: "grouped", format: "entries" } as const;
    const expected = await single(path, options);
    const got = await parallel(path, { ...options, workers: 2, rangeBytes: 100_000 });
    sameBytes(got.bytes, expected.bytes);
  });

  for (const onError of ["emit", "skip"] as const) {
    test(`generated NDJSON, onError: ${onError}: same bytes, counters and first error`, async () => {
      const expected = await single(generated, { onError });
      expect(expected.error).toBeUndefined();
      const summaries: any[] = [];
      for (const [pool, rangeBytes, readBytes] of [
        [async, 256 << 10, 64 << 10],
        [async, 1 << 20, undefined],
        [sync, 300_000, 50_000],
      ] as const) {
        const got = await parallel(generated, { pool, onError, rangeBytes, readBytes });
        expect(got.error).toBeUndefined();
        sameBytes(got.bytes, expected.bytes);
        summaries.push(got.summary);
      }
      const s = summaries[0];
      expect(s.errors).toBeGreaterThan(10);
      expect(s.ranges).toBeGreaterThan(10);
      expect(summaries[1]).toMatchObject({ lines: s.lines, documents: s.documents, errors: s.errors, leaves: s.leaves });
      expect(summaries[2]).toEqual({ ...s, ranges: summaries[2].ranges });
      // The error records carry the file's line numbers: check them against the file itself.
      if (onError === "emit") {
        const lines = (await Bun.file(generated).text()).split("\n");
        const records = expected.bytes.toString().split("\n").filter((l) => l.startsWith('{"error":'));
        expect(records.length).toBe(s.errors);
        for (const record of records) {
          const { line, error } = JSON.parse(record);
          expect(error.line).toBe(line);
          expect(error.message).not.toMatch(/at line|column \d/); // positions are fields, never text
          const text = lines[line - 1]!.replace(/\r$/, "");
          expect(text.startsWith('{"id":') && text.includes("broken") || text === "not json at all" || text.startsWith('{"bad":')).toBe(true);
        }
      }
      expect(s.firstError.line).toBeGreaterThan(1);
    });
  }

  test("generated NDJSON, onError: fail: the same error, with the real line number", async () => {
    const expected = await single(generated, { onError: "fail" });
    expect(expected.error).toBeInstanceOf(JsonFlatError);
    expect(expected.error!.line).toBeGreaterThan(100);
    for (const [pool, rangeBytes] of [
      [async, 64 << 10],
      [sync, 100_000],
    ] as const) {
      const got = await parallel(generated, { pool, rangeBytes, readBytes: 16 << 10 });
      expect(got.error).toBeInstanceOf(JsonFlatError);
      expect(got.error!.toJSON()).toEqual(expected.error!.toJSON());
      // What was yielded before the error is whole lines of the good output.
      expect(expected.bytes.length === 0 || got.bytes.length > 0).toBe(true);
    }
  });

  test("a byte range of the file: the lines that start inside it", async () => {
    const size = Bun.file(generated).size;
    const range = { start: Math.floor(size / 3) + 7, end: Math.floor((2 * size) / 3) - 11 };
    const aligned = await alignRange(generated, range);
    const expected = await single(generated, { onError: "emit", range: aligned, firstLine: 5, baseOffset: 1000 });
    const got = await parallel(generated, { pool: async, onError: "emit", range, firstLine: 5, baseOffset: 1000, rangeBytes: 200_000 });
    sameBytes(got.bytes, expected.bytes);
  });
});

describe("splits", () => {
  test("every range size splits a small file into ranges that reassemble to the same output", async () => {
    const size = Bun.file(small).size;
    for (const onError of ["emit", "skip", "fail"] as const) {
      const expected = await single(small, { onError });
      for (let rangeBytes = 1; rangeBytes <= size + 1; rangeBytes++) {
        for (const readBytes of [1, 3, 1 << 20]) {
          const got = await parallel(small, { pool: sync, onError, rangeBytes, readBytes });
          sameBytes(onError === "fail" ? got.bytes.subarray(0, 0) : got.bytes, onError === "fail" ? expected.bytes.subarray(0, 0) : expected.bytes);
          expect(got.error?.toJSON()).toEqual(expected.error?.toJSON());
        }
      }
    }
  });

  test("some of those splits on workers", async () => {
    const expected = await single(small, { onError: "emit" });
    for (const rangeBytes of [1, 5, 17, 40]) {
      const got = await parallel(small, { pool: async, onError: "emit", rangeBytes, readBytes: 7 });
      sameBytes(got.bytes, expected.bytes);
    }
  });

  test("a good line whose output looks like an error record is written as it is", async () => {
    const options = { onError: "emit", maxDepth: 1 } as const;
    const expected = await single(lookalike, options);
    expect(expected.bytes.toString().split("\n").filter((l) => l.startsWith('{"error":')).length).toBe(4);
    for (const rangeBytes of [1, 20, 130, 1000]) {
      const got = await parallel(lookalike, { ...options, pool: sync, rangeBytes, readBytes: 1 << 20 });
      sameBytes(got.bytes, expected.bytes);
      const viaWorkers = await parallel(lookalike, { ...options, pool: async, rangeBytes });
      sameBytes(viaWorkers.bytes, expected.bytes);
    }
  });

  test("empty file, empty range, a file of blank lines", async () => {
    const empty = join(dir, "empty.ndjson");
    writeFileSync(empty, "");
    const blank = join(dir, "blank.ndjson");
    writeFileSync(blank, "\n\n  \n\r\n");
    expect((await parallel(empty, { pool: async })).bytes.length).toBe(0);
    expect((await parallel(small, { pool: async, range: { start: 3, end: 5 } })).summary).toMatchObject({ lines: 0, ranges: 0 });
    const blanks = await parallel(blank, { pool: async, rangeBytes: 2 });
    expect(blanks.bytes.length).toBe(0);
    expect(blanks.summary).toMatchObject({ lines: 4, documents: 0 });
  });
});

describe("control", () => {
  test("progress reaches the total and never goes back", async () => {
    const seen: number[] = [];
    let total = 0;
    await parallel(generated, {
      pool: async,
      onError: "skip",
      rangeBytes: 512 << 10,
      readBytes: 128 << 10,
      onProgress: (p) => {
        seen.push(p.bytesRead);
        total = p.totalBytes;
      },
    });
    expect(total).toBe(Bun.file(generated).size);
    expect(seen.at(-1)).toBe(total);
    expect(seen.length).toBeGreaterThan(8);
    // bytesRead is a sum over ranges in flight and done: it only grows.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  test("an abort signal stops the job with ABORTED and the pool keeps working", async () => {
    const controller = new AbortController();
    let chunks = 0;
    const got = parallel(generated, { pool: async, onError: "skip", rangeBytes: 128 << 10, signal: controller.signal });
    const it = flattenFileParallel(generated, { pool: async, onError: "skip", rangeBytes: 128 << 10, signal: controller.signal });
    await expect(
      (async () => {
        for await (const _ of it) if (++chunks === 2) controller.abort();
      })(),
    ).rejects.toMatchObject({ code: "ABORTED" });
    expect((await got).error?.code).toBe("ABORTED");
    await Bun.sleep(10);
    expect(async.stats()).toMatchObject({ running: 0, queued: 0, workers: 2 });
    expect((await parallel(small, { pool: async, onError: "skip" })).error).toBeUndefined();
  });

  test("breaking out of the loop cancels the remaining ranges", async () => {
    for await (const _ of flattenFileParallel(generated, { pool: async, onError: "skip", rangeBytes: 64 << 10 })) break;
    await Bun.sleep(10);
    expect(async.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  test("memory stays bounded: at most maxInFlight ranges are submitted ahead", async () => {
    const p = new Pool({ size: 1 });
    let peak = 0;
    const it = flattenFileParallel(generated, { pool: p, onError: "skip", rangeBytes: 128 << 10, maxInFlight: 3 });
    for await (const _ of it) {
      const s = p.stats();
      peak = Math.max(peak, s.queued + s.running);
      await Bun.sleep(1); // a slow consumer
    }
    expect(peak).toBeLessThanOrEqual(3);
    await p.close();
  });

  test("a yielded chunk is freed when the next is requested, unless retain: true", async () => {
    for (const pool of [async, sync]) {
      const kept: Uint8Array[] = [];
      for await (const chunk of flattenFileParallel(OPENLIBRARY[0]!, { pool, column: 5, rangeBytes: 50_000 })) kept.push(chunk);
      expect(kept.length).toBeGreaterThan(3);
      expect(kept.every((chunk) => chunk.length === 0)).toBe(true); // all released

      const retained: Uint8Array[] = [];
      for await (const chunk of flattenFileParallel(OPENLIBRARY[0]!, { pool, column: 5, rangeBytes: 50_000, retain: true })) retained.push(chunk);
      sameBytes(Buffer.concat(retained), (await single(OPENLIBRARY[0]!, { column: 5 })).bytes);
    }
  });

  test("invalid options and missing files", async () => {
    expect((await parallel(small, { pool: sync, rangeBytes: 0 })).error?.code).toBe("INVALID_OPTION");
    expect((await parallel(small, { pool: sync, onError: "nope" as never })).error?.code).toBe("INVALID_OPTION");
    expect((await parallel(small, { pool: sync, style: "nope" as never })).error?.code).toBe("INVALID_OPTION");
    expect((await parallel(join(dir, "missing.ndjson"), { pool: sync })).error?.code).toBe("IO");
  });

  test("no native memory is left behind", async () => {
    Bun.gc(true);
    const baseline = native().allocStats().liveBlocks;
    await parallel(generated, { pool: sync, onError: "emit", rangeBytes: 1 << 20 });
    await parallel(generated, { pool: async, onError: "emit", rangeBytes: 1 << 20 });
    Bun.gc(true);
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(baseline);
  });
});

describe("real first line numbers (LineCounter)", () => {
  test("the line at an offset is 1 + the newlines before it, counted forward once", async () => {
    const text = "a\n\nbb\r\nccc\n\nd";
    const file = join(dir, "count.txt");
    writeFileSync(file, text);
    const counter = await LineCounter.open(file);
    try {
      for (let offset = 0; offset <= text.length; offset++) {
        expect(await counter.lineAt(offset)).toBe(text.slice(0, offset).split("\n").length);
      }
      await expect(counter.lineAt(2)).rejects.toMatchObject({ code: "INVALID_OPTION" });
    } finally {
      await counter.close();
    }
    expect(await lineNumberAt(file, 9)).toBe(4);
  });

  test("the line chain hands each range its first line as soon as the ranges before it are done", () => {
    const chain = new LineChain(10);
    const [a, b, c] = [chain.add(), chain.add(), chain.add()];
    expect([a.firstLine, b.firstLine, c.firstLine]).toEqual([10, undefined, undefined]);
    expect(Atomics.load(a.cell, 0)).toBe(10n);
    chain.done(b, 7); // done out of order: nothing is known after it yet
    expect([b.firstLine, c.firstLine, Atomics.load(c.cell, 0)]).toEqual([undefined, undefined, 0n]);
    chain.done(a, 5);
    expect([b.firstLine, c.firstLine, Atomics.load(c.cell, 0)]).toEqual([15, 22, 22n]);
    chain.done(c, 1);
    expect(chain.add().firstLine).toBe(23);
  });

  test("tasks that meet a bad line before their first line is known wait for it: every record is numbered as one run numbers it", async () => {
    // A bad line at the start of every range: each task needs its first line at once, while earlier ranges still run.
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(i % 25 === 0 ? "{bad" : `{"i":${i},"pad":"${"x".repeat(200)}"}`);
    const file = join(dir, "bad-starts.ndjson");
    writeFileSync(file, lines.join("\n"));
    for (const onError of ["emit", "skip"] as const) {
      const expected = await single(file, { onError });
      const got = await parallel(file, { pool: async, onError, rangeBytes: 25 * 215, readBytes: 600 });
      sameBytes(got.bytes, expected.bytes);
      const whole = flattenLines(readFileSync(file), { onError });
      expect((got.summary as { firstError?: unknown }).firstError).toEqual(whole.firstError?.toJSON());
      whole.dispose();
    }
    const failed = await parallel(file, { pool: async, rangeBytes: 25 * 215, readBytes: 600 });
    expect(failed.error?.toJSON()).toEqual((await single(file)).error?.toJSON());
  });
});
