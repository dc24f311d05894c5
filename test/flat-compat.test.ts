/**
 * `jsonflat/flat` against the real npm `flat` 6.0.1: every result must be the same, deep and in key order,
 * prototypes, holes, `-0`, NaN and shared references included; where flat throws, we throw the same class.
 *
 * Both engines are checked: the TypeScript port (small and non-JSON inputs, `transformKey`) through the
 * public API, and the native core's route both directly on small random inputs (whenever the router would
 * allow it) and through the public API on inputs large enough to be routed to it.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import * as npmFlat from "flat";
import { native } from "jsonflat/native";
import jsonflatFlat, { flatten, unflatten } from "jsonflat/flat";
import {
  coreFlattenOptions,
  coreUnflattenOptions,
  flattenWithCore,
  unflattenWithCore,
} from "../src/flat/native-calls";
import { NATIVE_FLATTEN_MIN_VALUES, NATIVE_UNFLATTEN_MIN_KEYS } from "../src/flat/native-route";
import { nativeUnflattenAgrees } from "../src/flat/native-unflatten-agrees";
import type { FlatFlattenOptions, FlatUnflattenOptions } from "../src/flat/options";
import { plainJsonShape } from "../src/flat/plain-json";
import { checkProperty } from "./fixtures/property";

/*------------------------------------------------------------------------------
 * Comparing results
 *----------------------------------------------------------------------------*/

/**
 * A structure `toEqual` can compare that keeps what `toEqual` ignores: key order, prototypes, holes and
 * named members of arrays, `-0`, NaN, undefined members, and which function or symbol sits where.
 */
function snapshot(value: unknown): unknown {
  const identities = new Map<unknown, number>();
  const ancestors: object[] = [];
  const identity = (v: unknown) => {
    if (!identities.has(v)) identities.set(v, identities.size);
    return identities.get(v);
  };
  function visit(v: unknown): unknown {
    switch (typeof v) {
      case "number":
        return Object.is(v, -0) ? ["-0"] : Number.isNaN(v) ? ["NaN"] : v;
      case "undefined":
        return ["undefined"];
      case "bigint":
        return ["bigint", String(v)];
      case "symbol":
      case "function":
        return [typeof v, identity(v)];
      case "string":
      case "boolean":
        return v;
    }
    if (v === null) return null;
    const o = v as Record<string, unknown>;
    if (ancestors.includes(o)) return ["cycle", ancestors.indexOf(o)];
    const proto: unknown = Object.getPrototypeOf(o);
    const kind = proto === Object.prototype ? "object" : proto === Array.prototype ? "array"
      : proto === null ? "null-prototype" : `${(proto as { constructor?: { name?: string } }).constructor?.name}`;
    if (ArrayBuffer.isView(o)) return [kind, Array.from(new Uint8Array(o.buffer, o.byteOffset, o.byteLength))];
    if (o instanceof Date) return [kind, o.getTime()];
    ancestors.push(o);
    const members = Object.keys(o).map((key) => [key, visit(o[key])]);
    ancestors.pop();
    return [kind, Array.isArray(o) ? o.length : -1, members];
  }
  return visit(value);
}

/** What a call gave: its result's snapshot, or the class of what it threw. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: snapshot(run()) };
  } catch (error) {
    return { threw: (error as Error)?.constructor?.name ?? typeof error };
  }
}

/**
 * A fresh copy of an input, so that a call writing into its input (flat's unflatten writes later paths into
 * an empty array, or a buffer-like object, that it placed in its result) cannot change what the other side,
 * or a later run, sees. Everything flat can walk into (tagged Object or Array) is copied with its prototype,
 * holes and own `__proto__` members; other values (Dates, Maps, Buffers, functions) are shared.
 */
function copyInput<T>(value: T, copies = new Map<object, object>()): T {
  const tag = Object.prototype.toString.call(value);
  if (tag !== "[object Object]" && tag !== "[object Array]") return value;
  const original = value as Record<string, unknown>;
  const known = copies.get(original);
  if (known) return known as T;
  const copy: Record<string, unknown> = Array.isArray(original)
    ? Object.setPrototypeOf(new Array(original.length), Object.getPrototypeOf(original))
    : Object.create(Object.getPrototypeOf(original));
  copies.set(original, copy);
  for (const key of Object.keys(original)) {
    Object.defineProperty(copy, key, { value: copyInput(original[key], copies), enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}

function expectFlattenLikeFlat(input: unknown, options?: FlatFlattenOptions): void {
  expect(outcome(() => flatten(copyInput(input), copyInput(options))))
    .toEqual(outcome(() => npmFlat.flatten(copyInput(input), copyInput(options))));
}

function expectUnflattenLikeFlat(input: unknown, options?: FlatUnflattenOptions): void {
  expect(outcome(() => unflatten(copyInput(input), copyInput(options))))
    .toEqual(outcome(() => npmFlat.unflatten(copyInput(input), copyInput(options))));
}

/** Native allocations made while `run` runs: zero means the native core was not called. */
function coreBlocksDuring(run: () => unknown): number {
  const before = native().allocStats().totalBlocks;
  run();
  return native().allocStats().totalBlocks - before;
}

/*------------------------------------------------------------------------------
 * Inputs
 *----------------------------------------------------------------------------*/

/** Enough plain values to send a document they are part of to the native flatten. */
const FLATTEN_PADDING = Array.from({ length: NATIVE_FLATTEN_MIN_VALUES }, (_, i) => i);

/** `input`'s members followed by enough `padding.k<i>` keys to send it to the native unflatten. */
function padKeys(input: object, options: FlatUnflattenOptions = {}): Record<string, unknown> {
  const d = options.delimiter || ".";
  const padding = Array.from({ length: NATIVE_UNFLATTEN_MIN_KEYS }, (_, i): [string, unknown] => [`padding${d}k${i}`, i]);
  return ownObject([...Object.entries(input), ...padding]);
}

/** Keys that trip up path splitting, number parsing, prototypes and the native core's index rules. */
const NASTY_KEYS = [
  "", ".", "..", "a.b", ".a", "a.", "_", "__", "a_b", ":", "::", "a::b", "→", "a→b",
  "0", "1", "2", "10", "01", "00", "1e3", " 1", "1 ", "-1", "+1", "0x1", "1.5", ".5", "Infinity", "NaN",
  "999999999", "4294967295", "12345678901",
  "__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "length",
  "é", "日本", "\u0000", "\n", "\ud800", "😀",
];

const key = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_KEYS) },
  { weight: 3, arbitrary: fc.constantFrom("a", "b", "c", "x") },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3, unit: "binary" }) },
);

/** An object with these members in this order; `defineProperty` so `__proto__` is an own member. */
function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  return object;
}

/** JSON scalars, without `-0` (JSON cannot carry it, so it is one of the non-JSON cases below). */
const jsonScalar = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  fc.boolean(),
  fc.constant(null),
);

class Point {
  x = 1;
  y = 2;
}
class Empty {}
/** Tagged `[object Object]` but a buffer by flat's duck test, so a leaf. */
class DuckBuffer {
  static isBuffer(value: unknown): boolean {
    return value instanceof DuckBuffer;
  }
  byte = 1;
}
const aFunction = () => 1;
const aSymbol = Symbol("s");

/** Values JSON cannot carry, or carries differently from the JS value. */
const nonJsonValue = fc.constantFrom<unknown>(
  undefined, NaN, -0, Infinity, -Infinity, 10n, aSymbol, aFunction,
  new Date(0), Buffer.from("ab"), new Uint8Array([1, 2]), new Map([[1, 2]]), new Point(), new Empty(), new DuckBuffer(),
  Object.assign(Object.create(null), { a: 1 }), Object.create(null), [, 1], new Array(2), Object.assign([1], { named: 2 }),
  Object.assign(Object.create(null), { "": { b: 1 } }),
);

function documents(scalar: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ tree: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("array"), tie("object")),
    array: fc.array(tie("tree"), { maxLength: 4 }),
    object: fc.array(fc.tuple(key, tie("tree")), { maxLength: 5 }).map(ownObject),
  })).tree;
}

const plainDocument = documents(jsonScalar);
const anyDocument = documents(fc.oneof({ weight: 3, arbitrary: jsonScalar }, { weight: 1, arbitrary: nonJsonValue }));
const containerDocument = fc.oneof(
  fc.array(fc.tuple(key, plainDocument), { minLength: 1, maxLength: 6 }).map(ownObject),
  fc.array(plainDocument, { minLength: 1, maxLength: 4 }),
);

const delimiter = fc.constantFrom(undefined, ".", "_", "::", "→", "");
const maxDepth = fc.constantFrom(undefined, 0, 1, 2, 3, 4);
const flattenOptions: fc.Arbitrary<FlatFlattenOptions> = fc.record(
  { delimiter, maxDepth, safe: fc.boolean() },
  { requiredKeys: [] },
);
const unflattenOptions: fc.Arbitrary<FlatUnflattenOptions> = fc.record(
  { delimiter, maxDepth, safe: fc.boolean(), object: fc.boolean(), overwrite: fc.boolean() },
  { requiredKeys: [] },
);
const transformKey = fc.constantFrom(
  (k: string) => `__${k}__`,
  (k: string) => k.substring(2, k.length - 2),
  (k: string) => k.toUpperCase(),
  (k: string) => (k === "b" ? "" : k),
);

/** Segments of flattened keys: mostly names and small indexes, plus everything flat reads oddly. */
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "c") },
  { weight: 4, arbitrary: fc.constantFrom("0", "1", "2", "3") },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_KEYS) },
);
const flatValue = fc.oneof(
  { weight: 6, arbitrary: jsonScalar },
  { weight: 2, arbitrary: fc.constantFrom<unknown>({}, []) },
  { weight: 1, arbitrary: fc.array(jsonScalar, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: plainDocument },
  { weight: 1, arbitrary: nonJsonValue },
);
/** An object of delimited keys with random segments, joined with the delimiter the options use. */
const delimitedKeys = fc.tuple(unflattenOptions, fc.array(fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), flatValue), { maxLength: 8 }))
  .map(([options, members]) => {
    const d = options.delimiter || ".";
    return { options, input: ownObject(members.map(([path, value]) => [path.join(d), value])) };
  });
/** flat's own flatten output of a random document, as `unflatten` usually receives it. */
const flattenedDocuments = fc.tuple(unflattenOptions, anyDocument.filter((d) => d !== null && d !== undefined)).map(([options, document]) => {
  let input: Record<string, unknown>;
  try {
    input = npmFlat.flatten(document, { delimiter: options.delimiter, safe: options.safe, maxDepth: options.maxDepth });
  } catch {
    // A "__proto__" path can give flat's result a typed array as prototype; writing a member then throws.
    input = {};
  }
  return { options, input };
});

/*------------------------------------------------------------------------------
 * flatten
 *----------------------------------------------------------------------------*/

describe("flatten", () => {
  test("property: matches flat on random documents with nasty keys, for every option combination", () => {
    checkProperty(fc.property(plainDocument, flattenOptions, (input, options) => expectFlattenLikeFlat(input, options)), { numRuns: 4000 });
  });

  test("property: matches flat on fc.jsonValue documents", () => {
    checkProperty(fc.property(fc.jsonValue(), flattenOptions, (input, options) => expectFlattenLikeFlat(input, options)), { numRuns: 1500 });
  });

  test("property: matches flat on values JSON cannot carry (Date, Buffer, undefined, functions, NaN, -0, class instances ...)", () => {
    checkProperty(fc.property(anyDocument, flattenOptions, (input, options) => expectFlattenLikeFlat(input, options)), { numRuns: 3000 });
  });

  test("property: matches flat with transformKey", () => {
    checkProperty(
      fc.property(anyDocument, flattenOptions, transformKey, (input, options, transform) =>
        expectFlattenLikeFlat(input, { ...options, transformKey: transform })),
      { numRuns: 1000 },
    );
  });

  test("property: the native core's answer is flat's wherever the router may use it", () => {
    let answered = 0;
    checkProperty(
      fc.property(containerDocument, flattenOptions, (input, options) => {
        const core = coreFlattenOptions(options);
        if (!core || !plainJsonShape(input)) return;
        const result = flattenWithCore(copyInput(input) as object, core);
        if (result === undefined) return;
        answered++;
        expect(snapshot(result)).toEqual(snapshot(npmFlat.flatten(copyInput(input), options)));
      }),
      { numRuns: 4000 },
    );
    expect(answered).toBeGreaterThan(1500);
  });

  test("property: large plain documents go through the native core and match flat", () => {
    const padding = FLATTEN_PADDING;
    let native = 0;
    checkProperty(
      fc.property(key, plainDocument, key, plainDocument, flattenOptions, (k1, doc1, k2, doc2, options) => {
        const input = ownObject([[k1, doc1], ["padding", padding], [k2, doc2]]);
        expectFlattenLikeFlat(input, options);
        if (!coreFlattenOptions(options)) return;
        // Strings JSON cannot encode make the core refuse the input, which is fine: the port answers.
        if (coreBlocksDuring(() => flatten(input, options)) > 0) native++;
        else expect(JSON.stringify(input)).toMatch(/\\ud[89a-f]/);
      }),
      { numRuns: 150 },
    );
    expect(native).toBeGreaterThan(100);
  });

  test("flat's README examples", () => {
    const nested = { key1: { keyA: "valueI" }, key2: { keyB: "valueII" }, key3: { a: { b: { c: 2 } } } };
    expect(flatten(nested)).toEqual({ "key1.keyA": "valueI", "key2.keyB": "valueII", "key3.a.b.c": 2 });
    expect(flatten(nested, { maxDepth: 2 })).toEqual({ "key1.keyA": "valueI", "key2.keyB": "valueII", "key3.a": { b: { c: 2 } } });
    expect(flatten(nested, { transformKey: (k) => `__${k}__` })).toEqual({
      "__key1__.__keyA__": "valueI",
      "__key2__.__keyB__": "valueII",
      "__key3__.__a__.__b__.__c__": 2,
    });
    const arrays = { this: [{ contains: "arrays" }, { preserving: { them: "for you" } }] };
    expect(flatten(arrays, { safe: true })).toEqual(arrays);
    expect(jsonflatFlat.flatten).toBe(flatten);
    expect(jsonflatFlat.unflatten).toBe(unflatten);
  });

  const quirks: [string, () => unknown, FlatFlattenOptions?][] = [
    ["a string root gives its characters", () => "abc"],
    ["a number root gives {}", () => 5],
    ["a null root throws TypeError", () => null],
    ["an undefined root throws TypeError", () => undefined],
    ["an empty object root", () => ({})],
    ["an empty array root", () => []],
    ["a root array is numbered even with safe", () => [[1, 2], { a: [3] }], { safe: true }],
    ["a Date root", () => new Date(0)],
    ["a Buffer root", () => Buffer.from("ab")],
    ["an empty-key prefix is dropped", () => ({ "": { "": { a: { "": 1 } } } })],
    ["a falsy transformed prefix is dropped", () => ({ b: { c: 1 } }), { transformKey: (k) => (k === "b" ? "" : k) }],
    ["colliding paths: last value, first position", () => ({ "a.b": 1, c: 2, a: { b: 3 } })],
    ["integer-like paths come first", () => ({ b: 1, 2: { 1: "x" }, a: [5] })],
    ["a __proto__ path sets the result's prototype", () => ({ "": { ["__proto__"]: { x: 1 } } })],
    ["a cycle under maxDepth", () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      return cyclic;
    }, { maxDepth: 3 }],
    ["a cycle without maxDepth overflows the stack as in flat", () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      return cyclic;
    }],
    ["named members on an array", () => ({ a: Object.assign([1], { named: { b: 2 } }) })],
    ["values JSON cannot carry beside plain ones", () => ({
      a: [, 1], b: -0, c: NaN, d: new Date(0), e: undefined, f: aFunction, g: 10n, h: new Point(), i: Object.create(null),
    })],
    ["a Buffer leaf with safe", () => ({ a: Buffer.from("ab"), b: [Buffer.from("c")] }), { safe: true }],
    ["a fractional maxDepth", () => ({ a: { b: { c: { d: 1 } } } }), { maxDepth: 1.5 }],
    ["a negative maxDepth", () => ({ a: { b: 1 } }), { maxDepth: -1 }],
    ["a long delimiter", () => ({ a: { b: 1 } }), { delimiter: "-".repeat(40) }],
    ["a number delimiter", () => ({ a: { b: 1 } }), { delimiter: 7 as unknown as string }],
  ];
  // A loop, not test.each: Bun would take the options parameter of a two-element row for a `done` callback.
  for (const [name, make, options] of quirks) {
    test(name, () => {
      expectFlattenLikeFlat(make(), options);
      // Next to enough other values for the router to pick the native core where it can.
      expectFlattenLikeFlat(ownObject([["padding", FLATTEN_PADDING], ["quirk", make()]]), options);
    });
  }
});

/*------------------------------------------------------------------------------
 * unflatten
 *----------------------------------------------------------------------------*/

describe("unflatten", () => {
  test("property: matches flat on flat's own flatten output, for every option combination", () => {
    checkProperty(fc.property(flattenedDocuments, ({ input, options }) => expectUnflattenLikeFlat(input, options)), { numRuns: 3000 });
  });

  test("property: matches flat on random delimited keys (numbers by Number(), holes, conflicts, inherited names)", () => {
    checkProperty(fc.property(delimitedKeys, ({ input, options }) => expectUnflattenLikeFlat(input, options)), { numRuns: 4000 });
  });

  test("property: matches flat with transformKey", () => {
    checkProperty(
      fc.property(delimitedKeys, transformKey, ({ input, options }, transform) =>
        expectUnflattenLikeFlat(input, { ...options, transformKey: transform })),
      { numRuns: 1000 },
    );
  });

  test("property: the native core's answer is flat's wherever nativeUnflattenAgrees lets the router use it", () => {
    let answered = 0;
    checkProperty(
      fc.property(fc.oneof(delimitedKeys, flattenedDocuments), ({ input, options }) => {
        const core = coreUnflattenOptions(options);
        // The router's conditions: a plain object, options the core can read, keys it reads as flat does.
        if (Object.getPrototypeOf(input) !== Object.prototype || Object.prototype.toString.call(input) !== "[object Object]") return;
        if (!core || !nativeUnflattenAgrees(input, core.delimiter, core.object)) return;
        const result = unflattenWithCore(copyInput(input), core);
        if (result === undefined) return;
        answered++;
        expect(snapshot(result)).toEqual(snapshot(npmFlat.unflatten(copyInput(input), options)));
      }),
      { numRuns: 6000 },
    );
    expect(answered).toBeGreaterThan(1500);
  });

  test("property: large inputs go through the native core and match flat", () => {
    let native = 0;
    checkProperty(
      fc.property(fc.oneof(flattenedDocuments, delimitedKeys), ({ input, options }) => {
        const padded = padKeys(input, options);
        expectUnflattenLikeFlat(padded, options);
        const core = coreUnflattenOptions(options);
        if (core && nativeUnflattenAgrees(padded, core.delimiter, core.object)) {
          expect(coreBlocksDuring(() => unflatten(copyInput(padded), options))).toBeGreaterThan(0);
          native++;
        }
      }),
      { numRuns: 300 },
    );
    expect(native).toBeGreaterThan(60);
  });

  test("flat's README examples", () => {
    expect(unflatten({ "three.levels.deep": 42, "three.levels": { nested: true } }))
      .toEqual({ three: { levels: { deep: 42, nested: true } } });
    expect(unflatten({ "hello.you.0": "ipsum", "hello.you.1": "lorem", "hello.other.world": "foo" }, { object: true }))
      .toEqual({ hello: { you: { 0: "ipsum", 1: "lorem" }, other: { world: "foo" } } });
    expect(unflatten({ TRAVIS: "true", "TRAVIS.DIR": "/home/travis/build/kvz/environmental" }, { overwrite: true }))
      .toEqual({ TRAVIS: { DIR: "/home/travis/build/kvz/environmental" } });
    expect(unflatten({ TRAVIS: "true", "TRAVIS.DIR": "/home/travis/build/kvz/environmental" }))
      .toEqual({ TRAVIS: "true" });
    expect(unflatten(
      { "__key1__.__keyA__": "valueI", "__key2__.__keyB__": "valueII", "__key3__.__a__.__b__.__c__": 2 },
      { transformKey: (k) => k.substring(2, k.length - 2) },
    )).toEqual({ key1: { keyA: "valueI" }, key2: { keyB: "valueII" }, key3: { a: { b: { c: 2 } } } });
  });

  const quirks: [string, () => unknown, FlatUnflattenOptions?][] = [
    ["segments that are numbers to Number()", () => ({ "a.01": 1, "b.1e3": 2, "c.": 3, "d. 1": 4, "e.0x1": 5, "f.-1": 6, "": 7 })],
    ["a hole-leaving index", () => ({ "a.2": "x", "a.0": "y" })],
    ["an index then a name on one array", () => ({ "a.0": 1, "a.b": 2 })],
    ["a length segment on an array", () => ({ "a.0": 1, "a.length": 3 })],
    ["an invalid array length throws RangeError", () => ({ "a.0": 1, "a.length": "x" })],
    ["paths through inherited names are dropped", () => ({ "constructor.a": 1, "toString.b": 2, "__proto__.c": 3, "x.__proto__": { y: 1 } })],
    ["paths through inherited names replace them with overwrite", () => ({ "constructor.a": 1, "valueOf.b": 2 }), { overwrite: true }],
    ["a value in the way without overwrite", () => ({ a: 1, "a.b": 2, "c.d": 3, c: 4 })],
    ["a value in the way with overwrite", () => ({ a: 1, "a.b": 2, "c.d": 3, c: 4 }), { overwrite: true }],
    ["an array left behind and entered again with a name", () => ({ "a.0": 1, b: 2, "a.x": 3 })],
    ["an array left behind and entered again past its end", () => ({ "a.0": 1, b: 2, "a.2": 3 })],
    ["a path through the caller's empty array writes into it, and into its aliases", () => {
      const shared: unknown[] = [];
      return { "0": shared, a: shared, "0.0": [false] };
    }],
    ["a later empty object replaces a container", () => ({ "a.b": 1, a: {} })],
    ["non-empty object values are flattened first", () => ({ "a.b": { "c.d": 1, e: [1, { f: 2 }] } })],
    ["non-empty values with safe and maxDepth", () => ({ a: { b: [{ "c.d": 1 }], e: { f: { g: 1 } } } }), { safe: true, maxDepth: 2 }],
    ["a whole key __proto__ that the delimiter splits", () => ownObject([["__proto__", {}], ["__proto__x", 1]]), { delimiter: "_", object: true }],
    ["object: true never makes arrays", () => ({ "a.0": 1, "a.01": 2, "b.": 3 }), { object: true }],
    ["an array target is returned as is", () => [{ "a.b": 1 }]],
    ["a string target is returned as is", () => "a.b"],
    ["a null target is returned as is", () => null],
    ["a Buffer target is returned as is", () => Buffer.from("ab")],
    ["a duck-typed buffer target is returned as is", () => new DuckBuffer()],
    ["a null-prototype target is returned as is", () => Object.assign(Object.create(null), { "a.b": 1 })],
    ["a class instance target", () => new Point()],
    ["Date, Buffer, undefined, function and NaN values", () => ({ "a.d": new Date(0), "a.b": Buffer.from("x"), "a.u": undefined, "a.f": aFunction, "a.n": NaN })],
    ["an empty class instance value becomes {}", () => ({ "a.e": new Empty() })],
    ["a root whose keys are 0, 1, ...", () => Object.fromEntries(Array.from({ length: NATIVE_UNFLATTEN_MIN_KEYS }, (_, i) => [`${i}.a`, i]))],
    ["a large input with a conflict", () => ({ ...Object.fromEntries(Array.from({ length: NATIVE_UNFLATTEN_MIN_KEYS }, (_, i) => [`p.k${i}`, i])), "p.k3.x": 1 })],
    ["a large input with a hole", () => ({ ...Object.fromEntries(Array.from({ length: NATIVE_UNFLATTEN_MIN_KEYS }, (_, i) => [`p.${i}`, i])), "q.5": 1 })],
  ];
  for (const [name, make, options] of quirks) {
    test(name, () => {
      expectUnflattenLikeFlat(make(), options);
      // Padded past the router's threshold, so plain inputs meet the native route too.
      const input = make();
      if (Object.prototype.toString.call(input) === "[object Object]") expectUnflattenLikeFlat(padKeys(input as object, options), options);
    });
  }
});

/*------------------------------------------------------------------------------
 * Routing
 *----------------------------------------------------------------------------*/

describe("routing", () => {
  // A number-heavy document, the kind the core flattens faster than the port.
  const large = {
    type: "FeatureCollection",
    features: Array.from({ length: 40 }, (_, f) => ({
      id: f,
      geometry: { coordinates: Array.from({ length: 60 }, (_, i) => [f + i / 7, -(i + 1) / 3]) },
    })),
  };

  test("a large plain document is flattened by the native core, and flat's answer comes back", () => {
    let result: unknown;
    expect(coreBlocksDuring(() => (result = flatten(large)))).toBeGreaterThan(0);
    expect(snapshot(result)).toEqual(snapshot(npmFlat.flatten(large)));
  });

  test("its flattened form is unflattened by the native core, and flat's answer comes back", () => {
    const flattened = npmFlat.flatten(large) as Record<string, unknown>;
    let result: unknown;
    expect(coreBlocksDuring(() => (result = unflatten(flattened)))).toBeGreaterThan(0);
    expect(snapshot(result)).toEqual(snapshot(npmFlat.unflatten(flattened)));
  });

  test("small inputs, non-JSON values and transformKey stay in TypeScript", () => {
    expect(coreBlocksDuring(() => flatten({ a: { b: 1 } }))).toBe(0);
    expect(coreBlocksDuring(() => unflatten({ "a.b": 1 }))).toBe(0);
    expect(coreBlocksDuring(() => flatten({ ...large, when: new Date(0) }))).toBe(0);
    expect(coreBlocksDuring(() => flatten({ ...large, zero: -0 }))).toBe(0);
    expect(coreBlocksDuring(() => flatten(large, { transformKey: (k) => k }))).toBe(0);
  });
});
