/**
 * @module api.test — the public library API: inputs, result forms, big integers, errors and ownership.
 */
import { describe, expect, test } from "bun:test";
import { flatten, flattenBytes, flattenEntries, JsonFlatError, unflatten } from "../src/index";
import { native } from "../src/native";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function thrown(fn: () => unknown): JsonFlatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonFlatError);
    return error as JsonFlatError;
  }
  throw new Error("expected a JsonFlatError");
}

describe("inputs", () => {
  const doc = { a: { "b c": [1, { d: null }] } };
  const expected = { 'a["b c"][0]': 1, 'a["b c"][1].d': null };
  test("string, bytes, ArrayBuffer, DataView and JS values give the same result", () => {
    const json = JSON.stringify(doc);
    const bytes = new TextEncoder().encode(json);
    expect(flatten(json)).toEqual(expected);
    expect(flatten(bytes)).toEqual(expected);
    expect(flatten(bytes.buffer)).toEqual(expected);
    expect(flatten(new DataView(bytes.buffer))).toEqual(expected);
    expect(flatten(doc)).toEqual(expected);
  });
  test("a byte view with an offset reads only its window", () => {
    const bytes = new TextEncoder().encode('xx{"a":1}yy');
    expect(flatten(bytes.subarray(2, 9))).toEqual({ a: 1 });
  });
  test("JS values with bigints are serialised exactly", () => {
    expect(flatten({ n: 12345678901234567890n }, { bigint: "string" })).toEqual({ n: "12345678901234567890" });
  });
  test("a value JSON cannot express is INVALID_JSON", () => {
    expect(thrown(() => flatten(undefined)).code).toBe("INVALID_JSON");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(thrown(() => flatten(cyclic)).code).toBe("INVALID_JSON");
  });
});

describe("result forms", () => {
  test("entries keep duplicates and document order; the object keeps the last", () => {
    expect(flattenEntries('{"b":1,"a":2,"b":3}')).toEqual([["b", 1], ["a", 2], ["b", 3]]);
    expect(flatten('{"b":1,"a":2,"b":3}')).toEqual({ b: 3, a: 2 });
  });
  test("grouped mode collects every value of a grouped path", () => {
    const doc = '{"a":[{"b":1},{"b":2,"c":null}]}';
    expect(flatten(doc, { mode: "grouped" })).toEqual({ "a[].b": [1, 2], "a[].c": [null] });
    expect(flattenEntries(doc, { mode: "grouped", style: "pointer" })).toEqual([["/a/[]/b", [1, 2]], ["/a/[]/c", [null]]]);
  });
  test("flattenBytes is compact JSON text, entries on request", () => {
    expect(text(flattenBytes('{"a": [1, 2]}'))).toBe('{"a[0]":1,"a[1]":2}');
    expect(text(flattenBytes('{"a": [1, 2]}', { format: "entries" }))).toBe('[["a[0]",1],["a[1]",2]]');
  });
  test("numbers keep their exact text in bytes", () => {
    expect(text(flattenBytes("[1.0,-0,1e400,12345678901234567890]"))).toBe(
      '{"[0]":1.0,"[1]":-0,"[2]":1e400,"[3]":12345678901234567890}',
    );
  });
  test("__proto__ is ordinary data in object results", () => {
    const flat = flatten('{"__proto__":{"polluted":1}}');
    expect(Object.keys(flat)).toEqual(["__proto__.polluted"]);
    const deep = unflatten('{"__proto__.polluted":1,"constructor.prototype.x":2}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(deep)).toBe(Object.prototype);
    expect(Object.hasOwn(deep, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("big integers", () => {
  const doc = '{"small":9007199254740991,"big":12345678901234567890,"neg":-9007199254740993,"real":1e400,"list":[18446744073709551615,1]}';
  test("number (default) rounds like JSON.parse", () => {
    expect(flatten(doc).big).toBe(12345678901234567890);
  });
  test("string keeps the digits", () => {
    const flat = flatten(doc, { bigint: "string" });
    expect(flat).toEqual({ small: 9007199254740991, big: "12345678901234567890", neg: "-9007199254740993", real: Infinity, "list[0]": "18446744073709551615", "list[1]": 1 });
  });
  test("bigint gives bigint values, in objects, entries and grouped arrays", () => {
    const flat = flatten(doc, { bigint: "bigint" });
    expect(flat.big).toBe(12345678901234567890n);
    expect(flat.neg).toBe(-9007199254740993n);
    expect(flat.small).toBe(9007199254740991);
    expect(flattenEntries(doc, { bigint: "bigint" })[1]).toEqual(["big", 12345678901234567890n]);
    expect(flatten(doc, { bigint: "bigint", mode: "grouped" })["list[]"]).toEqual([18446744073709551615n, 1]);
  });
  test("unflatten keeps big integers as strings on request", () => {
    expect(unflatten('{"a.b":12345678901234567890}', { bigint: "string" })).toEqual({ a: { b: "12345678901234567890" } });
  });
});

describe("errors", () => {
  test("invalid JSON carries code, offset, line and column", () => {
    const error = thrown(() => flatten('{\n  "a": [1,\n  2,, 3]\n}'));
    expect(error.code).toBe("INVALID_JSON");
    expect(error.line).toBe(3);
    expect(error.column).toBe(5);
    expect(error.offset).toBe(17);
    expect(error.message).not.toMatch(/line|column/); // positions are fields, never text
  });
  test("nesting beyond maxNesting is NESTING_TOO_DEEP at the first bracket too deep", () => {
    const error = thrown(() => flatten("[[[[1]]]]", { maxNesting: 3 }));
    expect(error.code).toBe("NESTING_TOO_DEEP");
    expect(error.offset).toBe(3);
    expect(flatten("[[[1]]]", { maxNesting: 3 })).toEqual({ "[0][0][0]": 1 });
  });
  test("deep documents fail cleanly by default and pass when allowed", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(thrown(() => flattenBytes(deep)).code).toBe("NESTING_TOO_DEEP");
    expect(flattenBytes(deep, { maxNesting: 300_000 }).leaves).toBe(1);
  });
  test("bad options are INVALID_OPTION", () => {
    expect(thrown(() => flatten("{}", { style: "dots" as never })).code).toBe("INVALID_OPTION");
    expect(thrown(() => flatten("{}", { delimiter: "" })).code).toBe("INVALID_OPTION");
    expect(thrown(() => flatten("{}", { delimiter: "x".repeat(33) })).code).toBe("INVALID_OPTION");
    expect(thrown(() => flatten("{}", { maxDepth: 0 })).code).toBe("INVALID_OPTION");
    expect(thrown(() => flatten("{}", { maxNesting: -1 })).code).toBe("INVALID_OPTION");
  });
  test("unflatten reports conflicts naming both paths, and bad paths", () => {
    const conflict = thrown(() => unflatten('{"a":1,"a.b":2}'));
    expect(conflict.code).toBe("PATH_CONFLICT");
    expect(conflict.message).toContain('"a.b"');
    expect(conflict.message).toContain('"a"');
    expect(thrown(() => unflatten('{"a..b":1}')).code).toBe("INVALID_PATH");
    expect(thrown(() => unflatten("[1]")).code).toBe("INVALID_JSON");
  });
  test("invalid UTF-8 is INVALID_JSON unless replacement is asked for", () => {
    const bad = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"}
    expect(thrown(() => flatten(bad)).code).toBe("INVALID_JSON");
    expect(flatten(bad, { replaceInvalidUtf8: true })).toEqual({ a: "\uFFFD" });
  });
});

describe("ownership of native bytes", () => {
  const large = JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => ({ id: i })) });
  test("small results are copied into JS memory and hold no native block", () => {
    const before = native().allocStats().liveBlocks;
    const bytes = flattenBytes('{"a":1}');
    expect(text(bytes)).toBe('{"a":1}');
    expect(native().allocStats().liveBlocks).toBe(before);
    bytes.dispose();
    expect(bytes.length).toBe(7);
  });
  test("dispose frees a large result at once, empties the view and is idempotent", () => {
    const before = native().allocStats().liveBlocks;
    const bytes = flattenBytes(large);
    expect(native().allocStats().liveBlocks).toBe(before + 1);
    bytes.dispose();
    expect(bytes.length).toBe(0);
    expect(native().allocStats().liveBlocks).toBe(before);
    bytes.dispose();
    expect(native().allocStats().liveBlocks).toBe(before);
  });
  test("`using` disposes at the end of the scope", () => {
    const before = native().allocStats().liveBlocks;
    {
      using bytes = flattenBytes(large);
      expect(native().allocStats().liveBlocks).toBe(before + 1);
      expect(bytes.leaves).toBe(1000);
    }
    expect(native().allocStats().liveBlocks).toBe(before);
  });
});
