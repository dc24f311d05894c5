/**
 * @module reference.test — the conformance suite against the pure-TS reference, plus property tests that
 * check the reference against independent oracles: a tiny recursive walk, `JSON.parse`, `TextDecoder` and
 * the npm `flat` package.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { flatten as npmFlatten } from "flat";
import { referenceFlatten, referenceUnflatten, type ReferenceFlattenOptions } from "../src/reference/index";
import { bytes, flattenCases, outcomeOf, runCases, type Impl } from "./cases";
import { checkProperty } from "./fixtures/property";

const referenceImpl: Impl = {
  name: "reference",
  flatten: (input, options) => outcomeOf(() => referenceFlatten(input, options)),
  unflatten: (input, options) => outcomeOf(() => referenceUnflatten(input, options)),
};

runCases(referenceImpl);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Style = "js" | "pointer" | "flat";

const encode = (text: string) => new TextEncoder().encode(text);

/** Keys that break naive path code, plus arbitrary well-formed text. */
const nastyKey = fc.oneof(
  fc.constantFrom("", ".", "[", "]", '"', "\\", "~", "/", "~1", "~0", "\u0000", "\n", "\u001f", "😀", "é", "a b"),
  fc.constantFrom("0", "1", "01", "-1", "__proto__", "constructor", "prototype", "a", "b", "$x", "_y", "a.b"),
  fc.string({ unit: "binary", maxLength: 5 }).filter((key) => key.isWellFormed()),
);

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 6 }).filter((text) => text.isWellFormed()),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** JSON values whose objects use `nastyKey` names; `Object.fromEntries` makes `__proto__` an own member. */
const { json } = fc.letrec<{ json: Json; array: Json[]; object: { [key: string]: Json } }>((tie) => ({
  json: fc.oneof({ depthSize: "small", maxDepth: 4 }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("json"), { maxLength: 4 }),
  object: fc
    .uniqueArray(fc.tuple(nastyKey, tie("json")), { selector: ([key]) => key, maxLength: 4 })
    .map((members) => Object.fromEntries(members)),
}));

/** A value as `JSON.parse` gives it back (so `-0` is `0`), with members in `JSON.stringify` order. */
const normalized = (value: Json): Json => JSON.parse(JSON.stringify(value));

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** How each style extends a path, written independently of src/reference/paths.ts. */
interface Extension {
  member(path: string, key: string): string;
  element(path: string, index: number): string;
}

const EXTEND: Record<Style, Extension> = {
  js: {
    member: (path, key) => (IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`),
    element: (path, index) => `${path}[${index}]`,
  },
  pointer: {
    member: (path, key) => `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
    element: (path, index) => `${path}/${index}`,
  },
  flat: {
    member: (path, key) => (path ? `${path}.${key}` : key),
    element: (path, index) => (path ? `${path}.${index}` : String(index)),
  },
};

const isNonEmptyContainer = (value: Json): value is Json[] | { [key: string]: Json } =>
  typeof value === "object" && value !== null && Object.keys(value).length > 0;

/** Leaf entries of `value` by a plain recursive walk (fine for the small generated values). */
function walkLeaves(value: Json, style: Style): [string, Json][] {
  if (!isNonEmptyContainer(value)) return [["", value]];
  const leaves: [string, Json][] = [];
  const visit = (node: Json, path: string): void => {
    if (!isNonEmptyContainer(node)) {
      leaves.push([path, node]);
    } else if (Array.isArray(node)) {
      node.forEach((child, index) => visit(child, EXTEND[style].element(path, index)));
    } else {
      for (const [key, child] of Object.entries(node)) visit(child, EXTEND[style].member(path, key));
    }
  };
  visit(value, "");
  return leaves;
}

/** Whether some object's member names are exactly "0", "1", … in order (pointer text reads it as an array). */
function hasArrayLikeObject(value: Json): boolean {
  if (typeof value !== "object" || value === null) return false;
  const children = Object.values(value);
  if (!Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((key, index) => key === String(index))) return true;
  }
  return children.some(hasArrayLikeObject);
}

const flattenText = (value: Json, options?: ReferenceFlattenOptions) =>
  referenceFlatten(encode(JSON.stringify(value)), options);

describe("reference: properties", () => {
  test("leaf entries equal an independent walk, in every style", () => {
    checkProperty(
      fc.property(json, fc.constantFrom<Style>("js", "pointer", "flat"), (value, style) => {
        const entries = JSON.parse(flattenText(value, { style, format: "entries" }));
        expect(entries).toEqual(walkLeaves(normalized(value), style));
      }),
      { numRuns: 100 },
    );
  });

  test("grouped output gathers the leaves of each grouped path in document order", () => {
    checkProperty(
      fc.property(json, (value) => {
        const groups = new Map<string, Json[]>();
        for (const [path, leaf] of walkLeaves(normalized(value), "js")) {
          const grouped = path.replace(/\[\d+\]/g, "[]"); // keys never hold "[digits]" unquoted, so this is exact
          groups.set(grouped, [...(groups.get(grouped) ?? []), leaf]);
        }
        expect(JSON.parse(flattenText(value, { mode: "grouped", format: "entries" }))).toEqual([...groups]);
      }),
      { numRuns: 100 },
    );
  });

  test("js: unflatten(flatten(x)) is JSON.stringify(x), byte for byte", () => {
    checkProperty(
      fc.property(json, (value) => {
        const flat = flattenText(value);
        expect(referenceUnflatten(encode(flat))).toBe(JSON.stringify(value));
      }),
      { numRuns: 100 },
    );
  });

  test("pointer: unflatten(flatten(x)) is JSON.stringify(x) unless an object is named 0..n", () => {
    checkProperty(
      fc.property(json, (value) => {
        fc.pre(!hasArrayLikeObject(value));
        const flat = flattenText(value, { style: "pointer" });
        expect(referenceUnflatten(encode(flat), { style: "pointer" })).toBe(JSON.stringify(value));
      }),
      { numRuns: 100 },
    );
  });

  test("every output is valid JSON, whatever the options", () => {
    const options = fc.record(
      {
        style: fc.constantFrom<Style>("js", "pointer", "flat"),
        mode: fc.constantFrom("leaf" as const, "grouped" as const),
        format: fc.constantFrom("object" as const, "entries" as const),
        maxDepth: fc.integer({ min: 1, max: 4 }),
        arrays: fc.constantFrom("index" as const, "leaf" as const),
        delimiter: fc.constantFrom(".", "__", "->", "→", '"', "\\"),
      },
      { requiredKeys: ["style"] },
    );
    checkProperty(
      fc.property(json, options, (value, chosen) => {
        const flat = flattenText(value, chosen);
        expect(() => JSON.parse(flat)).not.toThrow();
        const rebuilt = outcomeOf(() => referenceUnflatten(encode(flat), chosen));
        if (rebuilt.ok) expect(() => JSON.parse(rebuilt.text)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  test("flat style agrees with npm flat (delimiter, maxDepth, safe)", () => {
    const noProtoKeys = (value: Json): boolean => !JSON.stringify(value).includes('"__proto__":');
    checkProperty(
      fc.property(
        json.filter((value) => isNonEmptyContainer(value) && noProtoKeys(value)),
        fc.constantFrom(".", "__", "->", "→"),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        fc.boolean(),
        (value, delimiter, maxDepth, safe) => {
          const ours = flattenText(value, { style: "flat", delimiter, maxDepth, arrays: safe ? "leaf" : "index" });
          expect(JSON.parse(ours)).toEqual(npmFlatten(normalized(value), { delimiter, maxDepth, safe }));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("reference: parser properties, against JSON.parse and TextDecoder", () => {
  const accepts = (text: string) => outcomeOf(() => referenceFlatten(encode(text))).ok;
  const jsonParseAccepts = (text: string) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  // No "d" in the alphabet, so no surrogate escape can be formed (JSON.parse accepts lone ones; we do not).
  const jsonAlphabet = fc.constantFrom(..."{}[],:\"\\/ \t\n\r0129-+.eEtrufalsnbx'".split(""));

  test("accepts exactly what JSON.parse accepts, on random text", () => {
    checkProperty(
      fc.property(fc.string({ unit: jsonAlphabet, maxLength: 14 }), (text) => {
        expect(accepts(text)).toBe(jsonParseAccepts(text));
      }),
      { numRuns: 5000 },
    );
  });

  test("accepts exactly what JSON.parse accepts, on valid JSON with one edit", () => {
    const edited = fc
      .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom("insert", "replace", "delete"), jsonAlphabet)
      .map(([text, at, edit, character]) => {
        const position = at % (text.length + 1);
        if (edit === "insert") return text.slice(0, position) + character + text.slice(position);
        if (edit === "replace") return text.slice(0, position) + character + text.slice(position + 1);
        return text.slice(0, position) + text.slice(position + 1);
      })
      .filter((text) => !/\\u[dD][89a-fA-F]/.test(text));
    checkProperty(
      fc.property(edited, (text) => {
        expect(accepts(text)).toBe(jsonParseAccepts(text));
      }),
      { numRuns: 3000 },
    );
  });

  test("errors always carry an offset inside the input", () => {
    checkProperty(
      fc.property(fc.uint8Array({ maxLength: 12 }), (input) => {
        const outcome = outcomeOf(() => referenceFlatten(input));
        if (!outcome.ok) {
          expect(outcome.error.offset).toBeGreaterThanOrEqual(0);
          expect(outcome.error.offset).toBeLessThanOrEqual(input.length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  // Raw string bytes without the quote, the backslash and control characters: single bytes, and lead bytes
  // (including the edge cases E0, ED, F0, F4) followed by up to three continuation bytes.
  const leadThenContinuations = fc
    .tuple(
      fc.constantFrom(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xff),
      fc.array(fc.integer({ min: 0x80, max: 0xbf }), { maxLength: 3 }),
    )
    .map(([lead, continuations]) => [lead, ...continuations]);
  const singleByte = fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x41, 0x7f)).map((byte) => [byte]);
  const stringBytes = fc
    .array(fc.oneof(leadThenContinuations, singleByte), { maxLength: 5 })
    .map((chunks) => chunks.flat());
  const valueOfString = (raw: number[], replaceInvalidUtf8: boolean) =>
    outcomeOf(() => referenceFlatten(bytes('"', raw, '"'), { replaceInvalidUtf8 }));

  test("strings are accepted exactly when they are valid UTF-8", () => {
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    checkProperty(
      fc.property(stringBytes, (raw) => {
        const outcome = valueOfString(raw, false);
        let decoded: string | undefined;
        try {
          decoded = strict.decode(Uint8Array.from(raw));
        } catch {
          decoded = undefined;
        }
        expect(outcome.ok ? JSON.parse(outcome.text)[""] : undefined).toBe(decoded);
      }),
      { numRuns: 3000 },
    );
  });

  test("replaceInvalidUtf8 decodes like a WHATWG TextDecoder", () => {
    const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
    checkProperty(
      fc.property(stringBytes, (raw) => {
        const outcome = valueOfString(raw, true);
        if (!outcome.ok) throw new Error(outcome.error.message);
        expect(JSON.parse(outcome.text)[""]).toBe(lenient.decode(Uint8Array.from(raw)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("reference: the suite's own expectations", () => {
  test("flat-style cases agree with npm flat where flat defines the behaviour", () => {
    let compared = 0;
    for (const testCase of flattenCases) {
      const options = testCase.options ?? {};
      const leafObject = options.mode !== "grouped" && options.format !== "entries";
      if (!("expect" in testCase) || options.style !== "flat" || !leafObject) continue;
      const input = typeof testCase.input === "string" ? encode(testCase.input) : testCase.input;
      const document = JSON.parse(new TextDecoder().decode(input));
      if (!isNonEmptyContainer(document)) continue; // flat gives {} for these; SPEC gives {"": value}
      const safe = options.arrays === "leaf";
      expect([testCase.name, JSON.parse(testCase.expect)]).toEqual([
        testCase.name,
        npmFlatten(document, { delimiter: options.delimiter, maxDepth: options.maxDepth, safe }),
      ]);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  test("no case leaves a trace on Object.prototype", () => {
    referenceUnflatten(encode('{"__proto__.polluted":1,"constructor.prototype.polluted":2}'));
    referenceUnflatten(encode('{"/__proto__/polluted":1}'), { style: "pointer" });
    referenceUnflatten(encode('{"__proto__.polluted":1}'), { style: "flat" });
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
