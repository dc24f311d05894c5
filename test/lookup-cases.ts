/**
 * @module lookup-cases — the conformance suite of the path index and the typed binding: explicit cases with
 * exact expected answers, run against every implementation (the pure-TS reference and the native core).
 */
import { describe, expect, test } from "bun:test";
import type { IndexOptions } from "../src/query/path-index";
import { compileFields, type CompiledField, type Shape } from "../src/bind/shape";

/**
 * An implementation under test: answers as JSON text (`get` undefined when the path is absent), decode as
 * the value's text or the problems' text.
 *
 * @example
 * const impl: LookupImpl = { name: "reference", index: (bytes, o) => referenceIndex(bytes, o), decode: referenceDecode };
 */
export interface LookupImpl {
  name: string;
  index(input: Uint8Array, options: IndexOptions): {
    get(path: string): string | undefined;
    byKey(key: string): string;
    byValue(value: Uint8Array): string;
    leaves: number;
  };
  decode(fields: CompiledField[], input: Uint8Array): { ok: true; text: string } | { ok: false; problems: string };
}

interface IndexCase {
  name: string;
  document: string;
  options?: IndexOptions;
  get?: Record<string, string | undefined>;
  byKey?: Record<string, string>;
  byValue?: Record<string, string>;
  leaves?: number;
}

const indexCases: IndexCase[] = [
  {
    name: "containers, leaves and the root",
    document: '{"a":{"b":[1,{"c":null}]},"e":{}}',
    get: { "": '{"a":{"b":[1,{"c":null}]},"e":{}}', a: '{"b":[1,{"c":null}]}', "a.b[1].c": "null", e: "{}", "a.b[2]": undefined, x: undefined },
    leaves: 3,
  },
  { name: "scalar root", document: " 5 ", get: { "": "5" }, byValue: { "5.0": '[["",5]]' }, leaves: 1 },
  {
    name: "duplicates: get answers the last, lists keep all",
    document: '{"a":1,"a":{"id":2},"id":3}',
    get: { a: '{"id":2}' },
    byKey: { id: '[["a.id",2],["id",3]]', a: '[["a",1]]' },
  },
  {
    name: "keys that need quoting (js)",
    document: '{"a b":{"*":1,"\\"":2,"":3,"0":4,"é":5}}',
    get: { '["a b"]["*"]': "1", '["a b"]["\\""]': "2", '["a b"][""]': "3", '["a b"]["0"]': "4", '["a b"]["é"]': "5", '["a b"].é': undefined },
    byKey: { "": '[["[\\"a b\\"][\\"\\"]",3]]' },
  },
  {
    name: "pointer style escapes",
    document: '{"a/b":{"~":[true]}}',
    options: { style: "pointer" },
    get: { "/a~1b/~0/0": "true", "/a~1b/~0": "[true]", "/a/b": undefined },
    byKey: { "~": "[]", "a/b": "[]" },
  },
  {
    name: "flat style: ambiguous paths, the later one wins",
    document: '{"a.b":1,"a":{"b":2}}',
    options: { style: "flat" },
    get: { "a.b": "2" },
    byValue: { "1": '[["a.b",1]]', "2": '[["a.b",2]]' },
  },
  {
    // Issue 15's counterexample: `""` then `"0"` and `""` then `""` then index 0 are both spelled `0`.
    name: "flat style: a member chain and an index spelled alike: get answers the later, lists keep both",
    document: '{"":{"0":null,"":[[]]}}',
    options: { style: "flat" },
    get: { "0": "[]", "": "[[]]", "0.0": undefined },
    byKey: { "0": '[["0",null]]', "": "[]" },
    byValue: { null: '[["0",null]]', "[]": '[["0",[]]]', "0": "[]" },
    leaves: 2,
  },
  {
    name: "flat style: a leaf, then a container spelled alike: get answers the container",
    document: '{"a.b":1,"a":{"b":{"c":2}}}',
    options: { style: "flat" },
    get: { "a.b": '{"c":2}', "a.b.c": "2" },
    byKey: { "a.b": '[["a.b",1]]', b: "[]", c: '[["a.b.c",2]]' },
    byValue: { "1": '[["a.b",1]]' },
  },
  {
    name: "flat style: a container, then a leaf spelled alike: get answers the leaf",
    document: '{"a":{"b":{"c":2}},"a.b":1}',
    options: { style: "flat" },
    get: { "a.b": "1", "a.b.c": "2" },
  },
  {
    name: "flat style: a top-level member \"\" is spelled like the root and answers get(\"\")",
    document: '{"":1}',
    options: { style: "flat" },
    get: { "": "1" },
    byKey: { "": '[["",1]]' },
    leaves: 1,
  },
  {
    name: "js style: the same document is unambiguous",
    document: '{"":{"0":null,"":[[]]}}',
    get: { "": '{"":{"0":null,"":[[]]}}', '[""]["0"]': "null", '[""][""][0]': "[]", "0": undefined },
    byValue: { null: '[["[\\"\\"][\\"0\\"]",null]]' },
  },
  {
    name: "values: type-aware, numbers by exact value",
    document: '{"n":[1,1.0,10e-1,"1",true,12345678901234567890,-0,0,[],{}]}',
    byValue: {
      "1": '[["n[0]",1],["n[1]",1.0],["n[2]",10e-1]]',
      '"1"': '[["n[3]","1"]]',
      "12345678901234567890": '[["n[5]",12345678901234567890]]',
      "12345678901234567891": "[]",
      "0": '[["n[6]",-0],["n[7]",0]]',
      "[]": '[["n[8]",[]]]',
      "{}": '[["n[9]",{}]]',
      "[1]": "[]",
    },
  },
  { name: "a short key under an index is none", document: '{"k":[1,{"k":2}]}', byKey: { k: '[["k[1].k",2]]' } },
];

interface DecodeCase {
  name: string;
  shape: Shape;
  document: string;
  expect?: string;
  problems?: string;
}

const decodeCases: DecodeCase[] = [
  {
    name: "scalars, nested paths, defaults, optional",
    shape: { s: "string", n: { path: "a.n", type: "number" }, i: { type: "integer", default: 7 }, o: { type: "boolean", optional: true } },
    document: '{"s":"x","a":{"n":1.50},"o":null,"z":[1]}',
    expect: '{"s":"x","n":1.50,"i":7}',
  },
  {
    name: "arrays over grouped paths skip elements without the rest",
    shape: { ids: { path: "items[].id", type: "integer", array: true }, names: { path: "tags", type: "string", array: true } },
    document: '{"items":[{"id":1},{"x":0},{"id":3}],"tags":[]}',
    expect: '{"ids":[1,3],"names":[]}',
  },
  {
    name: "nested shapes and arrays of them",
    shape: { a: { path: "authors[]", shape: { k: { path: "author.key", type: "string" } }, array: true }, c: { path: "c", shape: { v: "null" } } },
    document: '{"authors":[{"author":{"key":"x"}}],"c":{"v":null}}',
    expect: '{"a":[{"k":"x"}],"c":{"v":null}}',
  },
  {
    name: "bigint exact as a string of digits; duplicates: the last wins",
    shape: { b: "bigint" },
    document: '{"b":1,"b":123456789012345678901234567890}',
    expect: '{"b":"123456789012345678901234567890"}',
  },
  {
    name: "every problem, in field order",
    shape: {
      s: "string",
      i: "integer",
      a: { path: "x[]", type: "number", array: true },
      sh: { path: "o", shape: { k: "string" } },
      q: { path: '["a b"][0]', type: "boolean" },
    },
    document: '{"s":null,"i":9007199254740992,"x":[1,"2"],"o":[],"a b":[]}',
    problems:
      '[{"path":"s","expected":"string","actual":"null"},{"path":"i","expected":"integer","actual":"integer beyond 2^53-1 (declare it bigint)"},' +
      '{"path":"x[1]","expected":"number","actual":"string"},{"path":"o","expected":"object","actual":"array"},' +
      '{"path":"[\\"a b\\"][0]","expected":"boolean","actual":"missing"}]',
  },
  {
    name: "a missing array field names its path before []",
    shape: { a: { path: "p.q[].r", type: "string", array: true } },
    document: '{"p":{}}',
    problems: '[{"path":"p.q","expected":"array","actual":"missing"}]',
  },
  {
    // Found by the bind property with the fixed seed 20261215: native named a[0][1].b (steps after [] leaked).
    name: "a problem below [] names that element's path, whatever came before it",
    shape: { v: { path: "a[].b", type: "number", array: true }, w: { path: "c[][0]", type: "string", array: true } },
    document: '{"a":[{"b":1},{"b":"x"},{"c":1},{"b":"y"}],"c":[[],[null],["s"],[2]]}',
    problems:
      '[{"path":"a[1].b","expected":"number","actual":"string"},{"path":"a[3].b","expected":"number","actual":"string"},' +
      '{"path":"c[1][0]","expected":"string","actual":"null"},{"path":"c[3][0]","expected":"string","actual":"integer"}]',
  },
  { name: "the root must be an object", shape: { a: "string" }, document: "[1]", problems: '[{"path":"","expected":"object","actual":"array"}]' },
];

const encoder = new TextEncoder();

/**
 * Registers the lookup suite for `impl`: one test per index case and per decode case.
 *
 * @example
 * runLookupCases({ name: "native", index: …, decode: … });
 */
export function runLookupCases(impl: LookupImpl): void {
  describe(`${impl.name}: path index`, () => {
    for (const c of indexCases) {
      test(c.name, () => {
        const idx = impl.index(encoder.encode(c.document), c.options ?? {});
        for (const [path, want] of Object.entries(c.get ?? {})) expect([path, idx.get(path)]).toEqual([path, want]);
        for (const [key, want] of Object.entries(c.byKey ?? {})) expect([key, idx.byKey(key)]).toEqual([key, want]);
        for (const [value, want] of Object.entries(c.byValue ?? {})) expect([value, idx.byValue(encoder.encode(value))]).toEqual([value, want]);
        if (c.leaves !== undefined) expect(idx.leaves).toBe(c.leaves);
      });
    }
  });
  describe(`${impl.name}: typed decode`, () => {
    for (const c of decodeCases) {
      test(c.name, () => {
        const got = impl.decode(compileFields(c.shape), encoder.encode(c.document));
        if (c.expect !== undefined) expect(got).toEqual({ ok: true, text: c.expect });
        else expect(got).toEqual({ ok: false, problems: c.problems! });
      });
    }
  });
}
