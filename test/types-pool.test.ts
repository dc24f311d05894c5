/**
 * @module types-pool.test — types from data on the coworker pool: `typeStatsParallel` (and `schema --json-schema
 * --workers 2`) gives `typeStatsStream`'s statistics exactly (counts, paths and examples in order of first
 * sight), so the JSON Schema and TypeScript are those of one thread, whatever the range size and pool size;
 * plain `schema` and a glob `search` with `--workers` say on standard error that they run in one thread.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError } from "../src/index";
import { typeStatsStream, type TypeStats } from "../src/query/type-stats";
import { typeStatsParallel } from "../src/query/type-stats-parallel";
import { typesOfLines } from "../src/query/types-output";
import { runCli } from "./fixtures/cli-run";
import { closePools, poolsUnderTest, writeOpenLibraryDump } from "./fixtures/pool-inputs";

let dir: string;
let dump: string;
let withBad: string;
const pools = poolsUnderTest();

/** The statistics as comparable data: the map's entries in order. */
const plain = (stats: TypeStats) => ({ documents: stats.documents, paths: [...stats.paths] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonflat-types-pool-"));
  dump = writeOpenLibraryDump(dir);
  withBad = join(dir, "bad.ndjson");
  const lines: string[] = [];
  for (let i = 1; i <= 3000; i++) {
    if (i % 1009 === 0) lines.push("{oops");
    else lines.push(JSON.stringify({ id: i, v: i % 5 ? i * 0.5 : `s${i % 11}`, tags: i % 4 ? [`t${i % 13}`] : null }));
  }
  writeFileSync(withBad, lines.join("\n") + "\n");
});

afterAll(async () => {
  await closePools(pools);
  rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.entries(pools))("typeStatsParallel on %s", (_, pool) => {
  test("Open Library lines: the statistics of one pass, for every range size", async () => {
    const expected = plain(await typeStatsStream(dump, { column: 5 }));
    expect(expected.documents).toBe(3000);
    for (const rangeBytes of [100_000, 1 << 20]) {
      expect(plain(await typeStatsParallel(dump, { column: 5, pool, rangeBytes, readBytes: 32 << 10 }))).toEqual(expected);
    }
  });

  test("bad lines skipped are counted alike; a failing one stops both at the same line", async () => {
    const expected = plain(await typeStatsStream(withBad, { onError: "skip" }));
    expect(plain(await typeStatsParallel(withBad, { onError: "skip", pool, rangeBytes: 8 << 10, readBytes: 2 << 10 }))).toEqual(expected);
    let single: JsonFlatError | undefined;
    let parallel: JsonFlatError | undefined;
    await typeStatsStream(withBad).catch((e) => (single = e));
    await typeStatsParallel(withBad, { pool, rangeBytes: 8 << 10, readBytes: 2 << 10 }).catch((e) => (parallel = e));
    expect(single?.line).toBe(1009);
    expect(parallel?.code).toBe(single!.code);
    expect(parallel?.line).toBe(1009);
    expect(parallel?.offset).toBe(single!.offset!);
  });
});

describe("types with workers", () => {
  test("typesOfLines: the JSON Schema and TypeScript of one thread", async () => {
    for (const request of [{ kind: "json-schema", closed: true } as const, { kind: "typescript", name: "Row" } as const]) {
      const one = await typesOfLines(request, dump, { column: 5 });
      expect(await typesOfLines({ ...request, workers: 2 }, dump, { column: 5 })).toBe(one);
    }
  });

  test("schema --json-schema --workers 2 prints what one thread prints; stdin is refused", async () => {
    const one = await runCli(["schema", "--ndjson", "--column", "5", "--json-schema", dump]);
    const two = await runCli(["schema", "--ndjson", "--column", "5", "--json-schema", "--workers", "2", dump]);
    expect(one.code).toBe(0);
    expect(two.stderr).toBe("");
    expect(Buffer.from(two.stdout).equals(Buffer.from(one.stdout))).toBe(true);
    const stdin = await runCli(["schema", "--ndjson", "--typescript", "--workers", "2", "-"], new TextEncoder().encode('{"a":1}\n'));
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain("--workers needs a local FILE");
  });

  test("plain schema and a --path search with --workers 2 run in one thread and say so; the output is unchanged", async () => {
    for (const [args, note] of [
      [["schema", "--ndjson", "--column", "5"], "a plain schema runs in one thread"],
      [["search", "--ndjson", "--column", "5", "--key", "key"], "this --path/--key/--value search runs in one thread"],
    ] as const) {
      const one = await runCli([...args, dump]);
      const two = await runCli([...args, "--workers", "2", dump]);
      expect([one.code, one.stderr, two.code]).toEqual([0, "", 0]);
      expect(two.stderr).toBe(`jsonflat: note: --workers applies to ${args[0] === "schema" ? "schema --json-schema and --typescript" : "search --jsonpath"} only; ${note}\n`);
      expect(Buffer.from(two.stdout).equals(Buffer.from(one.stdout))).toBe(true);
    }
  });
});
