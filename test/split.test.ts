/**
 * @module split.test — one document whose array elements are flattened in parallel ranges
 * (flattenDocumentParallel, `flatten --split`) gives byte for byte what flattenBytes gives for the whole
 * document, and the same error (code, message, offset, line, column): corpus files split at their arrays,
 * generated documents cut into ranges of every size (elements that straddle ranges, strings holding brackets
 * and escaped quotes, 0 and 1 elements), faults inside an element and after the array, and refused options.
 */
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { JsonFlatError, flattenDocumentParallel, type SplitParallelOptions } from "../src";
import { resolveOptions } from "../src/core/options";
import { documentCallOptions, type DocumentStreamOptions } from "../src/document/stream";
import { checkSplitOptions, flattenSplitRange, splitPath, SplitPlanner } from "../src/document/split";
import { Pool } from "../src/coworker/pool";
import { EMULATED } from "./fixtures/child-bun";
import { runCli } from "./fixtures/cli-run";
import { errorFields, whole, type Outcome } from "./fixtures/outcomes";
import { checkProperty } from "./fixtures/property";

const BENCH = fileURLToPath(new URL("../../shared/data/bench/", import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), "jsonflat-split-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let files = 0;
function fileOf(bytes: Uint8Array | string): string {
  const path = join(TMP, `doc-${files++}.json`);
  writeFileSync(path, bytes);
  return path;
}

async function split(path: string, options: SplitParallelOptions): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  try {
    for await (const chunk of flattenDocumentParallel(path, options)) parts.push(chunk);
    return { ok: true, text: decoder.decode(Buffer.concat(parts)) };
  } catch (error) {
    return { ok: false, error: errorFields(error) };
  }
}

/**
 * The ranges of a split run one after another in this thread, synchronously (for fast-check): what the pool's
 * tasks do, in order. A document without the array: INVALID_OPTION, unless the whole document is invalid.
 */
function splitNow(path: string, bytes: Uint8Array, names: string[], rangeBytes: number, readBytes: number, options: DocumentStreamOptions, windowBytes: number): Outcome {
  const { o, flags } = documentCallOptions(options);
  try {
    checkSplitOptions(o, names);
    using planner = new SplitPlanner(path, names, rangeBytes, windowBytes);
    const parts: Uint8Array[] = [];
    for (let range = planner.next(); range; range = planner.next()) parts.push(...flattenSplitRange(range, o, flags, readBytes, () => {}).chunks);
    if (!planner.found) {
      const w = whole(bytes, options);
      return w.ok ? { ok: false, error: { code: "INVALID_OPTION" } } : w;
    }
    return { ok: true, text: decoder.decode(Buffer.concat(parts)) };
  } catch (error) {
    return { ok: false, error: errorFields(error) };
  }
}

/** The value at member names `names` of `value`, if every step is an object. */
function at(value: unknown, names: readonly string[]): unknown {
  for (const name of names) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function expectSplitNow(text: string, names: string[], rangeBytes: number, readBytes: number, options: DocumentStreamOptions = {}, windowBytes = readBytes): void {
  const bytes = encoder.encode(text);
  const path = fileOf(bytes);
  const parsed = whole(bytes, options);
  const want: Outcome = parsed.ok && !Array.isArray(at(JSON.parse(text), names)) ? { ok: false, error: { code: "INVALID_OPTION" } } : parsed;
  const got = splitNow(path, bytes, names, rangeBytes, readBytes, options, windowBytes);
  rmSync(path);
  expect({ text, names, rangeBytes, readBytes, outcome: got }).toEqual({ text, names, rangeBytes, readBytes, outcome: want });
}

const OPTION_SETS: Omit<DocumentStreamOptions, "onProgress">[] = [
  {},
  { style: "pointer" },
  { style: "flat", delimiter: "::" },
  { format: "entries" },
  { maxDepth: 3 },
  { bigint: "string" },
  { replaceInvalidUtf8: true },
];

describe("split: corpus files", () => {
  const pool = new Pool({ size: 2 });
  afterAll(() => pool.close());
  const cases: [string, string][] = [
    ["twitter.json", "statuses"],
    ["canada.json", "features"],
    ["citm_catalog.json", "performances"],
  ];
  for (const [file, at] of cases) {
    test.skipIf(EMULATED)(`${file} --split ${at}: flattenBytes' bytes under every option set and range size`, async () => {
      const path = join(BENCH, file);
      const bytes = await Bun.file(path).bytes();
      for (const options of OPTION_SETS) {
        const want = whole(bytes, options);
        for (const rangeBytes of [1, 40_000, 1 << 30]) {
          const got = await split(path, { ...options, split: at, pool, rangeBytes, readBytes: 65536 });
          expect({ file, options, rangeBytes, same: got.ok && want.ok && got.text === want.text }).toEqual({ file, options, rangeBytes, same: true });
        }
      }
    });
  }
  test("a root array, and a path as a JSON Pointer or names", async () => {
    const text = '[{"a":1},[2,"]"],"x\\"]",{}, [],null ,3]';
    const want = whole(encoder.encode(text), {});
    expect(await split(fileOf(text), { split: "", pool, rangeBytes: 1 })).toEqual(want);
    const nested = '{"a/b":{"c":[1,{"d":[2]},3]},"c":4}';
    const wantNested = whole(encoder.encode(nested), { style: "pointer" });
    expect(await split(fileOf(nested), { split: "/a~1b/c", pool, rangeBytes: 1, style: "pointer" })).toEqual(wantNested);
    expect(await split(fileOf(nested), { split: ["a/b", "c"], pool, rangeBytes: 1, style: "pointer" })).toEqual(wantNested);
  });
});

describe("split: generated documents (properties)", () => {
  const tricky = fc.constantFrom("[", "]", "{", "}", '"', '\\"]', "\\", ",", "é[", "\u2028");
  const element = fc.oneof(fc.jsonValue({ maxDepth: 4 }), tricky, fc.array(tricky, { maxLength: 3 }));
  const doc = fc.record({
    elements: fc.array(element, { maxLength: 12 }),
    indent: fc.constantFrom(0, 1, 2),
    wrapped: fc.boolean(),
    before: fc.jsonValue({ maxDepth: 2 }),
    after: fc.jsonValue({ maxDepth: 2 }),
  });
  const render = (d: { elements: unknown[]; indent: number; wrapped: boolean; before: unknown; after: unknown }) =>
    d.wrapped
      ? { text: JSON.stringify({ before: d.before, "it\"ems": { list: d.elements }, after: d.after }, null, d.indent), names: ['it"ems', "list"] }
      : { text: JSON.stringify(d.elements, null, d.indent), names: [] };

  test("any range, read and scan window size 1..64 gives flattenBytes' bytes (0, 1 and many elements)", () => {
    const size = fc.integer({ min: 1, max: 64 });
    checkProperty(
      fc.property(doc, size, size, fc.constantFrom(...OPTION_SETS), size, (d, rangeBytes, readBytes, options, windowBytes) => {
        const { text, names } = render(d);
        expectSplitNow(text, names, rangeBytes, readBytes, options, windowBytes);
      }),
      {
        numRuns: 200,
        examples: [
          [{ elements: [], indent: 0, wrapped: false, before: null, after: null }, 1, 1, {}, 1],
          [{ elements: [1], indent: 2, wrapped: true, before: 0, after: [] }, 1, 1, {}, 3],
        ],
      },
    );
  });

  test("damaged documents give flattenBytes' error (or INVALID_OPTION when the array is gone from a valid one)", () => {
    checkProperty(
      fc.property(
        doc,
        fc.nat(),
        fc.constantFrom("", "x", ",", "]", "}", '"', ":", "\\", "\u0001", "[", "{"),
        fc.integer({ min: 1, max: 64 }),
        (d, at, insert, rangeBytes) => {
          const { text, names } = render(d);
          const cut = at % (text.length + 1);
          expectSplitNow(text.slice(0, cut) + insert + text.slice(cut + (insert ? 0 : 1)), names, rangeBytes, 7);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("split: errors", () => {
  const pool = new Pool({ size: 2 });
  afterAll(() => pool.close());

  test("a fault inside a later element: its true offset, line and column", async () => {
    const text = '{"items": [\n  {"a": 1},\n  {"a": 2},\n  {"a": tru},\n  {"a": 4}\n]}';
    const want = whole(encoder.encode(text), {});
    expect(want.ok).toBe(false);
    const got = await split(fileOf(text), { split: "items", pool, rangeBytes: 1 });
    expect(got).toEqual(want);
    expect(got).toMatchObject({ ok: false, error: { line: 4, column: 9 } });
  });

  test("a fault after the array, a trailing comma, a cut document", async () => {
    for (const text of ['{"items":[1,2,3],"after":}', "[1,2,3,]", '{"items":[1,2,[3', '[1,2,"a\u0001",4]', "[1,2] 3"]) {
      const names = text.startsWith("[") ? "" : "items";
      const want = whole(encoder.encode(text), {});
      expect(want.ok).toBe(false);
      expect({ text, got: await split(fileOf(text), { split: names, pool, rangeBytes: 1 }) }).toEqual({ text, got: want });
    }
  });

  test("after a byte order mark: the columns flattenBytes counts", async () => {
    for (const text of ["\ufeff[1,2,x]", "\ufeff[1,\n2,x]", '\ufeff{"a":[1,"é",x]}']) {
      const want = whole(encoder.encode(text), {});
      expect(want.ok).toBe(false);
      expect({ text, got: await split(fileOf(text), { split: text.includes("{") ? "a" : "", pool, rangeBytes: 1 }) }).toEqual({ text, got: want });
    }
  });

  test("a path that is not an array: INVALID_OPTION; an invalid document: its own error first", async () => {
    const notArray = await split(fileOf('{"items":{"a":[1]}}'), { split: "items", pool });
    expect(notArray).toMatchObject({ ok: false, error: { code: "INVALID_OPTION", message: expect.stringContaining("no array at /items") } });
    expect(await split(fileOf('{"other":[1]}'), { split: "items", pool })).toMatchObject({ ok: false, error: { code: "INVALID_OPTION" } });
    expect(await split(fileOf("[1]"), { split: "items", pool })).toMatchObject({ ok: false, error: { code: "INVALID_OPTION" } });
    const invalid = '{"other":[1,}';
    expect(await split(fileOf(invalid), { split: "items", pool })).toEqual(whole(encoder.encode(invalid), {}));
  });

  test("options under which elements are not leaves of their own, a compressed file, bad paths: INVALID_OPTION", async () => {
    const path = fileOf('{"items":[1,2]}');
    for (const options of [{ mode: "grouped" as const }, { mode: "schema" as const }, { arrays: "leaf" as const }, { maxDepth: 1 }]) {
      expect(await split(path, { ...options, split: "items", pool })).toMatchObject({ ok: false, error: { code: "INVALID_OPTION" } });
    }
    const gz = join(TMP, "doc.json.gz");
    writeFileSync(gz, gzipSync('{"items":[1,2]}'));
    expect(await split(gz, { split: "items", pool })).toMatchObject({ ok: false, error: { code: "INVALID_OPTION" } });
    expect(() => splitPath("a..b")).toThrow(JsonFlatError);
    expect(() => splitPath(Array.from({ length: 17 }, () => "a"))).toThrow(JsonFlatError);
    expect(await split(path, { split: "items", pool, rangeBytes: 0 })).toMatchObject({ ok: false, error: { code: "INVALID_OPTION" } });
    expect(() => checkSplitOptions(resolveOptions({ maxDepth: 2 }), ["items"])).not.toThrow(); // elements at depth 2 are leaves
  });
});

describe.skipIf(EMULATED)("split: CLI", () => {
  test("flatten --split statuses --workers 2 is the one-thread output, byte for byte", async () => {
    const file = join(BENCH, "twitter.json");
    const one = await runCli(["flatten", file]);
    const two = await runCli(["flatten", file, "--split", "statuses", "--workers", "2", "--range-bytes", "50000"]);
    expect(two.code).toBe(0);
    expect(Buffer.from(two.stdout).equals(Buffer.from(one.stdout))).toBe(true);
  });
  test("a fault inside an element: FILE:LINE:COLUMN and exit 1; a path that is not an array: exit 2", async () => {
    const path = fileOf('[1,\n2,\n{"a":x}]');
    const bad = await runCli(["flatten", path, "--split", "", "--workers", "2", "--range-bytes", "1"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${path}:3:6: INVALID_JSON`);
    const notArray = await runCli(["flatten", fileOf('{"a":{"b":[1]}}'), "--split", "a", "--workers", "2"]);
    expect(notArray.code).toBe(2);
    expect(notArray.stderr).toContain("split: no array at /a");
    const search = await runCli(["search", path, "--split", "", "--key", "a"]);
    expect(search.code).toBe(2);
  });
});
