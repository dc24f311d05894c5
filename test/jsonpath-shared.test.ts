/**
 * @module jsonpath-shared.test — JSONPath hits of one document as one array sharing containers
 * (JF_FLAG_SHARED_HITS, src/query/shared-hits.ts): `search()` gives the values the line output
 * (`searchBytes`) gives, duplicate member names, `__proto__`, wide objects and limits included, and a
 * selected container inside another selected one is the same object.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { search, searchBytes } from "../src/index";
import { checkProperty } from "./fixtures/property";

const decoder = new TextDecoder();

/** The hits as the line output writes them: every container whole, parsed on its own. */
function lineHits(doc: string, jsonpath: string, limit?: number): [string, unknown][] {
  const text = decoder.decode(searchBytes(doc, { jsonpath, limit }));
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as [string, unknown]);
}

function expectSameHits(doc: string, jsonpath: string, limit?: number) {
  const shared = search(doc, { jsonpath, limit });
  const lines = lineHits(doc, jsonpath, limit);
  expect(shared.count).toBe(lines.length);
  // Own property names in order, so a `__proto__` member and key order count too.
  const shape = (v: unknown): unknown =>
    v !== null && typeof v === "object"
      ? [Array.isArray(v), Object.getPrototypeOf(v) === (Array.isArray(v) ? Array.prototype : Object.prototype),
         Object.getOwnPropertyNames(v).filter((k) => !(Array.isArray(v) && k === "length")).map((k) => [k, shape((v as Record<string, unknown>)[k])])]
      : v;
  expect(shared.hits.map(([p, v]) => [p, shape(v)])).toEqual(lines.map(([p, v]) => [p, shape(v)]));
}

const key = fc.constantFrom("a", "b", "a", "__proto__", "", "x y", "0", "é", "k\"");
const scalar = fc.constantFrom("1", "-0", "1e400", "12345678901234567890", '"s"', "true", "null", "{}", "[]", '"\\u00e9"');
const value = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
  object: fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((m) => `{${m.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
})).value;
const query = fc.constantFrom("$..*", "$.*", "$..a", "$..[0]", "$..*[*]", "$[*]..*", "$..['a','a']", "$[0,0]", "$..[?@.a]", "$");

describe("JSONPath hits sharing containers", () => {
  test("property: search() gives the line output's hits, whatever the document and query", () => {
    checkProperty(
      fc.property(value, query, fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (doc, q, limit) =>
        expectSameHits(doc, q, limit)),
      { numRuns: 800 },
    );
  });

  test("a selected container inside another selected one is the same object", () => {
    const { hits } = search('{"a":{"b":[1,{"c":2}]}}', { jsonpath: "$..*" });
    const at = (path: string) => hits.find(([p]) => p === path)![1];
    expect(hits.map(([p]) => p)).toEqual(["$['a']", "$['a']['b']", "$['a']['b'][0]", "$['a']['b'][1]", "$['a']['b'][1]['c']"]);
    expect((at("$['a']") as { b: unknown }).b).toBe(at("$['a']['b']"));
    expect((at("$['a']['b']") as unknown[])[1]).toBe(at("$['a']['b'][1]"));
    expect(at("$['a']")).toEqual({ b: [1, { c: 2 }] });
  });

  test("duplicate names, __proto__, wide objects, limits and no hits", () => {
    expectSameHits('{"a":{"x":1},"a":{"y":[2]}}', "$..*");
    expectSameHits('[{"a":{"x":1},"b":2,"a":{"y":[2]}}]', "$..*");
    expectSameHits('{"__proto__":{"polluted":[1]}}', "$..*");
    const out = search('[{"__proto__":{"p":[1]}}]', { jsonpath: "$..*" }).hits[0]![1] as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    const wide = JSON.stringify({ w: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, { v: [i] }])) });
    expectSameHits(wide, "$..*");
    expectSameHits('{"a":[[1],[2],[3]]}', "$..*", 2);
    expect(search('{"a":1}', { jsonpath: "$.b" })).toEqual({ hits: [], count: 0 });
  });
});
