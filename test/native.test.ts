/**
 * @module native.test — the native core through the library: the conformance suite, JSONTestSuite, and
 * property tests that it agrees with the pure-TS reference byte for byte on random documents.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { flattenBytes, unflattenBytes } from "../src/index";
import { referenceFlatten, referenceUnflatten } from "../src/reference/index";
import { outcomeOf, runCases, type FlattenCallOptions, type Impl } from "./cases";
import { runJsonTestSuite } from "./jsontestsuite";
import { checkProperty } from "./fixtures/property";

const decoder = new TextDecoder();
const text = (bytes: Uint8Array) => decoder.decode(bytes);

/** The native core, bytes in and text out, as every front end reaches it. */
export const nativeImpl = {
  name: "native",
  flatten: (input, options) => outcomeOf(() => text(flattenBytes(input, options))),
  unflatten: (input, options) => outcomeOf(() => text(unflattenBytes(input, options))),
} satisfies Impl; // satisfies, not a type: the calls stay typed as synchronous for the property tests

runCases(nativeImpl);
runJsonTestSuite(nativeImpl);

/** Keys that break naive path code. */
const nastyKey = fc.oneof(
  fc.constantFrom("", ".", "[", "]", '"', "\\", "~", "/", "~1", "~0", "\u0000", "\u001f", "__proto__", "constructor",
    "prototype", "a.b", "a[0]", '["x"]', "0", "01", "1e3", "é", "😀", "\u2028", " "),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
);

const jsonDocument = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("null", "true", "false", "0", "-0", "1.0", "1e400", "-12.5e-3", "12345678901234567890", "9007199254740993"),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.string({ unit: "grapheme" }).map((s) => JSON.stringify(s)),
    fc.array(tie("value"), { maxLength: 5 }).map((items) => `[${items.join(",")}]`),
    // Distinct names: with duplicates, JSON.parse and a round trip legitimately disagree (see cases.ts for those).
    fc
      .uniqueArray(fc.tuple(nastyKey, tie("value")), { maxLength: 5, selector: ([key]) => key })
      .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value as fc.Arbitrary<string>;

const flattenOptions: fc.Arbitrary<FlattenCallOptions> = fc.record(
  {
    style: fc.constantFrom("js", "pointer", "flat"),
    delimiter: fc.constantFrom(".", "_", "::", "→"),
    mode: fc.constantFrom("leaf", "grouped", "schema"),
    maxDepth: fc.integer({ min: 1, max: 4 }),
    arrays: fc.constantFrom("index", "leaf"),
    format: fc.constantFrom("object", "entries"),
  },
  { requiredKeys: [] },
);

const encoder = new TextEncoder();

describe("property: native agrees with the reference", () => {
  test("flatten: same bytes or the same error code, for random documents and options", () => {
    checkProperty(
      fc.property(jsonDocument, flattenOptions, (doc, options) => {
        const input = encoder.encode(doc);
        const native = nativeImpl.flatten(input, options);
        const reference = outcomeOf(() => referenceFlatten(input, options));
        if (reference.ok) expect(native).toEqual(reference);
        else expect(native.ok ? "ok" : native.error.code).toBe(reference.error.code);
      }),
      { numRuns: 1500 },
    );
  });

  test("unflatten(flatten(x)) is x in js style, for random documents", () => {
    checkProperty(
      fc.property(jsonDocument, (doc) => {
        const input = encoder.encode(doc);
        const back = text(unflattenBytes(flattenBytes(input)));
        // Canonical text of x: the reference writes the same bytes for any document without duplicate keys.
        const canonical = referenceUnflatten(encoder.encode(referenceFlatten(input)));
        expect(back).toBe(canonical);
        expect(JSON.parse(back)).toEqual(JSON.parse(doc));
      }),
      { numRuns: 1000 },
    );
  });

  test("unflatten: same bytes or the same error code on flattened random documents in every style", () => {
    checkProperty(
      fc.property(jsonDocument, fc.constantFrom("js", "pointer", "flat") as fc.Arbitrary<"js" | "pointer" | "flat">, (doc, style) => {
        const flat = encoder.encode(referenceFlatten(encoder.encode(doc), { style }));
        const native = nativeImpl.unflatten(flat, { style });
        const reference = outcomeOf(() => referenceUnflatten(flat, { style }));
        if (reference.ok) expect(native).toEqual(reference);
        else expect(native.ok ? "ok" : native.error.code).toBe(reference.error.code);
      }),
      { numRuns: 1000 },
    );
  });
});
