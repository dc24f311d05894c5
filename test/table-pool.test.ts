/**
 * @module table-pool.test — CSV and TSV on the coworker pool: `tableFileParallel` (and `flatten --to csv
 * --workers 2`) writes `tableStream`'s bytes exactly, for every column source, join, explode, TSV, bad lines
 * with their real line numbers, whatever the range size and pool size.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableStream } from "../src/index";
import { tableFileParallel, type TableParallelOptions } from "../src/table/parallel";
import { runCli } from "./fixtures/cli-run";
import { bytesOf, closePools, errorOf, poolsUnderTest, writeOpenLibraryDump } from "./fixtures/pool-inputs";

let dir: string;
let dump: string; // the three Open Library samples, one after the other (JSON in column 5)
let withBad: string; // NDJSON with bad and blank lines spread over the file
const pools = poolsUnderTest();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonflat-table-pool-"));
  dump = writeOpenLibraryDump(dir);
  withBad = join(dir, "bad.ndjson");
  const lines: string[] = [];
  for (let i = 1; i <= 4000; i++) {
    if (i % 997 === 0) lines.push('{"id":' + i + ',"broken":[1,');
    else if (i % 501 === 0) lines.push("");
    else lines.push(JSON.stringify({ id: i, name: `n,${i}`, tags: i % 3 ? ["a", `b${i}`] : [], deep: { x: i % 7 ? i * 0.5 : null } }));
  }
  writeFileSync(withBad, lines.join("\n") + "\n");
});

afterAll(async () => {
  await closePools(pools);
  rmSync(dir, { recursive: true, force: true });
});

const CASES: [string, TableParallelOptions][] = [
  ["columns from a first pass", { column: 5 }],
  ["join", { column: 5, join: ";" }],
  ["TSV, CRLF", { column: 5, format: "tsv", lineEnd: "crlf" }],
  ["a sample of 40 lines, unknown paths in _extra", { column: 5, sample: 40 }],
  ["explode authors, sampled", { column: 5, explode: "authors", sample: 200 }],
  ["columns given, no header, unknown ignored", { column: 5, columns: ["key", "title", "authors[0].author.key"], header: false, unknown: "ignore" }],
];

describe.each(Object.entries(pools))("tableFileParallel on %s", (_, pool) => {
  test.each(CASES)("%s: the bytes of tableStream", async (_name, options) => {
    const { pool: _p, ...single } = { ...options, pool };
    const expected = await bytesOf(tableStream(dump, single));
    for (const rangeBytes of [200_000, 1 << 20]) {
      const got = await bytesOf(tableFileParallel(dump, { ...options, pool, rangeBytes, readBytes: 64 << 10 }));
      expect(got.length).toBe(expected.length);
      expect(got.equals(expected)).toBe(true);
    }
  });

  test("bad lines: emit rows and skip counts carry the file's line numbers", async () => {
    for (const onError of ["emit", "skip"] as const) {
      const expected = await bytesOf(tableStream(withBad, { onError, join: "|" }));
      const got = await bytesOf(tableFileParallel(withBad, { onError, join: "|", pool, rangeBytes: 16 << 10, readBytes: 4 << 10 }));
      expect(got.equals(expected)).toBe(true);
    }
    const emitted = await bytesOf(tableFileParallel(withBad, { onError: "emit", pool, rangeBytes: 16 << 10, readBytes: 4 << 10 }));
    expect(emitted.toString().match(/""line"":\d+/g)).toEqual(['""line"":997', '""line"":1994', '""line"":2991', '""line"":3988']);
  });

  test("a bad line stops both with the same error and line (first pass and columns given)", async () => {
    for (const extra of [{}, { columns: ["id", "name"], unknown: "ignore" as const }]) {
      const expected = await errorOf(tableStream(withBad, extra));
      const got = await errorOf(tableFileParallel(withBad, { ...extra, pool, rangeBytes: 16 << 10, readBytes: 4 << 10 }));
      expect(got.code).toBe(expected.code);
      expect(got.line).toBe(997);
      expect(got.line).toBe(expected.line!);
      expect(got.offset).toBe(expected.offset!);
    }
  });

  test("a duplicate member name after a whole first pass: its second value goes to _extra, nothing fails", async () => {
    const file = join(dir, "duplicates.ndjson");
    const lines = Array.from({ length: 400 }, (_, i) => (i === 300 ? '{"id":301,"tags":["x"],"id":"again"}' : JSON.stringify({ id: i + 1, tags: ["a"] })));
    writeFileSync(file, lines.join("\n") + "\n");
    const expected = (await bytesOf(tableStream(file, { join: ";" }))).toString();
    expect(expected.split("\n")[0]).toBe("id,tags,_extra");
    expect(expected.split("\n")[301]).toBe('301,x,"{""id"":""again""}"');
    const got = await bytesOf(tableFileParallel(file, { join: ";", pool, rangeBytes: 2048, readBytes: 512 }));
    expect(got.toString()).toBe(expected);
  });

  test("stopping early ends the job and leaves the pool usable", async () => {
    for await (const chunk of tableFileParallel(dump, { column: 5, pool, rangeBytes: 100_000 })) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    const again = await bytesOf(tableFileParallel(dump, { column: 5, join: ";", pool, rangeBytes: 1 << 20 }));
    expect(again.equals(await bytesOf(tableStream(dump, { column: 5, join: ";" })))).toBe(true);
  });
});

describe("flatten --to csv --workers 2", () => {
  test("writes the bytes of one thread", async () => {
    const one = await runCli(["flatten", "--ndjson", "--column", "5", "--to", "csv", "--join", ";", dump]);
    const two = await runCli(["flatten", "--ndjson", "--column", "5", "--to", "csv", "--join", ";", "--workers", "2", "--range-bytes", "300000", dump]);
    expect(one.code).toBe(0);
    expect(two.stderr).toBe("");
    expect(two.code).toBe(0);
    expect(Buffer.from(two.stdout).equals(Buffer.from(one.stdout))).toBe(true);
  });

  test("refuses standard input and a bad --workers with a usage error", async () => {
    const stdin = await runCli(["flatten", "--ndjson", "--to", "csv", "--workers", "2", "-"], new TextEncoder().encode('{"a":1}\n'));
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain("--workers needs a local FILE");
    const zero = await runCli(["flatten", "--ndjson", "--to", "csv", "--workers", "0", dump]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--workers expects a whole number");
  });
});
