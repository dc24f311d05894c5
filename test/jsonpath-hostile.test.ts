/**
 * @module jsonpath-hostile.test — JSONPath queries built to cost time or memory (deep nesting, huge and
 * pathological regular expressions, `$..*..*..*` on a deep document) finish at once and either work or fail
 * with INVALID_OPTION; the limits hold exactly at JSONPATH_LIMITS; numbers compare exactly; and a property:
 * `$..*` selects every value of any document but the root.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { compileQuery, flattenEntries, JSONPATH_LIMITS, JsonFlatError, search } from "../src/index";
import { checkProperty } from "./fixtures/property";

function invalidOption(run: () => unknown): JsonFlatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonFlatError);
    expect((error as JsonFlatError).code).toBe("INVALID_OPTION");
    return error as JsonFlatError;
  }
  throw new Error("expected INVALID_OPTION");
}

const values = (doc: unknown, jsonpath: string) => search(JSON.stringify(doc), { jsonpath }).hits.map(([, v]) => v);

describe("limits of the query text", () => {
  test("filter nesting: accepted at JSONPATH_LIMITS.nesting, refused one deeper", () => {
    // A filter is one level and so is a parenthesis (or `!`, or a function call) inside it.
    // $[?(@[?(@ ... [?(@)] ... )])]: `levels` filters, each with a parenthesis; `inner` in the innermost one.
    const nested = (levels: number, inner: string) => "$" + "[?(@".repeat(levels - 1) + "[?(" + inner + ")]".repeat(levels);
    const half = JSONPATH_LIMITS.nesting / 2;
    compileQuery({ jsonpath: nested(half, "@") }).dispose();
    const e = invalidOption(() => compileQuery({ jsonpath: nested(half, "!@") }));
    expect(e.message).toContain("JF_JSONPATH_MAX_NESTING");
    expect(e.offset).toBe(1 + 4 * (half - 1) + 3); // at the `!`
    invalidOption(() => compileQuery({ jsonpath: "$[?" + "!(".repeat(10_000) + "@" + ")".repeat(10_000) + "]" }));
    invalidOption(() => compileQuery({ jsonpath: "$[?" + "(".repeat(30_000) + "@" + ")".repeat(30_000) + "]" }));
    invalidOption(() => compileQuery({ jsonpath: "$[?" + "length(".repeat(10_000) + "@" + ")".repeat(10_000) + " > 0]" }));
  });

  test("query bytes: over JSONPATH_LIMITS.bytes is refused before compiling", () => {
    const long = "$" + ".a".repeat(JSONPATH_LIMITS.bytes / 2);
    expect(invalidOption(() => compileQuery({ jsonpath: long })).message).toContain("JF_JSONPATH_MAX_BYTES");
    const atLimit = "$['" + "a".repeat(JSONPATH_LIMITS.bytes - 5) + "']";
    expect(atLimit.length).toBe(JSONPATH_LIMITS.bytes);
    compileQuery({ jsonpath: atLimit }).dispose();
  });

  test("a regular expression over its byte or state cap is refused; one at the cap compiles", () => {
    const big = "a".repeat(JSONPATH_LIMITS.regexBytes + 1);
    expect(invalidOption(() => compileQuery({ jsonpath: `$[?match(@, '${big}')]` })).message).toContain("JF_JSONPATH_MAX_REGEX_BYTES");
    compileQuery({ jsonpath: `$[?match(@, '${"a".repeat(JSONPATH_LIMITS.regexBytes)}')]` }).dispose();
    // Copies of copies: ((a{100}){100}){100} would be a million states.
    expect(invalidOption(() => compileQuery({ jsonpath: "$[?search(@, '((a{100}){100}){100}')]" })).message).toContain("JF_JSONPATH_MAX_REGEX_STATES");
    invalidOption(() => compileQuery({ jsonpath: "$[?search(@, 'a{99999999999}')]" }));
  });

  test("no code runs from a query: script-like text is a syntax error, member names are only names", () => {
    for (const q of ["$[?(@.constructor.constructor('return process')())]", "$[(@.length-1)]", "$[?@.a = 1]", "$[?@.a; 1]", "$[?eval('1')]"]) {
      invalidOption(() => compileQuery({ jsonpath: q }));
    }
    const doc = '{"x":{"__proto__":1,"constructor":2},"y":{}}';
    expect(search(doc, { jsonpath: "$..[?@.__proto__]" }).hits).toEqual([["$['x']", { ["__proto__"]: 1, constructor: 2 }]]);
    expect(search(doc, { jsonpath: "$.y.constructor" }).count).toBe(0);
  });
});

describe("hostile evaluation stays bounded", () => {
  /** [[[...[1]...]]]: `depth` arrays nested. */
  const deep = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);

  test("$..*..*..* on a document 3,000 deep stops at the step budget with INVALID_OPTION", () => {
    const e = invalidOption(() => search(deep(3000), { jsonpath: "$..*..*..*" }));
    expect(e.message).toContain("steps");
  });

  test("$..*..* works on a document 100 deep and stops on one 1,000 deep (its output would be about 1 GB)", () => {
    // The node at depth e (1..n) is found once from each ancestor at depths 1..e-1: n(n-1)/2 hits in all.
    expect(search(deep(100), { jsonpath: "$..*..*" }).count).toBe((100 * 99) / 2);
    expect(invalidOption(() => search(deep(1000), { jsonpath: "$..*..*" })).message).toContain("steps");
  });

  test("nested descendant filters on a deep document stop at the budget instead of running for hours", () => {
    const chain = '{"a":'.repeat(2000) + '{"b":1}' + "}".repeat(2000);
    // Each filter walks the subtree of each node it tests: n^4 steps for n = 2,000 without the budget.
    const e = invalidOption(() => search(chain, { jsonpath: "$..[?@..[?@..[?@..b]]]" }));
    expect(e.message).toContain("steps");
  });

  test("pathological regular expressions run in linear time: no backtracking", () => {
    const as = "a".repeat(100_000);
    const doc = JSON.stringify([as, as + "b"]);
    expect(search(doc, { jsonpath: "$[?match(@, '(a*)*b')]" }).count).toBe(1);
    expect(search(doc, { jsonpath: "$[?match(@, '(a|a)*c')]" }).count).toBe(0);
    expect(search(doc, { jsonpath: "$[?search(@, '(a|aa)+b')]" }).count).toBe(1);
    expect(search(doc, { jsonpath: "$[?match(@, '(a?){30}a{30}')]" }).count).toBe(0);
  });

  test("a pattern taken from the document is compiled per test, with the same caps", () => {
    const doc = JSON.stringify({ p: "(x+)+y", big: "b".repeat(5000), list: ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"] });
    expect(values(JSON.parse(doc), "$.list[?match(@, $.p)]")).toEqual(["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy"]);
    // Over the byte cap: no match rather than an error (the RFC's invalid regex).
    expect(values(JSON.parse(doc), "$.list[?match(@, $.big)]")).toEqual([]);
  });
});

describe("semantics beyond the suite", () => {
  test("numbers compare exactly, beyond a double's precision", () => {
    const doc = '[9007199254740993, 9007199254740992, 1e400, 0.1, 1E2, -0]';
    const hits = (q: string) => search(doc, { jsonpath: q }).hits.map(([p]) => p);
    expect(hits("$[?@ == 9007199254740993]")).toEqual(["$[0]"]);
    expect(hits("$[?@ > 9007199254740992]")).toEqual(["$[0]", "$[2]"]);
    expect(hits("$[?@ == 1e400]")).toEqual(["$[2]"]);
    expect(hits("$[?@ == 100]")).toEqual(["$[4]"]);
    expect(hits("$[?@ == 0]")).toEqual(["$[5]"]);
    expect(hits("$[?@ < 0.10000000000000000001 && @ > 0.09999999999999999999]")).toEqual(["$[3]"]);
  });

  test("normalized paths escape as RFC 9535 section 2.7 says", () => {
    const doc = { "it's": 1, "back\\slash": 2, "tab\t": 3, "\u0001": 4, "\u001f": 5, "é☺": 6 };
    expect(search(JSON.stringify(doc), { jsonpath: "$.*" }).hits.map(([p]) => p)).toEqual([
      "$['it\\'s']",
      "$['back\\\\slash']",
      "$['tab\\t']",
      "$['\\u0001']",
      "$['\\u001f']",
      "$['é☺']",
    ]);
  });

  test("containers are hits too, written whole", () => {
    expect(search('{"a":{"b":[1,{"c":null}]}}', { jsonpath: "$.a.b" }).hits).toEqual([["$['a']['b']", [1, { c: null }]]]);
  });

  test("jsonpath is a query of its own", () => {
    invalidOption(() => compileQuery({ jsonpath: "$.a", key: "a" }));
    invalidOption(() => compileQuery({ jsonpath: "$.a", path: "a" }));
  });
});

describe("property: $..* is every value but the root", () => {
  test("its scalar and empty-container hits are the leaves flattenEntries gives, as a multiset", () => {
    checkProperty(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
        const text = JSON.stringify(doc);
        const hits = search(text, { jsonpath: "$..*" }).hits.map(([, v]) => v);
        const isLeaf = (v: unknown) => typeof v !== "object" || v === null || Object.keys(v).length === 0;
        const rootIsLeaf = isLeaf(doc);
        const leaves = rootIsLeaf ? [] : flattenEntries(text).map(([, v]) => v);
        const key = (v: unknown) => JSON.stringify(v);
        expect(hits.filter(isLeaf).map(key).sort()).toEqual(leaves.map(key).sort());
      }),
      { numRuns: 200 },
    );
  });
});
