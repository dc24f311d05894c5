/**
 * @module jsonpath-pool.test — JSONPath search on the coworker pool: `searchFileParallel` (and `search --ndjson
 * --jsonpath … --workers 2`) writes `searchStream`'s bytes exactly: hits in input order with the file's line
 * numbers, bad lines alike, the limit cut at the same hit, whatever the range size and pool size.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { searchStream, type SearchQuery } from "../src/index";
import { searchFileParallel, type SearchParallelOptions } from "../src/query/search-parallel";
import { runCli } from "./fixtures/cli-run";
import { bytesOf, closePools, errorOf, poolsUnderTest, writeOpenLibraryDump } from "./fixtures/pool-inputs";

let dir: string;
let dump: string;
let withBad: string;
const pools = poolsUnderTest();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonflat-jsonpath-pool-"));
  dump = writeOpenLibraryDump(dir);
  withBad = join(dir, "bad.ndjson");
  const lines: string[] = [];
  for (let i = 1; i <= 3000; i++) lines.push(i % 1013 === 0 ? "[1,2" : JSON.stringify({ id: i, price: i % 17, tags: [`t${i % 5}`] }));
  writeFileSync(withBad, lines.join("\n") + "\n");
});

afterAll(async () => {
  await closePools(pools);
  rmSync(dir, { recursive: true, force: true });
});

const CASES: [string, SearchQuery, SearchParallelOptions][] = [
  ["descendant name", { jsonpath: "$..key" }, { column: 5 }],
  ["filter", { jsonpath: '$.authors[?@.author.key && @.type.key == "/type/author_role"].author.key' }, { column: 5 }],
  ["descendant wildcard, a limit inside a late range", { jsonpath: "$..*", limit: 20_000 }, { column: 5 }],
  ["no hit at all", { jsonpath: "$.nowhere" }, { column: 5 }],
];

describe.each(Object.entries(pools))("searchFileParallel on %s", (_, pool) => {
  test.each(CASES)("%s: the bytes of searchStream", async (_name, query, options) => {
    const expected = await bytesOf(searchStream(dump, query, options));
    expect(expected.length > 0).toBe(query.jsonpath !== "$.nowhere");
    for (const rangeBytes of [150_000, 1 << 20]) {
      const got = await bytesOf(searchFileParallel(dump, query, { ...options, pool, rangeBytes, readBytes: 32 << 10 }));
      expect(got.equals(expected)).toBe(true);
    }
  });

  test("bad lines: emit and skip as one thread writes them; fail stops at the same line", async () => {
    const query = { jsonpath: "$[?@.price == 3].id" };
    for (const onError of ["emit", "skip"] as const) {
      const expected = await bytesOf(searchStream(withBad, query, { onError }));
      const got = await bytesOf(searchFileParallel(withBad, query, { onError, pool, rangeBytes: 8 << 10, readBytes: 2 << 10 }));
      expect(got.equals(expected)).toBe(true);
    }
    const single = await errorOf(searchStream(withBad, query));
    const parallel = await errorOf(searchFileParallel(withBad, query, { pool, rangeBytes: 8 << 10, readBytes: 2 << 10 }));
    expect(single.line).toBe(1013);
    expect(parallel.line).toBe(1013);
    expect(parallel.offset).toBe(single.offset!);
  });
});

describe("search --jsonpath --workers 2", () => {
  test("prints what one thread prints", async () => {
    const args = ["search", "--ndjson", "--column", "5", "--jsonpath", "$..author.key"];
    const one = await runCli([...args, dump]);
    const two = await runCli([...args, "--workers", "2", dump]);
    expect(one.code).toBe(0);
    expect(two.stderr).toBe("");
    expect(two.code).toBe(0);
    expect(Buffer.from(two.stdout).equals(Buffer.from(one.stdout))).toBe(true);
  });

  test("a query that is not JSONPath is refused by the library call", async () => {
    expect((await errorOf(searchFileParallel(dump, { key: "title" }, { column: 5 }))).code).toBe("INVALID_OPTION");
  });
});
