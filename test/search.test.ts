/**
 * @module search.test — search by path glob, short key and value: examples, NDJSON line numbers and limits, the
 * CLI's grep-like status, hostile queries (the JF_QUERY_MAX_* limits, also through the HTTP handler), numbers
 * equal by exact value at any exponent, and property tests against an independent walk over `JSON.parse`
 * results, deep documents and the TS reference's exact decimals.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { compileQuery, JsonFlatError, QUERY_LIMITS, search, searchAll } from "../src/index";
import { native } from "../src/native";
import { exactDecimal } from "../src/reference/lookup";
import { createHandler } from "../src/server/index";
import { BUN } from "./fixtures/child-bun";
import { checkProperty } from "./fixtures/property";

const doc = {
  a: { id: 1, b: { id: "1", c: [{ id: 1.0 }, { id: 2, x: [true, null] }] } },
  items: [{ price: 5 }, { price: 7, "odd key": { "*": 0 } }],
  id: -0,
  empty: {},
};

describe("queries", () => {
  const hits = (query: Parameters<typeof search>[1], style?: "js" | "pointer") => search(doc, query, { style }).hits;
  test("short key, in document order", () => {
    expect(hits({ key: "id" })).toEqual([["a.id", 1], ["a.b.id", "1"], ["a.b.c[0].id", 1], ["a.b.c[1].id", 2], ["id", 0]]);
  });
  test("value is type-aware and numbers compare by value", () => {
    expect(hits({ value: 1 }).map(([p]) => p)).toEqual(["a.id", "a.b.c[0].id"]);
    expect(hits({ value: "1" }).map(([p]) => p)).toEqual(["a.b.id"]);
    expect(hits({ value: 0 }).map(([p]) => p)).toEqual(["items[1][\"odd key\"][\"*\"]", "id"]);
    expect(hits({ value: null }).map(([p]) => p)).toEqual(["a.b.c[1].x[1]"]);
    expect(hits({ value: {} }).map(([p]) => p)).toEqual(["empty"]);
    expect(search('{"n":1.50,"m":15e-1,"k":1.5000001}', { value: 1.5 }).count).toBe(2);
    expect(search('{"n":12345678901234567890}', { value: 12345678901234567890n }).count).toBe(1);
    expect(search('{"n":12345678901234567891}', { value: 12345678901234567890n }).count).toBe(0);
  });
  test("globs: * one member, [*] any index, ** any depth, quoted names", () => {
    expect(hits({ path: "items[*].price" }).map(([p]) => p)).toEqual(["items[0].price", "items[1].price"]);
    expect(hits({ path: "a.*.id" }).map(([p]) => p)).toEqual(["a.b.id"]);
    expect(hits({ path: "a.**.id" }).map(([p]) => p)).toEqual(["a.id", "a.b.id", "a.b.c[0].id", "a.b.c[1].id"]);
    expect(hits({ path: "**.x[*]" }).map(([p]) => p)).toEqual(["a.b.c[1].x[0]", "a.b.c[1].x[1]"]);
    expect(hits({ path: 'items[1]["odd key"]["*"]' })).toEqual([['items[1]["odd key"]["*"]', 0]]);
    expect(hits({ path: "**" }).length).toBe(11);
    expect(hits({ path: "a.b.c[1].x[0]" })).toEqual([["a.b.c[1].x[0]", true]]);
  });
  test("criteria combine with AND, hits come in the requested style", () => {
    expect(hits({ path: "a.**", key: "id", value: 2 }, "pointer")).toEqual([["/a/b/c/1/id", 2]]);
  });
  test("limit stops early", () => {
    expect(hits({ key: "id", limit: 2 }).length).toBe(2);
  });
  test("bad queries are INVALID_OPTION", () => {
    for (const bad of [{ path: "a..b" }, { path: "a[01]" }, { path: "[x]" }, { limit: 0 }, { bogus: 1 } as never]) {
      expect(() => compileQuery(bad)).toThrow(JsonFlatError);
    }
  });
  test("a compiled query is reused and freed", () => {
    Bun.gc(true);
    const before = native().allocStats().liveBlocks;
    const q = compileQuery({ key: "id" });
    for (let i = 0; i < 100; i++) expect(search(doc, q).count).toBe(5);
    q.dispose();
    q.dispose();
    expect(native().allocStats().liveBlocks).toBe(before);
    expect(() => search(doc, q)).toThrow("disposed");
  });
});

describe("NDJSON", () => {
  const lines = '{"id":1}\n\n{"x":{"id":2}}\nbad\n{"id":3}\n';
  test("hits carry line numbers; bad lines follow onError", async () => {
    expect(await searchAll(new Blob([lines]).stream(), { key: "id" }, { onError: "skip" })).toEqual([
      { line: 1, path: "id", value: 1 },
      { line: 3, path: "x.id", value: 2 },
      { line: 5, path: "id", value: 3 },
    ]);
    await expect(searchAll(new Blob([lines]).stream(), { key: "id" })).rejects.toMatchObject({ code: "INVALID_JSON", line: 4 });
  });
  test("the limit holds across chunks", async () => {
    const many = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, tag: i % 2 ? "odd" : "even" })).join("\n");
    const hits = await searchAll(new Blob([many]).stream(), { key: "tag", value: "odd", limit: 7 }, { chunkBytes: 100 });
    expect(hits.map((h) => h.line)).toEqual([2, 4, 6, 8, 10, 12, 14]);
  });
  test("Open Library works: every subject equal to Fiction, with its line", async () => {
    const works = new URL("../../shared/data/openlibrary/works-head-n1000.txt", import.meta.url).pathname;
    const hits = await searchAll(works, { path: "subjects[*]", value: "Fiction" }, { column: 5 });
    const text = await Bun.file(works).text();
    const expected = text
      .split("\n")
      .flatMap((line, i) => (line ? [[i + 1, JSON.parse(line.split("\t")[4]!)] as const] : []))
      .flatMap(([line, json]) => ((json.subjects ?? []) as unknown[]).flatMap((s, j) => (s === "Fiction" ? [{ line, path: `subjects[${j}]`, value: s }] : [])));
    expect(hits).toEqual(expected);
  });
});

describe("CLI", () => {
  const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
  const run = (args: string[], stdin: string) => {
    const p = Bun.spawnSync([BUN, CLI, "search", ...args], { stdin: new TextEncoder().encode(stdin) });
    return { code: p.exitCode, out: p.stdout.toString() };
  };
  test("grep-like status: 0 found, 1 none, 2 trouble", () => {
    expect(run(["--key", "id"], '{"a":{"id":1}}')).toEqual({ code: 0, out: '["a.id",1]\n' });
    expect(run(["--key", "nope"], '{"a":{"id":1}}')).toEqual({ code: 1, out: "" });
    expect(run(["--path", "a..b"], "{}").code).toBe(2);
    expect(run(["--key", "a"], "{").code).toBe(2);
    expect(run(["--ndjson", "--count", "--value", '"x"'], '{"a":"x"}\n["x","y"]\n')).toEqual({ code: 0, out: "2\n" });
  });
});

/*------------------------------------------------------------------------------
 * Property: native search equals an independent walk
 *----------------------------------------------------------------------------*/

type Segment = string | number;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function jsPath(segments: Segment[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : IDENTIFIER.test(s) ? `${i ? "." : ""}${s}` : `[${JSON.stringify(s)}]`))
    .join("");
}

function* leaves(value: unknown, segments: Segment[] = []): Generator<[Segment[], unknown]> {
  if (Array.isArray(value) && value.length) for (const [i, v] of value.entries()) yield* leaves(v, [...segments, i]);
  else if (value && typeof value === "object" && Object.keys(value).length)
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...segments, k]);
  else yield [segments, value];
}

type Token = { name: string } | { index: number } | "*" | "[*]" | "**";

function matches(tokens: Token[], segs: Segment[]): boolean {
  if (tokens.length === 0) return segs.length === 0;
  const [t, ...rest] = tokens as [Token, ...Token[]]; // not empty: checked above
  if (t === "**") return segs.some((_, i) => matches(rest, segs.slice(i))) || matches(rest, []);
  if (segs.length === 0) return false;
  const s = segs[0]!;
  const ok = t === "*" ? typeof s === "string" : t === "[*]" ? typeof s === "number" : "name" in t ? s === t.name : s === t.index;
  return ok && matches(rest, segs.slice(1));
}

function globText(tokens: Token[]): string {
  return tokens
    .map((t, i) => {
      if (t === "*" || t === "**") return `${i ? "." : ""}${t}`;
      if (t === "[*]") return "[*]";
      if ("index" in t) return `[${t.index}]`;
      return IDENTIFIER.test(t.name) ? `${i ? "." : ""}${t.name}` : `[${JSON.stringify(t.name)}]`;
    })
    .join("");
}

const keyArb = fc.constantFrom("a", "b", "id", "", "x y", "*", "0", '"', "é");
const valueArb = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, 1, 1.5, -2, "1", "a", ""),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(keyArb, tie("v"), { maxKeys: 3 }),
  ),
})).v;
const tokenArb: fc.Arbitrary<Token> = fc.oneof(
  keyArb.map((name) => ({ name })),
  fc.integer({ min: 0, max: 2 }).map((index) => ({ index })),
  fc.constantFrom<Token>("*", "[*]", "**"),
);

test("property: search equals an independent walk for random documents and queries", () => {
  checkProperty(
    fc.property(
      valueArb,
      fc.option(fc.array(tokenArb, { minLength: 1, maxLength: 4 }), { nil: undefined }),
      fc.option(keyArb, { nil: undefined }),
      fc.option(fc.constantFrom(null, true, 0, 1, 1.5, "1", "a"), { nil: undefined }),
      (value, tokens, key, wanted) => {
        const query = { path: tokens && globText(tokens), key, value: wanted };
        const expected = [...leaves(value)]
          .filter(([segs]) => key === undefined || (segs.length > 0 && typeof segs.at(-1) === "string" && segs.at(-1) === key))
          .filter(([, v]) => wanted === undefined || Object.is(v, wanted) || (v === wanted && v !== null) || (v === null && wanted === null))
          .filter(([segs]) => tokens === undefined || matches(tokens, segs))
          .map(([segs, v]): [string, unknown] => [jsPath(segs), v]);
        expect(search(JSON.stringify(value), query).hits).toEqual(expected);
      },
    ),
    { numRuns: 2000 },
  );
});

/*------------------------------------------------------------------------------
 * Hostile queries: limits, collapsed runs of **, deep documents (issue 15)
 *----------------------------------------------------------------------------*/

/** `count` copies of `segment` joined by dots, then `tail`. */
const repeated = (segment: string, count: number, tail = "") => Array.from({ length: count }, () => segment).join(".") + tail;

/** The native compiler's verdict on a query text, bypassing the TS checks. */
function nativeRefusal(text: string): string {
  try {
    native().freeQuery(native().compileQuery(new TextEncoder().encode(text)));
    return "compiled";
  } catch (error) {
    return error instanceof JsonFlatError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe("hostile queries", () => {
  test("runs of ** collapse: 20,000 of them find what one finds", () => {
    const one = search(doc, { path: "**.id" }).hits;
    expect(search(doc, { path: repeated("**", 20_000, ".id") }).hits).toEqual(one);
    expect(search(doc, { path: "a.**.**.**.b.**.**.id" }).hits).toEqual(search(doc, { path: "a.**.b.**.id" }).hits);
  });
  test("each limit is INVALID_OPTION naming it; at the limit the query compiles", () => {
    const limits = QUERY_LIMITS;
    expect(() => compileQuery({ path: repeated("a", limits.segments) }).dispose()).not.toThrow();
    expect(() => compileQuery({ path: repeated("**.*", (limits.segments + 2) / 2) })).toThrow(/JF_QUERY_MAX_SEGMENTS/);
    expect(() => compileQuery({ path: "b".repeat(limits.pathBytes) }).dispose()).not.toThrow();
    expect(() => compileQuery({ path: "b".repeat(limits.pathBytes + 1) })).toThrow(/65537 bytes.*JF_QUERY_MAX_PATH_BYTES/);
    expect(() => compileQuery({ path: "é".repeat(limits.pathBytes / 2 + 1) })).toThrow(/JF_QUERY_MAX_PATH_BYTES/);
    // The native compiler enforces the same limits on its own (the TS check only saves the work).
    expect(nativeRefusal(JSON.stringify({ path: repeated("**", 1 << 18, ".id") }))).toMatch(/^INVALID_OPTION: .*JF_QUERY_MAX_PATH_BYTES/);
    expect(nativeRefusal(JSON.stringify({ key: "k".repeat(limits.bytes) }))).toMatch(/^INVALID_OPTION: .*JF_QUERY_MAX_BYTES/);
    expect(nativeRefusal('{"path":"a","path":"b"}')).toMatch(/path is given twice/);
  });
  test("the HTTP /search route answers 400 INVALID_OPTION for an oversize or over-complex glob", async () => {
    const handler = createHandler({ page: false });
    const ask = async (path: string) => {
      const url = `http://test.invalid/search?path=${encodeURIComponent(path)}`;
      const response = await handler(new Request(url, { method: "POST", body: '{"a":{"id":1}}', headers: { "content-type": "application/json" } }));
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    const oneMb = await ask(repeated("**", (1 << 20) / 3, ".id"));
    expect(oneMb.status).toBe(400);
    expect(oneMb.body.error.code).toBe("INVALID_OPTION");
    expect(oneMb.body.error.message).toMatch(/JF_QUERY_MAX_PATH_BYTES/);
    const complex = await ask(repeated("**.*", 600));
    expect(complex.status).toBe(400);
    expect(complex.body.error.message).toMatch(/JF_QUERY_MAX_SEGMENTS/);
    const collapsed = await ask(repeated("**", 10_000, ".id"));
    expect(collapsed as unknown).toEqual({ status: 200, body: { count: 1, hits: [["a.id", 1]] } });
  });
});

/** An independent glob matcher by dynamic programming: reach[t] says tokens[0..t) match the segments so far. */
function matchesDp(tokens: Token[], segs: Segment[]): boolean {
  const closure = (reach: boolean[]) => {
    for (let t = 0; t < tokens.length; t++) if (tokens[t] === "**" && reach[t]) reach[t + 1] = true; // ** takes none
    return reach;
  };
  let reach = closure(tokens.map((_, t) => t === 0).concat(tokens.length === 0));
  for (const s of segs) {
    const next: boolean[] = reach.map(() => false);
    tokens.forEach((tok, t) => {
      if (!reach[t]) return;
      if (tok === "**") next[t] = true; // ** takes this segment and maybe more
      else if (tok === "*" ? typeof s === "string" : tok === "[*]" ? typeof s === "number" : "name" in tok ? s === tok.name : s === tok.index) next[t + 1] = true;
    });
    reach = closure(next);
  }
  return reach[tokens.length]!;
}

test("property: globs over documents hundreds deep equal an independent matcher", () => {
  const deepSegment = fc.oneof(fc.constantFrom("a", "b", "id"), fc.integer({ min: 0, max: 1 }));
  const deepToken: fc.Arbitrary<Token> = fc.oneof(
    fc.constantFrom("a", "b", "id").map((name) => ({ name })),
    fc.integer({ min: 0, max: 1 }).map((index) => ({ index })),
    fc.constantFrom<Token>("*", "[*]", "**", "**"),
  );
  checkProperty(
    fc.property(fc.array(deepSegment, { minLength: 1, maxLength: 400 }), fc.array(deepToken, { minLength: 1, maxLength: 12 }), (spine, tokens) => {
      // A spine of containers with a leaf at every level: paths of every length up to 400 segments.
      let value: unknown = 0;
      for (const seg of spine.toReversed()) value = typeof seg === "number" ? (seg === 0 ? [value, 1] : [1, value]) : { [seg]: value, x: 1 };
      const expected = [...leaves(value)].filter(([segs]) => matchesDp(tokens, segs)).map(([segs, v]) => [jsPath(segs), v]);
      expect(search(JSON.stringify(value), { path: globText(tokens) }).hits).toEqual(expected as [string, unknown][]);
    }),
    { numRuns: 300 },
  );
});

/*------------------------------------------------------------------------------
 * Numbers equal by exact value, whatever the exponent's length (issue 15)
 *----------------------------------------------------------------------------*/

describe("exact numbers", () => {
  const raw = (text: string) => JSON.rawJSON(text) as unknown;
  test("exponents beyond 4e9 keep every digit", () => {
    const paths = (json: string, value: string) => search(json, { value: raw(value) }).hits.map(([p]) => p);
    expect(paths('{"a":1e6871947673,"b":1e68719476736}', "1e68719476736")).toEqual(["b"]);
    expect(paths('{"a":1e6871947673,"b":1e68719476736}', "1e6871947673")).toEqual(["a"]);
    expect(paths('{"c":1e100000000001}', "1e100000000000")).toEqual([]);
    expect(paths('{"c":1e100000000001,"d":10e100000000000}', "0.1e100000000002")).toEqual(["c", "d"]);
    expect(paths('{"e":1e99999999999999999999999}', "1e99999999999999999999998")).toEqual([]);
  });
  test("the CLI's --value keeps the exponent", () => {
    const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
    const p = Bun.spawnSync([BUN, CLI, "search", "--value", "1e68719476736"], { stdin: new TextEncoder().encode('{"a":1e6871947673,"b":1e68719476736}') });
    expect(p.stdout.toString()).toBe('["b",1e68719476736]\n');
  });
  test("a number no JSON text can carry is refused, not searched as null", () => {
    for (const value of [Infinity, -Infinity, NaN]) expect(() => search('{"n":null}', { value })).toThrow(/not a JSON number/);
    expect(() => search('{"n":null}', { value: () => 1 })).toThrow(/JSON data/);
  });
  test("property: equal iff the TS reference's exact decimals are equal (seed printed on failure)", () => {
    // value = digits x 10^exponent, spelled with the point moved by `shift` places; exponents near ±10^18 and
    // ±10^25 cross the native code's int64 and streamed-digit paths.
    const exponent = fc.oneof(
      fc.bigInt({ min: -50n, max: 50n }),
      fc.bigInt({ min: 10n ** 18n - 40n, max: 10n ** 18n + 40n }),
      fc.bigInt({ min: -(10n ** 18n) - 40n, max: -(10n ** 18n) + 40n }),
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
    );
    const number = fc.record({
      digits: fc.stringMatching(/^[1-9][0-9]{0,24}$/),
      exponent,
      negative: fc.boolean(),
    });
    const spell = (n: { digits: string; exponent: bigint; negative: boolean }, shift: number) => {
      const padded = n.digits.padStart(shift + 1, "0");
      const whole = padded.slice(0, padded.length - shift);
      const fraction = padded.slice(padded.length - shift);
      return `${n.negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}e${n.exponent + BigInt(shift)}`;
    };
    checkProperty(
      fc.property(number, fc.nat(30), fc.nat(30), fc.constantFrom(0n, 0n, 1n, -1n), (n, shiftA, shiftB, nudge) => {
        const a = spell(n, shiftA);
        const b = spell({ ...n, exponent: n.exponent + nudge }, shiftB);
        const equal = exactDecimal(a) === exactDecimal(b);
        expect(search(`{"n":${a}}`, { value: raw(b) }).count).toBe(equal ? 1 : 0);
      }),
      { numRuns: 1000 },
    );
  });
});
