/**
 * @module jsonpath-cts.test — the JSONPath Compliance Test Suite (RFC 9535, ../shared/data/jsonpath-cts/cts.json,
 * 703 tests) run through the native engine: every test through the library (`search`, values and normalized
 * paths), every valid one again as NDJSON lines (`searchAll`, each line its own `$`), and a sample through the
 * CLI and the HTTP server.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { compileQuery, JsonFlatError, search, searchAll } from "../src/index";
import { BUN, EMULATED } from "./fixtures/child-bun";
import { post, startInProcess } from "./http-server";

interface CtsTest {
  name: string;
  selector: string;
  document?: unknown;
  result?: unknown[];
  result_paths?: string[];
  results?: unknown[][];
  results_paths?: string[][];
  invalid_selector?: boolean;
}

const CTS_FILE = new URL("../../shared/data/jsonpath-cts/cts.json", import.meta.url).pathname;
const CTS: CtsTest[] = (await Bun.file(CTS_FILE).json()).tests;
const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;

/**
 * Tests not passed, each with its reason. Empty: every test passes. A test added here must say why the RFC
 * reading of the suite is not followed.
 */
const SKIPPED = new Map<string, string>();

/** The expected outcomes of a valid test: one [values, paths] per allowed order. */
function outcomes(t: CtsTest): [unknown[], string[] | undefined][] {
  if (t.result) return [[t.result, t.result_paths]];
  return (t.results ?? []).map((values, i) => [values, t.results_paths?.[i]]);
}

/** Whether `hits` is one of the test's allowed outcomes (values, and paths when the suite gives them). */
function matches(t: CtsTest, hits: [string, unknown][]): boolean {
  const values = hits.map(([, value]) => value);
  const paths = hits.map(([path]) => path);
  return outcomes(t).some(([want, wantPaths]) => Bun.deepEquals(values, want, true) && (!wantPaths || Bun.deepEquals(paths, wantPaths, true)));
}

/** NDJSON text as a stream source. */
function ndjson(text: string): ReadableStream<Uint8Array> {
  return new Blob([text]).stream();
}

function describeHits(hits: [string, unknown][]): string {
  return JSON.stringify(hits).slice(0, 400);
}

const valid = CTS.filter((t) => !t.invalid_selector && !SKIPPED.has(t.name));
const invalid = CTS.filter((t) => t.invalid_selector && !SKIPPED.has(t.name));

describe("JSONPath Compliance Test Suite, library", () => {
  test("the suite is the one expected (703 tests)", () => {
    expect(CTS.length).toBe(703);
    expect(SKIPPED.size).toBe(0);
  });

  test(`${valid.length} valid selectors: values and normalized paths in the RFC's order`, () => {
    const failures: string[] = [];
    for (const t of valid) {
      try {
        const { hits, count } = search(JSON.stringify(t.document), { jsonpath: t.selector });
        if (count !== hits.length || !matches(t, hits)) failures.push(`${t.name}: ${t.selector} gave ${describeHits(hits)}`);
      } catch (error) {
        failures.push(`${t.name}: ${t.selector} threw ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test(`${invalid.length} invalid selectors: INVALID_OPTION with a message and a position in the query`, () => {
    const failures: string[] = [];
    for (const t of invalid) {
      try {
        compileQuery({ jsonpath: t.selector }).dispose();
        failures.push(`${t.name}: ${JSON.stringify(t.selector)} compiled`);
      } catch (error) {
        const e = error as JsonFlatError;
        const placed = e.offset !== undefined && e.offset <= Buffer.byteLength(t.selector) && e.line === 1 && (e.column ?? 0) >= 1;
        if (!(e instanceof JsonFlatError) || e.code !== "INVALID_OPTION" || !e.message.startsWith("invalid JSONPath: ") || !placed) {
          failures.push(`${t.name}: ${JSON.stringify(t.selector)} threw ${e.code} ${e.message} at ${e.offset}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // One stream per test (about 10 ms each here): seconds natively, too long under qemu.
  test.skipIf(EMULATED)("every valid selector over NDJSON: each line is its own root, hits carry the line number", async () => {
    const failures: string[] = [];
    for (const t of valid) {
      const line = JSON.stringify(t.document);
      const hits = await searchAll(ndjson(`${line}\n\n${line}\n`), { jsonpath: t.selector });
      const first = hits.filter((h) => h.line === 1).map((h): [string, unknown] => [h.path, h.value]);
      const third = hits.filter((h) => h.line === 3).map((h): [string, unknown] => [h.path, h.value]);
      if (first.length + third.length !== hits.length || !matches(t, first) || !Bun.deepEquals(first, third)) {
        failures.push(`${t.name}: ${t.selector} gave ${JSON.stringify(hits).slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("limit counts hits across the lines of a stream", async () => {
    const hits = await searchAll(ndjson('{"a":[1,2,3]}\n{"a":[4,5]}\n'), { jsonpath: "$.a[*]", limit: 4 });
    expect(hits).toEqual([
      { line: 1, path: "$['a'][0]", value: 1 },
      { line: 1, path: "$['a'][1]", value: 2 },
      { line: 1, path: "$['a'][2]", value: 3 },
      { line: 2, path: "$['a'][0]", value: 4 },
    ]);
  });
});

/** Every 20th test of the suite, valid and invalid alike: a sample that covers each section of the suite. */
const SAMPLE = CTS.filter((t, i) => i % 20 === 0 && !SKIPPED.has(t.name));

describe("JSONPath Compliance Test Suite, HTTP sample", () => {
  const server = startInProcess();
  afterAll(() => server.stop());

  test(`${SAMPLE.length} tests through POST /search?jsonpath=`, async () => {
    const failures: string[] = [];
    for (const t of SAMPLE) {
      const body = JSON.stringify(t.document ?? null);
      const r = await post(server.url, `/search?jsonpath=${encodeURIComponent(t.selector)}`, body);
      const answer = JSON.parse(r.text);
      if (t.invalid_selector) {
        const e = answer.error;
        if (r.status !== 400 || e?.code !== "INVALID_OPTION" || typeof e.offset !== "number" || e.line !== 1) failures.push(`${t.name}: ${r.status} ${r.text}`);
      } else if (r.status !== 200 || answer.count !== answer.hits.length || !matches(t, answer.hits)) {
        failures.push(`${t.name}: ${t.selector} gave ${r.status} ${r.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("the error of a bad JSONPath places the fault in the query", async () => {
    const r = await post(server.url, `/search?jsonpath=${encodeURIComponent("$.a[?@.b == ]")}`, "{}");
    expect(r.status).toBe(400);
    const { error } = JSON.parse(r.text);
    expect(error).toMatchObject({ code: "INVALID_OPTION", offset: 12, line: 1, column: 13 });
    expect(error.message).toStartWith("invalid JSONPath: ");
  });

  test("jsonpath over an NDJSON body", async () => {
    const r = await post(server.url, `/search?jsonpath=${encodeURIComponent("$[?@ > 1]")}`, '{"n":1}\n{"n":2}\n', "application/x-ndjson");
    expect(r.status).toBe(200);
    expect(r.text).toBe(`[2,"$['n']",2]\n`);
  });
});

describe("JSONPath Compliance Test Suite, CLI sample", () => {
  async function cli(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const proc = Bun.spawn([BUN, CLI, ...args], { stdin: new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  }

  /** Every 100th test: one process each. */
  const few = CTS.filter((t, i) => i % 100 === 0);

  test(`${few.length} tests through jsonflat search --jsonpath`, async () => {
    const failures: string[] = [];
    for (const t of few) {
      const r = await cli(["search", "--jsonpath", t.selector, "-"], JSON.stringify(t.document ?? null));
      if (t.invalid_selector) {
        if (r.code !== 2 || !r.stderr.includes("--jsonpath, column ") || !r.stderr.includes("invalid JSONPath")) failures.push(`${t.name}: ${r.code} ${r.stderr}`);
        continue;
      }
      const hits = r.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));
      const expectedCode = outcomes(t)[0]![0].length ? 0 : 1;
      if (r.code !== expectedCode || !matches(t, hits)) failures.push(`${t.name}: ${t.selector} gave ${r.code} ${r.stdout.slice(0, 300)} ${r.stderr}`);
    }
    expect(failures).toEqual([]);
  });

  test("--ndjson numbers each hit with its line", async () => {
    const r = await cli(["search", "--ndjson", "--jsonpath", "$..b", "-"], '{"a":{"b":1}}\n{"b":[2]}\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`[1,"$['a']['b']",1]\n[2,"$['b']",[2]]\n`);
  });
});
