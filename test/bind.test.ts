/**
 * @module bind.test — typed binding: decode against the reference decoder (src/reference/bind.ts) on random
 * documents and random shapes, every problem listed, big integers, quoting, NDJSON line numbers, Open Library
 * lines, Standard Schema validation, encode round trips, the JSONTestSuite corpus and native memory.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bind, JsonFlatError, ShapeMismatchError, type Shape, type StandardSchemaV1 } from "../src/index";
import { native } from "../src/native";
import { resolveOptions } from "../src/core/options";
import { referenceDecode } from "../src/reference/bind";
import { compileFields, planText, type CompiledField } from "../src/bind/shape";
import { checkProperty } from "./fixtures/property";

const DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const encoder = new TextEncoder();

function problemsOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    if (error instanceof ShapeMismatchError) return error.problems;
    throw error;
  }
  throw new Error("expected a ShapeMismatchError");
}

describe("decode", () => {
  const Work = bind({
    key: "string",
    title: "string",
    subjects: { type: "string", array: true, optional: true },
    created: { path: "created.value", type: "string" },
    authors: { path: "authors[]", shape: { key: { path: "author.key", type: "string" } }, array: true, default: [] },
    revision: { type: "integer", default: 1 },
  });
  test("only the declared paths, typed from the shape", () => {
    const work = Work.decode(
      '{"key":"/works/1","title":"Dune","subjects":["sf"],"created":{"type":"/type/datetime","value":"2009"},"authors":[{"author":{"key":"/a/1"}}],"other":[1,2,{"x":null}]}',
    );
    expect(work).toEqual({ key: "/works/1", title: "Dune", subjects: ["sf"], created: "2009", authors: [{ key: "/a/1" }], revision: 1 });
    // Compile-time: the inferred type (checked by tsc).
    const typed: { key: string; title: string; subjects?: string[]; created: string; authors: { key: string }[]; revision: number } = work;
    expect(typed.key).toBe("/works/1");
  });
  test("optional fields: absent or null are left out, defaults fill in", () => {
    expect(Work.decode('{"key":"k","title":"t","subjects":null,"created":{"value":"c"},"revision":null}')).toEqual({
      key: "k",
      title: "t",
      created: "c",
      authors: [],
      revision: 1,
    });
  });
  test("every failing path is listed with expected and actual type", () => {
    expect(problemsOf(() => Work.decode('{"key":1,"subjects":["a",2],"authors":[{"author":{}},{"author":{"key":true}}],"revision":1.5}'))).toEqual([
      { path: "key", expected: "string", actual: "integer" },
      { path: "title", expected: "string", actual: "missing" },
      { path: "subjects[1]", expected: "string", actual: "integer" },
      { path: "created.value", expected: "string", actual: "missing" },
      { path: "authors[0].author.key", expected: "string", actual: "missing" },
      { path: "authors[1].author.key", expected: "string", actual: "boolean" },
      { path: "revision", expected: "integer", actual: "number" },
    ]);
    expect(problemsOf(() => Work.decode("[1]"))).toEqual([{ path: "", expected: "object", actual: "array" }]);
    expect(problemsOf(() => Work.decode('{"key":"k","title":"t","created":{"value":"c"},"authors":{"a":1}}'))).toEqual([
      { path: "authors", expected: "array", actual: "object" },
    ]);
    try {
      Work.decode('{"key":1}');
    } catch (error) {
      expect(error).toBeInstanceOf(JsonFlatError);
      expect((error as JsonFlatError).code).toBe("SHAPE_MISMATCH");
      expect((error as JsonFlatError).message).toContain("key: expected string, got integer");
    }
  });
  test("invalid JSON is INVALID_JSON with its position", () => {
    expect(() => Work.decode('{"key":')).toThrow(expect.objectContaining({ code: "INVALID_JSON", offset: 7 }));
  });
  test("big integers: bigint exact, integer refuses what it cannot hold", () => {
    const B = bind({ id: "bigint", ids: { type: "bigint", array: true }, n: { type: "integer", optional: true }, d: { type: "bigint", default: 7n } });
    expect(B.decode('{"id":123456789012345678901234567890,"ids":[-9007199254740993,1]}')).toEqual({
      id: 123456789012345678901234567890n,
      ids: [-9007199254740993n, 1n],
      d: 7n,
    });
    expect(problemsOf(() => B.decode('{"id":1.0,"ids":[],"n":9007199254740992}'))).toEqual([
      { path: "id", expected: "bigint", actual: "number" },
      { path: "n", expected: "integer", actual: "integer beyond 2^53-1 (declare it bigint)" },
    ]);
    expect(B.encode({ id: 123456789012345678901234567890n, ids: [1n], d: 2n })).toBe('{"id":123456789012345678901234567890,"ids":[1],"d":2}');
  });
  test("keys that need quoting, in paths and as field names; duplicates: the last wins", () => {
    const Q = bind({
      "odd name": { path: '["a b"]["*"][0]', type: "number" },
      ["__proto__"]: { path: '["__proto__"].x', type: "boolean" },
      esc: { path: '["q\\"\\n"]', type: "string" },
    } as Shape);
    const value = Q.decode('{"a b":{"*":[1.5]},"__proto__":{"x":true},"q\\"\\n":"v","q\\"\\n":"w"}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(value["odd name"]).toBe(1.5);
    expect(value.esc).toBe("w");
    expect(problemsOf(() => Q.decode('{"a b":{"*":["x"]},"q\\"\\n":1}'))).toEqual([
      { path: '["a b"]["*"][0]', expected: "number", actual: "string" },
      { path: "__proto__.x", expected: "boolean", actual: "missing" },
      { path: '["q\\"\\n"]', expected: "string", actual: "integer" },
    ]);
  });
  test("bad shapes are INVALID_OPTION", () => {
    for (const bad of [
      { a: "text" },
      { a: { type: "string", shape: {} } },
      { a: {} },
      { a: { path: "a..b", type: "string" } },
      { a: { path: "a[].b", type: "string" } },
      { a: { type: "integer", default: "x" } },
    ]) {
      expect(() => bind(bad as Shape)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    }
  });
});

describe("NDJSON", () => {
  const Row = bind({ id: "integer", name: { type: "string", optional: true } });
  test("one call for many lines; blank lines and CRLF; line numbers in errors", () => {
    expect(Row.decodeLines('{"id":1}\r\n\n  \n{"id":2,"name":"b"}')).toEqual([{ id: 1 }, { id: 2, name: "b" }]);
    const lines = '{"id":1}\n\n{"id":"2"}\n{"id":3}\n{bad\n';
    try {
      Row.decodeLines(lines);
      throw new Error("expected a failure");
    } catch (error) {
      expect(error).toBeInstanceOf(ShapeMismatchError);
      expect((error as ShapeMismatchError).toJSON()).toMatchObject({
        code: "SHAPE_MISMATCH",
        line: 3,
        offset: 10,
        problems: [{ path: "id", expected: "integer", actual: "string", line: 3 }],
      });
    }
    expect(Row.decodeLines(lines, { onError: "skip" })).toEqual([{ id: 1 }, { id: 3 }]);
    expect(() => Row.decodeLines('{"id":1}\n{bad\n', { firstLine: 41, baseOffset: 1000 })).toThrow(
      expect.objectContaining({ code: "INVALID_JSON", line: 42, offset: 1010 }),
    );
  });
  test("Open Library editions (TSV column 5) against JSON.parse and property access", async () => {
    const file = join(DATA, "openlibrary/editions-head-n1000.txt");
    const Edition = bind({
      key: "string",
      title: { type: "string", optional: true },
      pages: { path: "number_of_pages", type: "integer", optional: true },
      isbn: { path: "isbn_13", type: "string", array: true, optional: true },
      revision: "integer",
    });
    const expected = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line.split("\t")[4]!))
      .map((e) => {
        const out: Record<string, unknown> = { key: e.key };
        if (e.title != null) out.title = e.title;
        if (e.number_of_pages != null) out.pages = e.number_of_pages;
        if (e.isbn_13 != null) out.isbn = e.isbn_13;
        out.revision = e.revision;
        return out;
      });
    expect(Edition.decodeLines(readFileSync(file), { column: 5 }) as unknown[]).toEqual(expected);
    const streamed: unknown[] = [];
    for await (const batch of Edition.decodeStream(file, { column: 5, chunkBytes: 64 << 10 })) streamed.push(...batch);
    expect(streamed).toEqual(expected);
  });
});

describe("Standard Schema", () => {
  const positive: StandardSchemaV1<unknown, { n: number; doubled: number }> = {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: (value) => {
        const { n } = value as { n: number };
        return n > 0 ? { value: { n, doubled: n * 2 } } : { issues: [{ message: "must be positive", path: [{ key: "n" }] }] };
      },
    },
  };
  test("its output is the result; its issues are problems", () => {
    const P = bind({ n: "number" }, { validate: positive });
    const out: { n: number; doubled: number } = P.decode('{"n":2}');
    expect(out).toEqual({ n: 2, doubled: 4 });
    expect(problemsOf(() => P.decode('{"n":-1}'))).toEqual([{ path: "n", expected: "valid", actual: "must be positive" }]);
    expect(() => P.decodeLines('{"n":1}\n{"n":-1}\n')).toThrow(expect.objectContaining({ code: "SHAPE_MISMATCH", line: undefined }));
  });
  test("an asynchronous schema or a non-schema is refused", () => {
    const later = { "~standard": { version: 1, vendor: "t", validate: async (v: unknown) => ({ value: v }) } } as StandardSchemaV1;
    expect(() => bind({ n: "number" }, { validate: later }).decode('{"n":1}')).toThrow("asynchronously");
    expect(() => bind({ n: "number" }, { validate: {} as StandardSchemaV1 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
});

describe("encode", () => {
  const User = bind({
    name: { path: "user.name", type: "string" },
    tags: { path: "user.tags[]", type: "string", array: true },
    ids: { path: "items[].id", type: "integer", array: true },
    prices: { path: "items[].price", type: "number", array: true },
    home: { path: "user.home", shape: { city: "string", zip: { type: "string", optional: true } }, optional: true },
  });
  test("writes each field at its path; decode(encode(v)) is v", () => {
    const value = { name: "Ada", tags: ["x"], ids: [1, 2], prices: [1.5, 2], home: { city: "London" } };
    const text = User.encode(value);
    expect(JSON.parse(text)).toEqual({ user: { name: "Ada", tags: ["x"], home: { city: "London" } }, items: [{ id: 1, price: 1.5 }, { id: 2, price: 2 }] });
    expect(User.decode(text)).toEqual(value);
  });
  test("every misfit is listed", () => {
    expect(problemsOf(() => User.encode({ name: 5, tags: "x", ids: [1.5], prices: [] } as never))).toEqual([
      { path: "user.name", expected: "string", actual: "integer" },
      { path: "user.tags", expected: "array", actual: "string" },
      { path: "items[0].id", expected: "integer", actual: "number" },
    ]);
    const Clash = bind({ a: { path: "x", type: "integer" }, b: { path: "x.y", type: "integer" } });
    expect(problemsOf(() => Clash.encode({ a: 1, b: 2 }))).toEqual([{ path: "x.y", expected: "a free place", actual: "taken by another field" }]);
  });
});

/*------------------------------------------------------------------------------
 * Conformance with the reference decoder
 *----------------------------------------------------------------------------*/

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const keyArb = fc.constantFrom("a", "b", "id", "x y", "", "__proto__", "é", '"');
const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.constantFrom<Json>(null, true, false, 0, 1, -1.5, 1e300, "s", ""),
    fc.integer(),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.array(fc.tuple(keyArb, tie("json")), { maxLength: 4 }).map((m) => Object.fromEntries(m)),
  ),
}));
const stepArb = fc.oneof(keyArb, keyArb, fc.integer({ min: 0, max: 2 }), fc.constant(null));
const typeArb = fc.constantFrom("string", "number", "integer", "bigint", "boolean", "null", "json" as const);

const fieldArb: fc.Arbitrary<CompiledField> = fc.letrec<{ field: CompiledField; fields: CompiledField[] }>((tie) => ({
  field: fc
    .record({
      name: fc.constantFrom("f", "g", "h", "x y"),
      path: fc.array(stepArb, { maxLength: 3 }),
      type: fc.oneof({ depthSize: "small", maxDepth: 2 }, typeArb, fc.constant("shape" as const)),
      required: fc.boolean(),
      default: fc.option(fc.constantFrom<Json>(0, "d", null, true), { nil: undefined }),
      fields: tie("fields"),
    })
    .map((f) => {
      const array = f.path.includes(null);
      const field: CompiledField = { name: f.name, path: f.path, type: f.type, array, required: f.required };
      if (f.type === "shape") field.fields = f.fields;
      if (f.default !== undefined && !f.required) field.default = f.default;
      return field;
    }),
  fields: fc.oneof({ depthSize: "small", maxDepth: 2 }, fc.constant<CompiledField[]>([]), fc.array(tie("field"), { maxLength: 3 })),
})).field;

/** A JSON text where some numbers are spelled with a fraction or exponent, and a big integer appears. */
function spelled(value: Json, variant: number): string {
  const text = JSON.stringify(value);
  if (variant === 1) return text.replace(/:(\d+)([,}])/g, ":$1.0$2");
  if (variant === 2) return text.replace(/:(\d+)([,}])/g, ":1234567890123456789$1$2");
  return text;
}

/** Counterexamples found so far (never remove one): [document, fields, number spelling]. */
const decodeCounterexamples: [Json, CompiledField[], number][] = [
  // Fixed seed 20261215: the steps below a [] stayed on the problem path, so native named `__proto__[0][1][0]`
  // where the reference (rightly) names `__proto__[1][0]`. JSON.parse makes "__proto__" an own member here.
  [JSON.parse('{"__proto__":[[],[null]]}'), [{ name: "f", path: ["__proto__", null, 0], type: "shape", array: true, required: false, fields: [] }], 0],
];

test("property: native decode writes what the reference decoder writes", () => {
  checkProperty(
    fc.property(json, fc.array(fieldArb, { maxLength: 4 }), fc.integer({ min: 0, max: 2 }), (value, fields, variant) => {
      const bytes = encoder.encode(spelled(value, variant));
      const handle = native().compileShape(encoder.encode(planText(fields)));
      try {
        const got = native().decode(handle, bytes, resolveOptions());
        const want = referenceDecode(fields, bytes);
        if (want.ok) expect({ mismatch: got.mismatch, text: got.text }).toEqual({ mismatch: false, text: want.text });
        else expect({ mismatch: got.mismatch, problems: JSON.parse(got.text) }).toEqual({ mismatch: true, problems: JSON.parse(want.problems) });
      } finally {
        native().freeShape(handle);
      }
    }),
    { numRuns: 3000, examples: decodeCounterexamples },
  );
});

test("property: decode(encode(v)) is v for values of a fixed shape", () => {
  const shape = {
    s: { path: "a.s", type: "string" },
    n: { path: 'a["n m"]', type: "number" },
    i: { type: "integer", optional: true },
    b: { path: "big", type: "bigint" },
    flags: { path: "list[].flag", type: "boolean", array: true },
    names: { path: "list[].name", type: "string", array: true },
    nested: { path: "deep[]", shape: { v: { path: "v", type: "null" } }, array: true },
  } as const satisfies Shape;
  const Fixed = bind(shape);
  const valueArb = fc
    .record({
      s: fc.string(),
      n: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
      i: fc.option(fc.maxSafeInteger(), { nil: undefined }),
      b: fc.bigInt(),
      pairs: fc.array(fc.tuple(fc.boolean(), fc.string()), { minLength: 1, maxLength: 3 }),
      nested: fc.array(fc.constant({ v: null }), { maxLength: 2 }),
    })
    .map(({ pairs, i, ...rest }) => ({ ...rest, ...(i === undefined ? {} : { i }), flags: pairs.map((p) => p[0]), names: pairs.map((p) => p[1]) }));
  checkProperty(
    fc.property(valueArb, (value) => {
      expect(Fixed.decode(Fixed.encode(value))).toEqual(value);
    }),
    { numRuns: 500 },
  );
});

/*------------------------------------------------------------------------------
 * JSONTestSuite: never a crash
 *----------------------------------------------------------------------------*/

test("JSONTestSuite: every file decodes, mismatches or is INVALID_JSON; never a crash", () => {
  const dir = join(DATA, "JSONTestSuite/test_parsing");
  const Any = bind({ a: { type: "string", optional: true }, list: { path: "[]", type: "number", array: true, optional: true } });
  const counts = { decoded: 0, mismatch: 0, invalid: 0 };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const bytes = readFileSync(join(dir, file));
    const decodedBefore = counts.decoded + counts.mismatch;
    try {
      Any.decode(bytes);
      counts.decoded++;
    } catch (error) {
      if (!(error instanceof JsonFlatError)) throw error;
      if (error.code === "SHAPE_MISMATCH") counts.mismatch++;
      else {
        expect(["INVALID_JSON", "NESTING_TOO_DEEP"]).toContain(error.code);
        expect(file.startsWith("y_")).toBe(false);
        counts.invalid++;
      }
    }
    if (file.startsWith("n_")) expect(() => Any.decode(bytes)).toThrow(JsonFlatError);
    if (file.startsWith("n_")) expect(counts.decoded + counts.mismatch).toBe(decodedBefore);
  }
  expect(counts.decoded + counts.mismatch + counts.invalid).toBe(318);
});

test("native memory: bindings and decodes leave nothing behind", async () => {
  Bun.gc(true);
  const before = native().allocStats().liveBlocks;
  const B = bind({ a: "string", b: { type: "integer", array: true, optional: true } });
  for (let i = 0; i < 200; i++) {
    B.decode('{"a":"x","b":[1,2]}');
    try {
      B.decode('{"a":1}');
    } catch {}
    B.decodeLines('{"a":"x"}\n{"a":2}\n', { onError: "skip" });
  }
  B.dispose();
  B.dispose();
  expect(() => B.decode("{}")).toThrow("disposed");
  expect(native().allocStats().liveBlocks).toBe(before);
  compileFields({ a: "string" });
});
