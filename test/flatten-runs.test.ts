/**
 * @module flatten-runs.test — the native walk's fast runs (c/src/flatten.c: index_run, member_run, rows) against
 * the reference flattener, on the shapes they specialize: arrays of plain scalars, rows of them (coordinate pairs,
 * matrices), identifier-keyed members, and everything that makes a run stop and hand over to the general walk
 * (escaped strings, bracketed keys, nested containers, empty containers, depth and nesting limits).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { flattenBytes } from "../src/index";
import { referenceFlatten } from "../src/reference/index";
import { outcomeOf, type FlattenCallOptions } from "./cases";
import { checkProperty } from "./fixtures/property";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Native and reference outcomes for one document text and options. */
function both(doc: string, options: FlattenCallOptions = {}) {
  const input = encoder.encode(doc);
  return {
    native: outcomeOf(() => decoder.decode(flattenBytes(input, options))),
    reference: outcomeOf(() => referenceFlatten(input, options)),
  };
}

function expectSame(doc: string, options: FlattenCallOptions = {}) {
  const { native, reference } = both(doc, options);
  if (reference.ok) expect(native).toEqual(reference);
  else expect(native.ok ? "ok" : native.error.code).toBe(reference.error.code);
}

/** Scalars a run copies as they are, and ones that end a run (escapes, containers). */
const plain = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom("true", "false", "null", '"x"', '""', '"a b c d e f g h i j k l m n o p q r"', "-0.000123e+45"),
);
const stopper = fc.constantFrom('"tab\\there"', '"quote\\""', '"é\\u00e9"', "[]", "{}", '{"k":1}', "[[1]]");
const element = fc.oneof({ weight: 6, arbitrary: plain }, { weight: 1, arbitrary: stopper });

/** A row: a short array of mostly plain scalars. */
const row = fc.array(element, { minLength: 1, maxLength: 4 }).map((items) => `[${items.join(",")}]`);

/** Keys around the identifier rule, of every length up to 20 (the check reads eight bytes at a time). */
const key = fc.oneof(
  fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,19}$/),
  fc.constantFrom("", "0", "9a", "a-b", "a.b", "a b", "é", "abcdefgh@", "abcdefg[", "_`", "z{", "Z[", "$/", "a:", "A@"),
);

const member = fc.tuple(key, fc.oneof({ weight: 5, arbitrary: element }, { weight: 2, arbitrary: row }));
const object = fc
  .uniqueArray(member, { maxLength: 6, selector: ([k]) => k })
  .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`);

/** Arrays long enough to carry the decimal index over 9 and 99. */
const longArray = (item: fc.Arbitrary<string>) =>
  fc.array(item, { minLength: 0, maxLength: 120 }).map((items) => `[${items.join(",")}]`);

const document = fc.oneof(
  longArray(element),
  longArray(row),
  longArray(object),
  object.map((o) => `{"features":[{"geometry":{"coordinates":[${o}]}}]}`),
  longArray(row).map((rows) => `{"type":"Polygon","coordinates":[${rows},${rows}]}`),
);

const options: fc.Arbitrary<FlattenCallOptions> = fc.record(
  {
    format: fc.constantFrom("object", "entries"),
    maxDepth: fc.integer({ min: 1, max: 4 }),
    maxNesting: fc.integer({ min: 1, max: 5 }),
    arrays: fc.constantFrom("index", "leaf"),
  },
  { requiredKeys: [] },
);

describe("flatten runs: native agrees with the reference", () => {
  test("property: rows, long arrays and identifier keys, with every option that changes what a run may write", () => {
    checkProperty(
      fc.property(document, options, (doc, o) => expectSame(doc, o)),
      { numRuns: 600 },
    );
  });

  test("a row that stops half way hands over to the general walk at the right element", () => {
    const doc = '[[1,2],[3,"a\\tb",4],[5,[6,7],8],[],[9,{}],[10,11]]';
    expectSame(doc);
    expect(both(doc).native).toEqual({
      ok: true,
      text:
        '{"[0][0]":1,"[0][1]":2,"[1][0]":3,"[1][1]":"a\\tb","[1][2]":4,"[2][0]":5,"[2][1][0]":6,"[2][1][1]":7,' +
        '"[2][2]":8,"[3]":[],"[4][0]":9,"[4][1]":{},"[5][0]":10,"[5][1]":11}',
    });
  });

  test("a record that turns out not to be one is taken back and written by the general walk", () => {
    const doc = '{"prices":[{"amount":1,"seat":"a"},{"amount":2,"bad key":3},{"amount":4,"nested":{"x":5}},{"z":"\\n"},{}]}';
    expectSame(doc);
    expect(both(doc).native).toEqual({
      ok: true,
      text:
        '{"prices[0].amount":1,"prices[0].seat":"a","prices[1].amount":2,"prices[1][\\"bad key\\"]":3,' +
        '"prices[2].amount":4,"prices[2].nested.x":5,"prices[3].z":"\\n","prices[4]":{}}',
    });
    expectSame(doc, { maxNesting: 2 });
    expectSame(doc, { maxDepth: 2, format: "entries" });
  });

  test("indexes carry from 9 to 10 and from 99 to 100 inside runs and rows", () => {
    const numbers = Array.from({ length: 101 }, (_, i) => i);
    const doc = JSON.stringify({ a: numbers, m: [numbers.slice(0, 11), numbers.slice(0, 101)] });
    const flat = JSON.parse((both(doc).native as { text: string }).text);
    expect(flat["a[100]"]).toBe(100);
    expect(flat["m[1][99]"]).toBe(99);
    expect(flat["m[1][100]"]).toBe(100);
    expect(flat["m[0][10]"]).toBe(10);
    expectSame(doc, { format: "entries" });
  });

  test("rows at the depth limit and at the nesting limit", () => {
    const doc = '{"c":[[1,2],[3,4]]}';
    expectSame(doc, { maxDepth: 2 });
    expectSame(doc, { maxNesting: 2 });
    expect(both(doc, { maxNesting: 2 }).native.ok).toBe(false);
    expect(both(doc, { maxDepth: 2 }).native).toEqual({ ok: true, text: '{"c[0]":[1,2],"c[1]":[3,4]}' });
  });
});
