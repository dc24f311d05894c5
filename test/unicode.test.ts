/**
 * @module unicode.test — escaped lone surrogates (`"x\ud83d"`, what `JSON.stringify` writes for a string
 * cut inside a pair) through every front end that parses: by default each refuses them with the same
 * positioned `INVALID_JSON` naming the escape; with `replaceInvalidUtf8` each gives U+FFFD. The byte-level
 * rules themselves are conformance cases (test/cases.ts) and native tests (c/test/test_errors.c).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { flatten as npmFlatten, unflatten as npmUnflatten } from "flat";
import { flatten as flatFlatten, unflatten as flatUnflatten } from "../src/flat";
import { bind, flatten, flattenBytes, flattenLines, pathIndex, JsonFlatError, schema, search, unflatten, unflattenBytes } from "../src/index";
import { referenceFlatten, referenceUnflatten } from "../src/reference/index";
import { outcomeOf, type Outcome } from "./cases";
import { checkProperty } from "./fixtures/property";

const DOCUMENT = String.raw`{"a":"x\ud83d","b":{"\udc01":2}}`;
const LINES = [String.raw`{"a":"ok"}`, String.raw`{"a":"\udc01"}`, String.raw`{"a":"\ud83d\ude00"}`, ""].join("\n");
const REPLACE = { replaceInvalidUtf8: true };
const decoder = new TextDecoder();

/** The `JsonFlatError` that `call` throws (anything else fails the test). */
function thrown(call: () => unknown): JsonFlatError {
  try {
    call();
  } catch (error) {
    if (error instanceof JsonFlatError) return error;
    throw error;
  }
  throw new Error("expected a JsonFlatError");
}

/** Every front end that parses DOCUMENT, with the given options. */
const frontEnds: [string, (options: { replaceInvalidUtf8?: boolean }) => unknown][] = [
  ["flatten", (o) => flatten(DOCUMENT, o)],
  ["flatten of a JS value (JSON.stringify escapes the lone half)", (o) => flatten({ a: "x\ud83d", b: { "\udc01": 2 } }, o)],
  ["schema", (o) => schema(DOCUMENT, o)],
  ["search", (o) => search(DOCUMENT, { key: "a" }, o).hits],
  ["index", (o) => pathIndex(DOCUMENT, o).get("a")],
  ["bind decode", (o) => bind({ a: "string" }, o).decode(DOCUMENT)],
];

describe("escaped lone surrogates: refused by default, named and positioned", () => {
  for (const [name, call] of frontEnds) {
    test(name, () => {
      const error = thrown(() => call({}));
      expect([error.code, error.offset, error.line, error.column]).toEqual(["INVALID_JSON", 7, 1, 8]);
      expect(error.message).toContain(String.raw`lone surrogate \ud83d in string (replaceInvalidUtf8 writes U+FFFD)`);
    });
  }
  test("unflatten", () => {
    const error = thrown(() => unflatten(String.raw`{"a.b":"\ud83d"}`));
    expect([error.code, error.offset]).toEqual(["INVALID_JSON", 8]);
  });
  test("NDJSON lines: the line's error, the lines around it kept", () => {
    const emitted = decoder.decode(flattenLines(LINES, { onError: "emit" })).split("\n");
    expect(JSON.parse(emitted[0]!)).toEqual({ a: "ok" });
    expect(JSON.parse(emitted[1]!)).toMatchObject({ line: 2, error: { code: "INVALID_JSON", offset: 17, line: 2, column: 7 } });
    expect(JSON.parse(emitted[2]!)).toEqual({ a: "😀" });
    expect(bind({ a: "string" }).decodeLines(LINES, { onError: "skip" })).toEqual([{ a: "ok" }, { a: "😀" }]);
    const error = thrown(() => bind({ a: "string" }).decodeLines(LINES));
    expect([error.code, error.offset, error.line]).toEqual(["INVALID_JSON", 17, 2]);
  });
});

describe("escaped lone surrogates with replaceInvalidUtf8: U+FFFD everywhere", () => {
  const expected: Record<string, unknown> = {
    flatten: { a: "x\uFFFD", 'b["\uFFFD"]': 2 },
    "flatten of a JS value (JSON.stringify escapes the lone half)": { a: "x\uFFFD", 'b["\uFFFD"]': 2 },
    schema: {
      a: { key: "a", count: 1, docs: 1, types: { string: 1 } },
      'b["\uFFFD"]': { key: "\uFFFD", count: 1, docs: 1, types: { integer: 1 } },
    },
    search: [["a", "x\uFFFD"]],
    index: "x\uFFFD",
    "bind decode": { a: "x\uFFFD" },
  };
  for (const [name, call] of frontEnds) test(name, () => expect(call(REPLACE)).toEqual(expected[name]));
  test("unflatten", () => expect(unflatten(String.raw`{"a.b":"\ud83d"}`, REPLACE)).toEqual({ a: { b: "\uFFFD" } }));
  test("NDJSON lines", () => {
    expect(decoder.decode(flattenLines(LINES, REPLACE))).toBe('{"a":"ok"}\n{"a":"\uFFFD"}\n{"a":"😀"}\n');
    expect(bind({ a: "string" }, REPLACE).decodeLines(LINES)).toEqual([{ a: "ok" }, { a: "\uFFFD" }, { a: "😀" }]);
  });
});

test("bind decodeLines with replaceInvalidUtf8 still refuses raw control characters (as decode does)", () => {
  const Row = bind({ a: "string" }, REPLACE);
  for (const call of [() => Row.decode('{"a":"x\ty"}'), () => Row.decodeLines('{"a":"ok"}\n{"a":"x\ty"}\n')]) {
    const error = thrown(call);
    expect(error.code).toBe("INVALID_JSON");
    expect(error.message).toContain("control character");
  }
  expect(Row.decodeLines('{"a":"ok"}\n{"a":"x\ty"}\n', { onError: "skip" })).toEqual([{ a: "ok" }]);
});

/** Stands for a raw 0xFF byte (invalid UTF-8) in the generated text. */
const INVALID_BYTE = "¤";

/** The UTF-8 bytes of `text`, each INVALID_BYTE written as the byte 0xFF. */
function withInvalidBytes(text: string): Uint8Array {
  const parts = text.split(INVALID_BYTE).map((part) => new TextEncoder().encode(part));
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, parts.length - 1));
  let at = 0;
  parts.forEach((part, i) => {
    if (i > 0) out[at++] = 0xff;
    out.set(part, at);
    at += part.length;
  });
  return out;
}

/** Pieces of string text around surrogate escapes: pairs, lone halves, look-alikes, faults of other kinds. */
const piece = fc.constantFrom(
  String.raw`\ud800`, String.raw`\uDBFF`, String.raw`\udc00`, String.raw`\uDFFF`, String.raw`\ud83d\ude00`, String.raw`\u0041`,
  String.raw`\ufffd`, String.raw`\\`, String.raw`\\ud800`, String.raw`\"`, String.raw`\u`, String.raw`\uD8`, String.raw`\uZZZZ`, "x", "é", '"', '","', "\t", ",", "]",
  INVALID_BYTE,
);
const documents = fc
  .array(fc.array(piece, { maxLength: 6 }).map((pieces) => `"${pieces.join("")}"`), { minLength: 1, maxLength: 3 })
  .chain((strings) => fc.constantFrom(`[${strings.join(",")}]`, `{${strings.map((k, i) => `${k}:${i}`).join(",")}}`));

/**
 * What a call gave, for comparison: the text, or the error code, with the offset and message when the
 * error is a lone surrogate (offsets of other syntax errors may differ between the two parsers; the fuzz
 * replay compares codes only).
 */
function comparable(outcome: Outcome): unknown {
  if (outcome.ok) return outcome.text;
  const { code, offset, message } = outcome.error;
  return message?.includes("lone surrogate") ? [code, offset, message] : [code];
}

test("property: native and reference agree on surrogate escapes: same bytes, or the same error", () => {
  let surrogateErrors = 0;
  checkProperty(
    fc.property(documents, fc.boolean(), (text, replaceInvalidUtf8) => {
      const input = withInvalidBytes(text);
      const options = { replaceInvalidUtf8 };
      const reference = outcomeOf(() => referenceFlatten(input, options));
      expect(comparable(outcomeOf(() => decoder.decode(flattenBytes(input, options))))).toEqual(comparable(reference));
      const back = outcomeOf(() => decoder.decode(unflattenBytes(input, options)));
      expect(comparable(back)).toEqual(comparable(outcomeOf(() => referenceUnflatten(input, options))));
      if (!reference.ok && reference.error.message?.includes("lone surrogate")) surrogateErrors++;
    }),
    { numRuns: 3000 },
  );
  expect(surrogateErrors).toBeGreaterThan(100); // the generator does reach the case under test
});

test("jsonflat/flat keeps npm flat's result for strings with lone surrogates, small or large", () => {
  const small = { a: "x\ud83d", b: { "\udc01": [1, "\udfff"] } };
  const large = { items: Array.from({ length: 5000 }, (_, i) => ({ id: i, s: i === 7 ? "x\ud83d" : "ok" })) };
  for (const value of [small, large]) expect(flatFlatten(value)).toEqual(npmFlatten(value));
  expect(flatUnflatten({ "a.b": "x\ud83d" })).toEqual(npmUnflatten({ "a.b": "x\ud83d" }));
});
