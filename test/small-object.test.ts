/**
 * @module small-object.test — `flatten()` of a short text walked in JavaScript (src/document/small-object.ts)
 * against the native result (`JSON.parse` of `flattenBytes`), key order, `-0`, `__proto__` and prototypes
 * included; and the texts it must hand to C: duplicates, integer-like keys, `\u` escapes, deep nesting, errors.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { flatten, flattenBytes } from "../src/index";
import { SMALL_OBJECT_TEXT, smallObject } from "../src/document/small-object";
import { JsonFlatError } from "../src/core/errors";
import { checkProperty } from "./fixtures/property";

const decoder = new TextDecoder();

/** What `call` returns, or the code of the JsonFlatError it throws. */
function outcome<T>(call: () => T): { ok: true; value: T } | { ok: false; code: string } {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (!(error instanceof JsonFlatError)) throw error;
    return { ok: false, code: error.code };
  }
}

/** The native call's object (JSON.parse of its output), or its error code. */
function nativeObject(text: string, maxNesting = 10_000) {
  return outcome(() => JSON.parse(decoder.decode(flattenBytes(text, { maxNesting }))) as Record<string, unknown>);
}

/** Own entries with their property kind, so that order, `-0` and a `__proto__` data property all count. */
function described(o: Record<string, unknown>) {
  return {
    proto: Object.getPrototypeOf(o) === Object.prototype,
    entries: Object.getOwnPropertyNames(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)]),
  };
}

function expectNative(text: string, maxNesting = 10_000): boolean {
  const ours = smallObject(text, maxNesting);
  const native = nativeObject(text, maxNesting);
  if (ours === undefined) return false;
  expect(native.ok).toBe(true);
  if (native.ok) expect(described(ours)).toEqual(described(native.value));
  expect(described(flatten(text, { maxNesting }))).toEqual(described(ours));
  return true;
}

const key = fc.oneof(
  fc.constantFrom("a", "b", "id", "_x", "$", "__proto__", "constructor", "", "x y", "a.b", "[0]", "0", "1a", "ünï", "k:v", "q\"", "t\t", "\u007f", "é"),
  fc.string({ maxLength: 3 }),
);
const scalar = fc.oneof(
  fc.constantFrom("1", "-0", "1.0", "1e400", "-1E-400", "12345678901234567890", "0.1", "true", "false", "null", "{}", "[]"),
  fc.constantFrom('"x"', '""', '"a:b"', '"::"', '"\\n"', '"\\"q"', '"\\/"', '"é😀"', '"\\ud83d\\ude00"', '"\\u003a"', '"\\ud800"'),
  fc.integer().map(String),
);
const value = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
  object: fc
    .array(fc.tuple(key, tie("value")), { maxLength: 4 })
    .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(" , ")}}`),
})).value;

describe("flatten of a short text in JavaScript", () => {
  test("property: whenever the walk answers, it is the native object (and flatten returns it)", () => {
    let answered = 0;
    let runs = 0;
    checkProperty(
      fc.property(value, fc.constantFrom(10_000, 3, 2, 1), (doc, maxNesting) => {
        runs++;
        if (expectNative(doc, maxNesting)) answered++;
      }),
      { numRuns: 1500 },
    );
    // Not vacuous: most generated documents are short, unique-keyed and without escapes.
    expect(answered).toBeGreaterThan(runs / 4);
  });

  test("answers for plain short documents, root scalars and empty roots", () => {
    for (const doc of ['{"id":42,"user":{"name":"Ada","tags":["x","y"]},"ok":true,"n":1}', "1", '"s"', "{}", "[]", " [ {} , [] ] ", '{"a":{"":{"x y":[-0]}}}'])
      expect(expectNative(doc)).toBe(true);
    expect(smallObject('{"a":{"b c":[1]}}', 10_000)).toEqual({ 'a["b c"][0]': 1 });
  });

  test("a __proto__ member stays data and touches no prototype", () => {
    expect(expectNative('{"a":{"__proto__":{"polluted":1}},"__proto__x":2}')).toBe(true);
    expect(smallObject('{"__proto__":1}', 10_000)).toBeUndefined(); // the path "__proto__": native
    const out = flatten('{"__proto__":1}');
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe(1);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("hands to C what it cannot vouch for", () => {
    const refused = [
      '{"a":1,"a":2}', // duplicates, even when the last one wins everywhere
      '{"a":{"x":1},"b":2,"a":{"y":":"}}', // a duplicate whose loss a colon in a string does not hide
      '{"b":1,"0":2}', // JS lists integer-like keys first
      '{"a":"\\u003a","a":1}', // an escaped colon
      '"\\ud800"', // a lone surrogate escape: the native error
      "\ufeff{}", // BOM: JSON.parse refuses it, C skips it
      "{", // errors come from C
      `{"a":"${"x".repeat(SMALL_OBJECT_TEXT)}"}`, // long: native is faster
      `${"[".repeat(40)}${"]".repeat(40)}`,
      "\ud800", // not well-formed text
    ];
    for (const doc of refused) expect(smallObject(doc, 10_000)).toBeUndefined();
    expect(smallObject("[[1]]", 2)).toBeUndefined();
    expect(flatten('{"a":{"x":1},"b":2,"a":{"y":":"}}')).toEqual({ "a.x": 1, b: 2, "a.y": ":" });
    expect(Object.keys(flatten('{"b":1,"0":2}'))).toEqual(["b", '["0"]']);
    expect(outcome(() => flatten('"\\ud800"'))).toEqual({ ok: false, code: "INVALID_JSON" });
    expect(outcome(() => flatten("[[1]]", { maxNesting: 1 }))).toEqual({ ok: false, code: "NESTING_TOO_DEEP" });
  });
});
