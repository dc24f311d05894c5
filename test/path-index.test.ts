/**
 * @module path-index.test — the native path index against the reference index (src/reference/lookup.ts) on
 * examples, random documents in every path style, the JSONTestSuite corpus and twitter.json; plus big
 * integers, quoting, duplicates, errors and native memory.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pathIndex, JsonFlatError, search, type IndexOptions } from "../src/index";
import { native } from "../src/native";
import { referenceIndex } from "../src/reference/lookup";
import { checkProperty } from "./fixtures/property";

const encoder = new TextEncoder();
const DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));

describe("examples", () => {
  const doc = '{"a":{"id":1,"b c":[1,2,{"id":"1"}]},"c":1.0,"e":{},"z":[],"a":{"id":7},"n":null}';
  test("get: leaves, containers, the root; the last duplicate wins", () => {
    using idx = pathIndex(doc);
    expect(idx.get("a")).toEqual({ id: 7 });
    expect(idx.get("a.id")).toBe(7);
    expect(idx.get('a["b c"][2]')).toEqual({ id: "1" });
    expect(idx.get('a["b c"][2].id')).toBe("1");
    expect(idx.get("c")).toBe(1);
    expect(idx.get("e")).toEqual({});
    expect(idx.get("n")).toBeNull();
    expect(idx.has("n")).toBe(true);
    expect(idx.get("nope")).toBeUndefined();
    expect(idx.has("a.b c")).toBe(false);
    expect(idx.get("")).toEqual(JSON.parse(doc));
    expect(idx.size).toBe(9); // both duplicates' leaves count, as in flattenEntries
  });
  test("byKey and byValue equal search's answers", () => {
    using idx = pathIndex(doc);
    expect(idx.byKey("id")).toEqual([["a.id", 1], ['a["b c"][2].id', "1"], ["a.id", 7]]);
    expect(idx.byKey("id")).toEqual(search(doc, { key: "id" }).hits);
    expect(idx.byValue(1)).toEqual([["a.id", 1], ['a["b c"][0]', 1], ["c", 1]]);
    expect(idx.byValue("1")).toEqual([['a["b c"][2].id', "1"]]);
    expect(idx.byValue({})).toEqual([["e", {}]]);
    expect(idx.byValue([])).toEqual([["z", []]]);
    expect(idx.byValue(null)).toEqual([["n", null]]);
    expect(idx.byValue({ a: 1 })).toEqual([]);
    expect(idx.byKey("id", { limit: 2 })).toHaveLength(2);
    expect(idx.byKey("missing")).toEqual([]);
  });
  test("every path style, quoting and escapes", () => {
    const odd = '{"a/b":{"~":1},"x.y":[true],"":{"\\"q\\n":2},"é":3}';
    using js = pathIndex(odd);
    expect(js.get('["a/b"]["~"]')).toBe(1);
    expect(js.get('[""]["\\"q\\n"]')).toBe(2);
    expect(js.get("é")).toBeUndefined(); // flatten spells non-ASCII names quoted
    expect(js.get('["é"]')).toBe(3);
    using pointer = pathIndex(odd, { style: "pointer" });
    expect(pointer.get("/a~1b/~0")).toBe(1);
    expect(pointer.get('//"q\n')).toBe(2);
    expect(pointer.byKey("~")).toEqual([["/a~1b/~0", 1]]);
    using flat = pathIndex(odd, { style: "flat", delimiter: "::" });
    expect(flat.get("x.y::0")).toBe(true);
    expect(flat.get("a/b::~")).toBe(1);
  });
  test("big integers: exact as bigint or string, rounded by default", () => {
    const big = '{"id":12345678901234567890,"ids":[12345678901234567891],"small":5}';
    using exact = pathIndex(big, { bigint: "bigint" });
    expect(exact.get("id")).toBe(12345678901234567890n);
    expect(exact.get("small")).toBe(5);
    expect(exact.byValue(12345678901234567891n)).toEqual([["ids[0]", 12345678901234567891n]]);
    expect(exact.byValue(12345678901234567890n)).toEqual([["id", 12345678901234567890n]]);
    expect(exact.get("ids")).toEqual(["12345678901234567891"]); // inside a subtree: a string, as flatten does
    using asString = pathIndex(big, { bigint: "string" });
    expect(asString.get("id")).toBe("12345678901234567890");
    using rounded = pathIndex(big);
    expect(rounded.get("id")).toBe(12345678901234567890);
  });
  test("numbers compare by exact value at any length", () => {
    using idx = pathIndex('{"a":1.50,"b":15e-1,"c":1.5000000000000000001,"d":-0,"e":0}');
    expect(idx.byValue(1.5).map(([p]) => p)).toEqual(["a", "b"]);
    expect(idx.byValue(0).map(([p]) => p)).toEqual(["d", "e"]);
  });
  test("bad input and bad options are JsonFlatErrors", () => {
    expect(() => pathIndex('{"a":[1,}')).toThrow(JsonFlatError);
    try {
      pathIndex('{"a":\n [1,}');
    } catch (error) {
      expect((error as JsonFlatError).toJSON()).toMatchObject({ code: "INVALID_JSON", offset: 10, line: 2, column: 5 });
    }
    expect(() => pathIndex("[[[1]]]", { maxNesting: 2 })).toThrow(expect.objectContaining({ code: "NESTING_TOO_DEEP" }));
    expect(pathIndex("[[[1]]]", { maxNesting: 3 }).get("[0][0][0]")).toBe(1);
    expect(() => pathIndex("{}", { style: "nope" as never })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    using idx = pathIndex("{}");
    expect(() => idx.byKey("a", { limit: 0 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => idx.byValue(undefined)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
  test("native memory is freed by dispose (idempotent) and lookups after it throw", () => {
    Bun.gc(true);
    const before = native().allocStats().liveBlocks;
    const idx = pathIndex(readFileSync(join(DATA, "bench/twitter.json")));
    expect(native().allocStats().liveBlocks).toBeGreaterThan(before);
    idx.dispose();
    idx.dispose();
    expect(native().allocStats().liveBlocks).toBe(before);
    expect(() => idx.get("a")).toThrow("disposed");
  });
  test("native memory is freed when the index is collected", async () => {
    Bun.gc(true);
    const before = native().allocStats().liveBlocks;
    (() => {
      for (let i = 0; i < 20; i++) pathIndex('{"a":[1,2,3],"b":{"c":"d"}}').get("a");
    })();
    for (let i = 0; i < 20 && native().allocStats().liveBlocks > before; i++) {
      Bun.gc(true);
      await Bun.sleep(5);
    }
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(before);
  });
});

describe("twitter.json", () => {
  const bytes = readFileSync(join(DATA, "bench/twitter.json"));
  const parsed = JSON.parse(bytes.toString());
  const idx = pathIndex(bytes);
  test("get agrees with JSON.parse navigation", () => {
    expect(idx.get("statuses[0].user.screen_name")).toBe(parsed.statuses[0].user.screen_name);
    expect(idx.get("statuses[99].entities")).toEqual(parsed.statuses[99].entities);
    expect(idx.get("search_metadata")).toEqual(parsed.search_metadata);
  });
  test("byKey and byValue agree with search", () => {
    for (const key of ["screen_name", "id_str", "url", "nope"]) expect(idx.byKey(key)).toEqual(search(bytes, { key }).hits);
    for (const value of [false, null, "ja", 0]) expect(idx.byValue(value)).toEqual(search(bytes, { value }).hits);
  });
});

/*------------------------------------------------------------------------------
 * Conformance with the reference index
 *----------------------------------------------------------------------------*/

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const keyArb = fc.oneof(
  fc.constantFrom("a", "b", "id", "", "x y", "*", "0", '"', "é", "a.b", "~1", "/", "\u0000", "__proto__"),
  fc.string({ maxLength: 3 }),
);
const scalarArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, 1.5, -2, "1", "a", "", 1e300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 4 }),
);
const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    scalarArb,
    fc.array(tie("json"), { maxLength: 4 }),
    fc.array(fc.tuple(keyArb, tie("json")), { maxLength: 4 }).map((members) => Object.fromEntries(members)),
  ),
}));
const styleArb = fc.constantFrom<IndexOptions>({}, { style: "pointer" }, { style: "flat" }, { style: "flat", delimiter: "/" });

/** A JSON text with numbers spelled in several ways (1.0, 1e0) and sometimes a duplicate member. */
function spelled(value: Json, variant: number): string {
  let text = JSON.stringify(value);
  if (variant === 1) text = text.replace(/:(\d+)([,}])/g, ":$1.0$2");
  if (variant === 2) text = text.replace(/\[(\d+)([,\]])/g, "[$1e0$2");
  if (variant === 3 && text.startsWith("{") && text.length > 2) text = `{"a":"dup",${text.slice(1)}`;
  return text;
}

/** Counterexamples found so far (never remove one): [document, options, number spelling, key, wanted value]. */
const indexCounterexamples: [Json, IndexOptions, number, string, Json][] = [
  // Issue 15: in flat style `{"":{"0":null}}` and index 0 of `{"":[[]]}` are both spelled `0`; get("0") is the
  // later value ([]), not the null that byValue(null) lists at `0` (docs/decisions.md, "Ambiguous paths").
  [{ "": { "0": null, "": [[]] } }, { style: "flat" }, 0, "a", 0],
];

test("property: the native index answers as the reference index", () => {
  checkProperty(
    fc.property(json, styleArb, fc.integer({ min: 0, max: 3 }), keyArb, scalarArb, (value, options, variant, key, wanted) => {
      const bytes = encoder.encode(spelled(value, variant));
      const reference = referenceIndex(bytes, options);
      using idx = pathIndex(bytes, options);
      expect(idx.size).toBe(reference.leaves);
      const nullPaths = (JSON.parse(reference.byValue(encoder.encode("null"))) as [string][]).map(([p]) => p);
      // js and pointer paths are unambiguous and the only duplicate member ("a":"dup") comes first, so a null
      // leaf's path answers null; in flat style a later value may share that path and answer instead.
      if (options.style !== "flat") for (const path of nullPaths) expect(idx.get(path)).toBeNull();
      const keyPaths = (JSON.parse(reference.byKey(key)) as [string][]).map(([p]) => p);
      for (const candidate of [...nullPaths, ...keyPaths, "", "a", "/a", "a[0]", "0"]) {
        const expected = reference.get(candidate);
        expect([candidate, idx.get(candidate)]).toEqual([candidate, expected === undefined ? undefined : JSON.parse(expected)]);
        expect([candidate, idx.has(candidate)]).toEqual([candidate, expected !== undefined]);
      }
      expect(idx.byKey(key)).toEqual(JSON.parse(reference.byKey(key)));
      const wantedText = JSON.stringify(wanted);
      expect(idx.byValue(wanted)).toEqual(JSON.parse(reference.byValue(encoder.encode(wantedText))));
    }),
    { numRuns: 1500, examples: indexCounterexamples },
  );
});

test("property: every leaf path of a random document gets its value back", () => {
  checkProperty(
    fc.property(json, styleArb, (value, options) => {
      const bytes = encoder.encode(JSON.stringify(value));
      using idx = pathIndex(bytes, options);
      const reference = referenceIndex(bytes, options);
      for (const [path, leaf] of search(bytes, { path: "**" }, options).hits) {
        expect(idx.get(path)).toEqual(JSON.parse(reference.get(path)!));
        if (options.style === undefined) expect(idx.get(path)).toEqual(leaf);
      }
    }),
    { numRuns: 500 },
  );
});

/*------------------------------------------------------------------------------
 * JSONTestSuite: never a crash; refusals positioned; acceptances agree with the reference
 *----------------------------------------------------------------------------*/

describe("JSONTestSuite", () => {
  const dir = join(DATA, "JSONTestSuite/test_parsing");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  test(`${files.length} files: y_ indexed like the reference, n_ refused with a position`, () => {
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      let built: ReturnType<typeof pathIndex> | undefined;
      let failure: JsonFlatError | undefined;
      try {
        built = pathIndex(bytes);
      } catch (error) {
        if (!(error instanceof JsonFlatError)) throw error;
        failure = error;
      }
      if (file.startsWith("y_")) expect({ file, built: !!built }).toEqual({ file, built: true });
      if (file.startsWith("n_")) expect({ file, built: !!built }).toEqual({ file, built: false });
      if (failure) {
        expect(["INVALID_JSON", "NESTING_TOO_DEEP"]).toContain(failure.code);
        expect(failure.offset!).toBeLessThanOrEqual(bytes.length);
      }
      if (built) {
        let reference: ReturnType<typeof referenceIndex> | undefined;
        try {
          reference = referenceIndex(bytes);
        } catch {
          // an i_ file the reference refuses and yyjson accepts: only "no crash" is required
        }
        if (reference) {
          expect(built.size).toBe(reference.leaves);
          expect(built.get("")).toEqual(JSON.parse(reference.get("")!));
        }
        built.dispose();
      }
    }
  });
});
