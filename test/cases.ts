/**
 * @module cases — the one conformance suite that every implementation of flatten and unflatten must pass
 * (the pure-TS reference, the native core, and each front end over it). Expectations are exact output
 * bytes, so every implementation writes the same canonical JSON.
 */
import { describe, expect, test } from "bun:test";
import { JsonFlatError, type ErrorCode } from "../src/core/errors";
import type { FlattenOptions, UnflattenOptions } from "../src/core/options";

/**
 * What one call gave: the output text, or the error's plain fields.
 *
 * @example
 * const outcome: Outcome = { ok: false, error: { code: "INVALID_JSON", offset: 3 } };
 */
export type Outcome =
  | { ok: true; text: string }
  | { ok: false; error: { code: string; message?: string; offset?: number; line?: number; column?: number } };

/**
 * Flatten options plus the output format.
 *
 * @example
 * const options: FlattenCallOptions = { style: "flat", delimiter: "__", format: "entries" };
 */
export type FlattenCallOptions = FlattenOptions & { format?: "object" | "entries" };

/**
 * An implementation under test; calls may be synchronous or return a promise (workers, HTTP).
 *
 * @example
 * const impl: Impl = { name: "reference", flatten: (i, o) => outcomeOf(() => referenceFlatten(i, o)), unflatten: ... };
 */
export interface Impl {
  name: string;
  flatten(input: Uint8Array, options: FlattenCallOptions): Outcome | Promise<Outcome>;
  unflatten(input: Uint8Array, options: UnflattenOptions): Outcome | Promise<Outcome>;
}

/**
 * Where an expected error must point, and words its message must contain; only what is given is checked.
 *
 * @example
 * const details: ErrorDetails = { offset: 7, line: 1, column: 8, messageIncludes: ['"a.b"', '"a"'] };
 */
export interface ErrorDetails {
  offset?: number;
  line?: number;
  column?: number;
  messageIncludes?: string[];
}

/**
 * One call and its exact expected output text, or its expected error.
 *
 * @example
 * const cases: Case[] = [{ name: "scalar root", input: "5", expect: '{"":5}' }, { name: "empty", input: "", error: "INVALID_JSON" }];
 */
export type Case<O = FlattenCallOptions> = { name: string; input: string | Uint8Array; options?: O } & (
  | { expect: string }
  | ({ error: ErrorCode } & ErrorDetails)
);

/**
 * A document for `unflatten(flatten(doc))`, and its canonical text when `doc` is not canonical already.
 *
 * @example
 * const trip: RoundTrip = { name: "spaces", document: "[ 1 ]", canonical: "[1]" };
 */
export interface RoundTrip {
  name: string;
  document: string;
  canonical?: string;
}

/**
 * Runs `call` and turns its result or its `JsonFlatError` into an `Outcome`; any other exception is a bug
 * and propagates.
 *
 * @example
 * const impl: Impl = { name: "reference", flatten: (i, o) => outcomeOf(() => referenceFlatten(i, o)), ... };
 */
export function outcomeOf(call: () => string): Outcome {
  try {
    return { ok: true, text: call() };
  } catch (error) {
    if (!(error instanceof JsonFlatError)) throw error;
    return { ok: false, error: error.toJSON() };
  }
}

const encoder = new TextEncoder();

/**
 * Bytes from text pieces (UTF-8) and raw byte lists, for inputs that are not valid UTF-8.
 *
 * @example
 * bytes('["', [0xff], '"]') // the bytes 5B 22 FF 22 5D
 */
export function bytes(...pieces: (string | number[])[]): Uint8Array {
  const parts = pieces.map((piece) => (typeof piece === "string" ? encoder.encode(piece) : Uint8Array.from(piece)));
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const toBytes = (input: string | Uint8Array) => (typeof input === "string" ? encoder.encode(input) : input);

function ok<O>(name: string, input: string | Uint8Array, expected: string, options?: O): Case<O> {
  return { name, input, options, expect: expected };
}

function fails<O>(name: string, input: string | Uint8Array, error: ErrorCode, options?: O, details: ErrorDetails = {}): Case<O> {
  return { name, input, options, error, ...details };
}

/** `depth` nested arrays around `inner`. */
const nestedArrays = (depth: number, inner = "") => "[".repeat(depth) + inner + "]".repeat(depth);

// Bun's transpiler rewrites non-ASCII source characters as \u escapes, which String.raw would then keep
// literally; raw templates therefore take non-ASCII text through these substitutions.
const EMOJI = "😀";
const E_ACUTE = "é";

const REPRESENTATIVE = '{"a":[{"b":1},{"b":2,"c":null}],"d e":{"f":true}}';
const NASTY_KEYS = String.raw`{"":1,".":2,"[":3,"]":4,"\"":5,"\\":6,"~":7,"/":8,"~1":9,"\u0000":10,"\n":11,"${EMOJI}":12,"a b":13}`;
const NUMBERS = "[1.0,-0,1e400,1E+2,12345678901234567890,-0.0e-0,0,1e-7,1.5E-10,-123]";

/**
 * Flatten: every style, mode and format; paths; values; parsing; limits; options.
 *
 * @example
 * for (const c of flattenCases) console.log(c.name);
 */
export const flattenCases: Case[] = [
  // Every style × mode × format on one document.
  ok("js leaf object", REPRESENTATIVE, String.raw`{"a[0].b":1,"a[1].b":2,"a[1].c":null,"[\"d e\"].f":true}`),
  ok("js leaf entries", REPRESENTATIVE, String.raw`[["a[0].b",1],["a[1].b",2],["a[1].c",null],["[\"d e\"].f",true]]`, { format: "entries" }),
  ok("js grouped object", REPRESENTATIVE, String.raw`{"a[].b":[1,2],"a[].c":[null],"[\"d e\"].f":[true]}`, { mode: "grouped" }),
  ok("js grouped entries", REPRESENTATIVE, String.raw`[["a[].b",[1,2]],["a[].c",[null]],["[\"d e\"].f",[true]]]`, { mode: "grouped", format: "entries" }),
  ok("pointer leaf object", REPRESENTATIVE, '{"/a/0/b":1,"/a/1/b":2,"/a/1/c":null,"/d e/f":true}', { style: "pointer" }),
  ok("pointer leaf entries", REPRESENTATIVE, '[["/a/0/b",1],["/a/1/b",2],["/a/1/c",null],["/d e/f",true]]', { style: "pointer", format: "entries" }),
  ok("pointer grouped object", REPRESENTATIVE, '{"/a/[]/b":[1,2],"/a/[]/c":[null],"/d e/f":[true]}', { style: "pointer", mode: "grouped" }),
  ok("pointer grouped entries", REPRESENTATIVE, '[["/a/[]/b",[1,2]],["/a/[]/c",[null]],["/d e/f",[true]]]', { style: "pointer", mode: "grouped", format: "entries" }),
  ok("flat leaf object", REPRESENTATIVE, '{"a.0.b":1,"a.1.b":2,"a.1.c":null,"d e.f":true}', { style: "flat" }),
  ok("flat leaf entries", REPRESENTATIVE, '[["a.0.b",1],["a.1.b",2],["a.1.c",null],["d e.f",true]]', { style: "flat", format: "entries" }),
  ok("flat grouped object", REPRESENTATIVE, '{"a.b":[1,2],"a.c":[null],"d e.f":[true]}', { style: "flat", mode: "grouped" }),
  ok("flat grouped entries", REPRESENTATIVE, '[["a.b",[1,2]],["a.c",[null]],["d e.f",[true]]]', { style: "flat", mode: "grouped", format: "entries" }),
  ok("explicit defaults", REPRESENTATIVE, String.raw`{"a[0].b":1,"a[1].b":2,"a[1].c":null,"[\"d e\"].f":true}`, { style: "js", mode: "leaf", arrays: "index", format: "object", delimiter: "." }),

  // Roots.
  ok("root integer", "5", '{"":5}'),
  ok("root string", '"s"', '{"":"s"}'),
  ok("root true", "true", '{"":true}'),
  ok("root false", "false", '{"":false}'),
  ok("root null", "null", '{"":null}'),
  ok("root number text kept", "-0.0e-0", '{"":-0.0e-0}'),
  ok("root empty object", "{}", '{"":{}}'),
  ok("root empty array", "[]", '{"":[]}'),
  ok("root empty object with inner whitespace", " \t\n\r{ \n } \r\n", '{"":{}}'),
  ok("root scalar, entries", "5", '[["",5]]', { format: "entries" }),
  ok("root scalar, grouped", "5", '{"":[5]}', { mode: "grouped" }),
  ok("root empty object, grouped entries", "{}", '[["",[{}]]]', { mode: "grouped", format: "entries" }),
  ok("root scalar, pointer", '"x"', '{"":"x"}', { style: "pointer" }),
  ok("root empty array, flat", "[]", '{"":[]}', { style: "flat" }),
  ok("root array, js", "[1,[2,3]]", '{"[0]":1,"[1][0]":2,"[1][1]":3}'),
  ok("root array of objects, js", '[{"a":1}]', '{"[0].a":1}'),
  ok("root array, pointer", "[[1]]", '{"/0/0":1}', { style: "pointer" }),
  ok("root array, flat", "[[1],2]", '{"0.0":1,"1":2}', { style: "flat" }),
  ok("root array, js grouped", "[1,[2]]", '{"[]":[1],"[][]":[2]}', { mode: "grouped" }),
  ok("root array, pointer grouped", "[1,2]", '{"/[]":[1,2]}', { style: "pointer", mode: "grouped" }),
  ok("root array, flat grouped drops every index", "[1,[2]]", '{"":[1,2]}', { style: "flat", mode: "grouped" }),

  // Paths.
  ok("js identifiers and brackets", '{"a":{"b c":[1]}}', String.raw`{"a[\"b c\"][0]":1}`),
  ok("js nested members", '{"a":1,"b":{"c":2}}', '{"a":1,"b.c":2}'),
  ok("js identifier characters", '{"$_":1,"_":2,"a1":3,"A$9":4}', '{"$_":1,"_":2,"a1":3,"A$9":4}'),
  ok("js keys that are not identifiers", '{"0":1,"1a":2,"a-b":3,"é":4}', String.raw`{"[\"0\"]":1,"[\"1a\"]":2,"[\"a-b\"]":3,"[\"${E_ACUTE}\"]":4}`),
  ok("js numeric-looking key below the root", '{"x":{"0":1}}', String.raw`{"x[\"0\"]":1}`),
  ok("js bracket key then member", '{"x y":{"z":1}}', String.raw`{"[\"x y\"].z":1}`),
  ok("js nasty keys", NASTY_KEYS, String.raw`{"[\"\"]":1,"[\".\"]":2,"[\"[\"]":3,"[\"]\"]":4,"[\"\\\"\"]":5,"[\"\\\\\"]":6,"[\"~\"]":7,"[\"/\"]":8,"[\"~1\"]":9,"[\"\\u0000\"]":10,"[\"\\n\"]":11,"[\"${EMOJI}\"]":12,"[\"a b\"]":13}`),
  ok("pointer nasty keys", NASTY_KEYS, String.raw`{"/":1,"/.":2,"/[":3,"/]":4,"/\"":5,"/\\":6,"/~0":7,"/~1":8,"/~01":9,"/\u0000":10,"/\n":11,"/${EMOJI}":12,"/a b":13}`, { style: "pointer" }),
  ok("flat nasty keys", NASTY_KEYS, String.raw`{"":1,".":2,"[":3,"]":4,"\"":5,"\\":6,"~":7,"/":8,"~1":9,"\u0000":10,"\n":11,"${EMOJI}":12,"a b":13}`, { style: "flat" }),
  ok("js control character keys", String.raw`{"\u0001":1,"\u001f\t":2}`, String.raw`{"[\"\\u0001\"]":1,"[\"\\u001f\\t\"]":2}`),
  ok("pointer empty keys nest", '{"":{"":1}}', '{"//":1}', { style: "pointer" }),
  ok("pointer escapes ~ before /", '{"a/b":{"m~n":1},"~/":2}', '{"/a~1b/m~0n":1,"/~0~1":2}', { style: "pointer" }),
  ok("js non-BMP key from escapes", String.raw`{"\ud83d\ude00":{"k":1}}`, String.raw`{"[\"${EMOJI}\"].k":1}`),
  ok("js __proto__ and friends are plain keys", '{"__proto__":{"a":1},"constructor":{"prototype":2}}', '{"__proto__.a":1,"constructor.prototype":2}'),
  ok("flat joins like npm flat: top key \"\" vanishes", '{"":{"b":1},"a":{"":2}}', '{"b":1,"a.":2}', { style: "flat" }),
  ok("flat top key \"\" with scalar", '{"":1}', '{"":1}', { style: "flat" }),
  ok("flat keys containing the delimiter", '{"a.b":{"c":1}}', '{"a.b.c":1}', { style: "flat" }),
  ok("flat colliding paths are all written", '{"a.b":1,"a":{"b":2}}', '{"a.b":1,"a.b":2}', { style: "flat" }),
  ok("flat: a \"\" member chain and an index spelled alike are both written (issue 15)", '{"":{"0":null,"":[[]]}}', '{"0":null,"0":[]}', { style: "flat" }),
  ok("flat delimiter __", '{"a":{"b":[1]}}', '{"a__b__0":1}', { style: "flat", delimiter: "__" }),
  ok("flat delimiter ->", '{"a":{"b":[1]}}', '{"a->b->0":1}', { style: "flat", delimiter: "->" }),
  ok("flat multi-byte delimiter", '{"a":[1,[2]]}', '{"a→0":1,"a→1→0":2}', { style: "flat", delimiter: "→" }),
  ok("flat emoji delimiter", '{"a":{"b":1}}', '{"a😀b":1}', { style: "flat", delimiter: "😀" }),
  ok("flat delimiter that needs escaping", '{"a":{"b":1}}', String.raw`{"a\"\\b":1}`, { style: "flat", delimiter: '"\\' }),
  ok("flat delimiter of 32 bytes", '{"a":{"b":1}}', `{"a${"x".repeat(32)}b":1}`, { style: "flat", delimiter: "x".repeat(32) }),
  ok("flat grouped with delimiter", '{"a":[{"b":1},{"b":2}]}', '{"a::b":[1,2]}', { style: "flat", mode: "grouped", delimiter: "::" }),
  ok("delimiter ignored outside flat style", '{"a":{"b":1}}', '{"a.b":1}', { delimiter: "__" }),

  // Values.
  ok("number text kept exactly", NUMBERS, '{"[0]":1.0,"[1]":-0,"[2]":1e400,"[3]":1E+2,"[4]":12345678901234567890,"[5]":-0.0e-0,"[6]":0,"[7]":1e-7,"[8]":1.5E-10,"[9]":-123}'),
  ok("string escapes canonical", String.raw`["\u0000","\/","\u00e9","\ud83d\ude00","\b\f\n\r\t","\u001F","\"\\","\u000b","\u0008"]`, String.raw`{"[0]":"\u0000","[1]":"/","[2]":"${E_ACUTE}","[3]":"${EMOJI}","[4]":"\b\f\n\r\t","[5]":"\u001f","[6]":"\"\\","[7]":"\u000b","[8]":"\b"}`),
  ok("DEL, U+2028 and U+2029 are not escaped", String.raw`["\u007f","\u2028","\u2029"]`, '{"[0]":"\u007f","[1]":"\u2028","[2]":"\u2029"}'),
  ok("raw UTF-8 kept", '["héllo 中文 😀"]', '{"[0]":"héllo 中文 😀"}'),
  ok("highest code point from escapes", String.raw`["\uDBFF\uDFFF"]`, '{"[0]":"\u{10FFFF}"}'),
  ok("U+FEFF inside a string is kept", bytes('["', [0xef, 0xbb, 0xbf], "a", [0xef, 0xbb, 0xbf], '"]'), '{"[0]":"\uFEFFa\uFEFF"}'),
  ok("escaped U+FEFF is kept", String.raw`["\ufeff"]`, '{"[0]":"\uFEFF"}'),
  ok("literals", "[true,false,null]", '{"[0]":true,"[1]":false,"[2]":null}'),
  ok("empty containers at every position", '{"a":{},"b":[],"c":[{},[]],"d":{"e":{}}}', '{"a":{},"b":[],"c[0]":{},"c[1]":[],"d.e":{}}'),
  ok("empty containers with inner whitespace", '{"a":{ },"b":[\n]}', '{"a":{},"b":[]}'),

  // Document text.
  ok("BOM skipped", bytes([0xef, 0xbb, 0xbf], '{"a":1}'), '{"a":1}'),
  ok("BOM then whitespace", bytes([0xef, 0xbb, 0xbf], ' \n[1]'), '{"[0]":1}'),
  ok("whitespace everywhere", ' \t\r\n{ "a" : [ 1 , 2 ] , "b" :{ } } \n', '{"a[0]":1,"a[1]":2,"b":{}}'),
  ok("duplicate members all kept", '{"a":1,"a":2}', '{"a":1,"a":2}'),
  ok("duplicate members, entries", '{"a":1,"a":2}', '[["a",1],["a",2]]', { format: "entries" }),
  ok("duplicate members, grouped", '{"a":1,"a":2}', '{"a":[1,2]}', { mode: "grouped" }),
  ok("duplicate containers merge in document order", '{"a":{"b":1},"a":{"c":2}}', '{"a.b":1,"a.c":2}'),

  // Grouped mode.
  ok("grouped, SPEC example", '{"a":[{"b":1},{"b":2,"c":null}]}', '{"a[].b":[1,2],"a[].c":[null]}', { mode: "grouped" }),
  ok("grouped, nested arrays", '{"a":[1,[2,3],{"b":4}]}', '{"a[]":[1],"a[][]":[2,3],"a[].b":[4]}', { mode: "grouped" }),
  ok("grouped keys in order of first appearance", '{"x":[{"b":1,"a":2},{"a":3,"c":4}]}', '{"x[].b":[1],"x[].a":[2,3],"x[].c":[4]}', { mode: "grouped" }),
  ok("grouped empty containers", '{"a":[{},{"b":[]}]}', '{"a[]":[{}],"a[].b":[[]]}', { mode: "grouped" }),
  ok("grouped, pointer nested", '{"a":[[{"b":1}],[{"b":2}]]}', '{"/a/[]/[]/b":[1,2]}', { style: "pointer", mode: "grouped" }),
  ok("grouped, flat merges with plain members", '{"a":[{"b":1}],"a.b":2}', '{"a.b":[1,2]}', { style: "flat", mode: "grouped" }),

  // maxDepth (npm flat semantics: the root's members are at depth 1).
  ok("maxDepth 1", '{"a":{"b":1},"c":[1],"d":2,"e":{}}', '{"a":{"b":1},"c":[1],"d":2,"e":{}}', { maxDepth: 1 }),
  ok("maxDepth 2", '{"a":{"b":{"c":1}},"d":[[1],2]}', '{"a.b":{"c":1},"d[0]":[1],"d[1]":2}', { maxDepth: 2 }),
  ok("maxDepth 3", '{"a":{"b":{"c":1}},"d":[[1],2]}', '{"a.b.c":1,"d[0][0]":1,"d[1]":2}', { maxDepth: 3 }),
  ok("maxDepth beyond the document", '{"a":{"b":{"c":1}}}', '{"a.b.c":1}', { maxDepth: 100 }),
  ok("maxDepth 1, root array", '[[1],{"a":1},3]', '{"[0]":[1],"[1]":{"a":1},"[2]":3}', { maxDepth: 1 }),
  ok("maxDepth writes subtrees canonically", String.raw`{"a":{"b":[1.0, "\u00e9" ,{"x":1,"x":2}]}}`, '{"a":{"b":[1.0,"é",{"x":1,"x":2}]}}', { maxDepth: 1 }),
  ok("maxDepth, flat style", '{"a":{"b":{"c":1}},"d":[[1],2]}', '{"a.b":{"c":1},"d.0":[1],"d.1":2}', { style: "flat", maxDepth: 2 }),
  ok("maxDepth, pointer style", '{"a":{"b":{"c":1}}}', '{"/a/b":{"c":1}}', { style: "pointer", maxDepth: 2 }),
  ok("maxDepth, grouped", '{"a":[{"b":{"c":1}},{"b":{"c":2}}]}', '{"a[]":[{"b":{"c":1}},{"b":{"c":2}}]}', { mode: "grouped", maxDepth: 2 }),
  ok("maxDepth, scalar root", "5", '{"":5}', { maxDepth: 1 }),
  ok("maxDepth, empty root", "{}", '{"":{}}', { maxDepth: 1 }),
  ok("maxDepth, entries", '{"a":{"b":1}}', '[["a",{"b":1}]]', { maxDepth: 1, format: "entries" }),

  // arrays: "leaf" (npm flat's safe: true; a root array is still indexed, as flat does).
  ok("arrays leaf", '{"a":[1,2],"b":{"c":[]},"d":[{"e":1}]}', '{"a":[1,2],"b.c":[],"d":[{"e":1}]}', { arrays: "leaf" }),
  ok("arrays leaf, root array indexed", '[[1],2,{"a":[3]}]', '{"[0]":[1],"[1]":2,"[2].a":[3]}', { arrays: "leaf" }),
  ok("arrays leaf, flat style root array", '[[1],2,{"a":[3]}]', '{"0":[1],"1":2,"2.a":[3]}', { style: "flat", arrays: "leaf" }),
  ok("arrays leaf, grouped", '{"a":[1,2],"b":[3]}', '{"a":[[1,2]],"b":[[3]]}', { arrays: "leaf", mode: "grouped" }),
  ok("arrays leaf with maxDepth", '{"a":{"b":{"c":[1]}},"d":[2]}', '{"a.b":{"c":[1]},"d":[2]}', { arrays: "leaf", maxDepth: 2 }),
  ok("arrays leaf writes arrays canonically", '{"a":[ 1.50 , "\\/" ]}', '{"a":[1.50,"/"]}', { arrays: "leaf" }),

  // Nesting limit (the root container is depth 1; scalars are depth 0).
  ok("nesting exactly at the limit", "[[1]]", '{"[0][0]":1}', { maxNesting: 2 }),
  fails("nesting one beyond the limit", "[[[1]]]", "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 2, line: 1, column: 3 }),
  ok("objects exactly at the limit", '{"a":{"b":{}}}', '{"a.b":{}}', { maxNesting: 3 }),
  fails("objects one beyond the limit", '{"a":{"b":{}}}', "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 10 }),
  ok("scalar root with limit 1", "5", '{"":5}', { maxNesting: 1 }),
  ok("empty root with limit 1", "[]", '{"":[]}', { maxNesting: 1 }),
  fails("empty array beyond the limit", "[[]]", "NESTING_TOO_DEEP", { maxNesting: 1 }, { offset: 1 }),
  fails("nesting error has line and column", "[\n [\n  [1]]]", "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 7, line: 3, column: 3 }),
  fails("maxDepth does not lift the nesting limit", '{"a":[[1]]}', "NESTING_TOO_DEEP", { maxDepth: 1, maxNesting: 2 }, { offset: 6 }),
  ok("default limit: 10,000 deep passes", nestedArrays(10_000), `{"${"[0]".repeat(9_999)}":[]}`),
  fails("default limit: 10,001 deep fails", nestedArrays(10_001), "NESTING_TOO_DEEP", undefined, { offset: 10_000 }),
  fails("10^6 deep fails at the default limit", nestedArrays(1_000_000), "NESTING_TOO_DEEP", undefined, { offset: 10_000 }),
  ok("10^6 deep with a raised limit (no recursion anywhere)", nestedArrays(1_000_000), `{"${"[0]".repeat(999_999)}":[]}`, { maxNesting: 1_000_000 }),
  ok("10^5 deep objects kept whole by maxDepth", `{"a":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`, `{"a":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`, { maxDepth: 1, maxNesting: 200_000 }),
  fails("too deep is reported before a later syntax error", "[[[", "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 2 }),

  // Invalid JSON.
  fails("empty input", "", "INVALID_JSON", undefined, { offset: 0 }),
  fails("whitespace only", " \n ", "INVALID_JSON"),
  fails("BOM only", bytes([0xef, 0xbb, 0xbf]), "INVALID_JSON"),
  fails("two BOMs", bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], "1"), "INVALID_JSON", undefined, { offset: 3 }),
  fails("unclosed object", "{", "INVALID_JSON"),
  fails("unclosed array", "[1", "INVALID_JSON"),
  fails("trailing comma in array", "[1,]", "INVALID_JSON"),
  fails("trailing comma in object", '{"a":1,}', "INVALID_JSON"),
  fails("leading comma", "[,1]", "INVALID_JSON", undefined, { offset: 1 }),
  fails("double comma", "[1,,2]", "INVALID_JSON", undefined, { offset: 3 }),
  fails("missing comma", "[1 2]", "INVALID_JSON", undefined, { offset: 3 }),
  fails("missing comma between members", '{"a":1 "b":2}', "INVALID_JSON", undefined, { offset: 7 }),
  fails("missing colon", '{"a" 1}', "INVALID_JSON", undefined, { offset: 5 }),
  fails("double colon", '{"a"::1}', "INVALID_JSON", undefined, { offset: 5 }),
  fails("missing value", '{"a":}', "INVALID_JSON", undefined, { offset: 5 }),
  fails("member without value", '{"a"}', "INVALID_JSON", undefined, { offset: 4 }),
  fails("unquoted key", "{a:1}", "INVALID_JSON", undefined, { offset: 1 }),
  fails("single-quoted string", "['a']", "INVALID_JSON", undefined, { offset: 1 }),
  fails("leading zero", "[01]", "INVALID_JSON"),
  fails("negative leading zero", "-01", "INVALID_JSON"),
  fails("plus sign", "[+1]", "INVALID_JSON", undefined, { offset: 1 }),
  fails("no integer part", "[.5]", "INVALID_JSON", undefined, { offset: 1 }),
  fails("no fraction digits", "[1.]", "INVALID_JSON"),
  fails("no fraction digits before exponent", "1.e5", "INVALID_JSON"),
  fails("lone minus", "[-]", "INVALID_JSON"),
  fails("no exponent digits", "1e", "INVALID_JSON"),
  fails("no exponent digits after sign", "1e+", "INVALID_JSON"),
  fails("hex number", "0x1", "INVALID_JSON"),
  fails("NaN", "[NaN]", "INVALID_JSON", undefined, { offset: 1 }),
  fails("Infinity", "Infinity", "INVALID_JSON", undefined, { offset: 0 }),
  fails("-Infinity", "-Infinity", "INVALID_JSON"),
  fails("truncated literal", "tru", "INVALID_JSON"),
  fails("capitalised literal", "True", "INVALID_JSON", undefined, { offset: 0 }),
  fails("literal with a wrong letter", "nul1", "INVALID_JSON"),
  fails("line comment", "// c\n1", "INVALID_JSON", undefined, { offset: 0 }),
  fails("block comment", "[1,/* c */2]", "INVALID_JSON", undefined, { offset: 3 }),
  fails("trailing content", '{"a":1}x', "INVALID_JSON", undefined, { offset: 7 }),
  fails("two documents", '{"a":1}{}', "INVALID_JSON", undefined, { offset: 7 }),
  fails("extra closing bracket", "[1]]", "INVALID_JSON", undefined, { offset: 3 }),
  fails("mismatched bracket", '[1}', "INVALID_JSON", undefined, { offset: 2 }),
  fails("trailing NUL byte", bytes("1", [0]), "INVALID_JSON", undefined, { offset: 1 }),
  fails("form feed is not whitespace", "\f1", "INVALID_JSON", undefined, { offset: 0 }),
  fails("vertical tab is not whitespace", "[\v1]", "INVALID_JSON", undefined, { offset: 1 }),
  fails("no-break space is not whitespace", "\u00a01", "INVALID_JSON", undefined, { offset: 0 }),
  fails("raw tab in string", '["a\tb"]', "INVALID_JSON", undefined, { offset: 3 }),
  fails("raw newline in string", '["a\nb"]', "INVALID_JSON", undefined, { offset: 3 }),
  fails("raw NUL in string", bytes('"', [0], '"'), "INVALID_JSON", undefined, { offset: 1 }),
  fails("raw control character in key", bytes('{"', [0x1f], '":1}'), "INVALID_JSON", undefined, { offset: 2 }),
  fails("invalid escape", String.raw`["\x"]`, "INVALID_JSON"),
  fails("escaped single quote", String.raw`["\'"]`, "INVALID_JSON"),
  fails("short unicode escape", String.raw`["\u12"]`, "INVALID_JSON"),
  fails("non-hex unicode escape", String.raw`["\uZZZZ"]`, "INVALID_JSON"),
  // Escaped lone surrogates (JSON.stringify writes them for a string cut inside a pair): refused at the
  // backslash of the lone escape, named as written, unless replaceInvalidUtf8 (below).
  ...(
    [
      ["lone high surrogate escape", String.raw`["\ud800"]`, 2, String.raw`\ud800`],
      ["lone low surrogate escape", String.raw`["\uDC01"]`, 2, String.raw`\uDC01`],
      ["string cut inside a pair", String.raw`{"a":"x\ud83d"}`, 7, String.raw`\ud83d`],
      ["lone surrogate in a key", String.raw`{"\udc00":1}`, 2, String.raw`\udc00`],
      ["high surrogate then a non-surrogate", String.raw`["\ud800\u0041"]`, 2, String.raw`\ud800`],
      ["high surrogate then a raw character", String.raw`["\ud800x"]`, 2, String.raw`\ud800`],
      ["two high surrogates", String.raw`["\ud800\ud800"]`, 2, String.raw`\ud800`],
      ["reversed pair", String.raw`["\udc00\ud800"]`, 2, String.raw`\udc00`],
      ["lone high before a pair", String.raw`["\ud800\ud83d\ude00"]`, 2, String.raw`\ud800`],
      ["lone low after a pair", String.raw`["\ud83d\ude00\ude00"]`, 14, String.raw`\ude00`],
      ["high surrogate then a bad escape", String.raw`["\ud800\uZZZZ"]`, 2, String.raw`\ud800`],
      ["high surrogate at the end of the input", String.raw`["\ud800`, 2, String.raw`\ud800`],
      ["lone surrogate after a BOM", "\uFEFF" + String.raw`["\ud800"]`, 5, String.raw`\ud800`],
    ] as const
  ).map(([name, input, offset, escape]) =>
    fails(name, input, "INVALID_JSON", undefined, { offset, line: 1, messageIncludes: [`lone surrogate ${escape}`, "replaceInvalidUtf8"] }),
  ),
  fails("syntax error before a lone surrogate comes first", String.raw`[1 "\ud800"]`, "INVALID_JSON", undefined, { offset: 3 }),
  fails("lone surrogate before a syntax error comes first", String.raw`["\ud800" 1]`, "INVALID_JSON", undefined, { offset: 2 }),
  fails("too-deep bracket before a lone surrogate comes first", String.raw`[["\ud800"]]`, "NESTING_TOO_DEEP", { maxNesting: 1 }, { offset: 1 }),
  fails("lone surrogate before a too-deep bracket comes first", String.raw`["\ud800",[1]]`, "INVALID_JSON", { maxNesting: 1 }, { offset: 2 }),
  fails("unterminated string", '["abc', "INVALID_JSON"),
  fails("line and column after newlines", "[1]\n\nx", "INVALID_JSON", undefined, { offset: 5, line: 3, column: 1 }),
  fails("column counts code points", '{"é😀":1}x', "INVALID_JSON", undefined, { offset: 12, line: 1, column: 9 }),
  fails("CR alone does not start a line", "[1]\rx", "INVALID_JSON", undefined, { offset: 4, line: 1, column: 5 }),
  fails("CRLF starts one line", "[1]\r\nx", "INVALID_JSON", undefined, { offset: 5, line: 2, column: 1 }),

  // Invalid UTF-8.
  fails("invalid byte FF", bytes('["', [0xff], '"]'), "INVALID_JSON"),
  fails("bad continuation byte", bytes('["', [0xc3, 0x28], '"]'), "INVALID_JSON"),
  fails("stray continuation byte", bytes('["', [0x80], '"]'), "INVALID_JSON"),
  fails("overlong 2-byte", bytes('["', [0xc0, 0xaf], '"]'), "INVALID_JSON"),
  fails("overlong 3-byte", bytes('["', [0xe0, 0x80, 0xaf], '"]'), "INVALID_JSON"),
  fails("overlong 4-byte", bytes('["', [0xf0, 0x80, 0x80, 0xaf], '"]'), "INVALID_JSON"),
  fails("UTF-8 encoded surrogate", bytes('["', [0xed, 0xa0, 0x80], '"]'), "INVALID_JSON"),
  fails("above U+10FFFF", bytes('["', [0xf4, 0x90, 0x80, 0x80], '"]'), "INVALID_JSON"),
  fails("lead byte F5", bytes('["', [0xf5, 0x80, 0x80, 0x80], '"]'), "INVALID_JSON"),
  fails("truncated 3-byte sequence", bytes('["', [0xe2, 0x82], '"]'), "INVALID_JSON"),
  fails("truncated at end of input", bytes('"', [0xe2]), "INVALID_JSON"),
  fails("invalid UTF-8 in a key", bytes('{"', [0xff], '":1}'), "INVALID_JSON"),
  fails("invalid byte outside strings", bytes("[1]", [0xff]), "INVALID_JSON", undefined, { offset: 3 }),
  fails("invalid byte as the document", bytes([0xff]), "INVALID_JSON", undefined, { offset: 0 }),
  fails("UTF-16 text", bytes([0xff, 0xfe], "1"), "INVALID_JSON", undefined, { offset: 0 }),

  // replaceInvalidUtf8: one U+FFFD per maximal invalid subsequence (WHATWG, as TextDecoder).
  ok("replace invalid byte", bytes('["a', [0xff], 'b"]'), '{"[0]":"a\uFFFDb"}', { replaceInvalidUtf8: true }),
  ok("replace truncated sequence once", bytes('["', [0xe2, 0x82], 'x"]'), '{"[0]":"\uFFFDx"}', { replaceInvalidUtf8: true }),
  ok("replace truncated 4-byte sequence once", bytes('["', [0xf0, 0x9f, 0x98], '"]'), '{"[0]":"\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace overlong byte by byte", bytes('["', [0xc0, 0xaf], '"]'), '{"[0]":"\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace encoded surrogate byte by byte", bytes('["', [0xed, 0xa0, 0x80], '"]'), '{"[0]":"\uFFFD\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace above U+10FFFF byte by byte", bytes('["', [0xf4, 0x90, 0x80, 0x80], '"]'), '{"[0]":"\uFFFD\uFFFD\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace next to an escape", bytes('["', [0xe2], String.raw`\u00e9`, [0x82], '"]'), '{"[0]":"\uFFFDé\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace in a key", bytes('{"', [0xff], '":1}'), String.raw`{"[\"` + "\uFFFD" + String.raw`\"]":1}`, { replaceInvalidUtf8: true }),
  ok("replace in a pointer key", bytes('{"a', [0xc3], '":1}'), '{"/a\uFFFD":1}', { replaceInvalidUtf8: true, style: "pointer" }),
  ok("replace keeps valid text", '["é😀"]', '{"[0]":"é😀"}', { replaceInvalidUtf8: true }),
  // Each escaped lone surrogate becomes one U+FFFD (as String.prototype.toWellFormed); pairs stay.
  ok("replace lone high surrogate escape", String.raw`["\ud800"]`, '{"[0]":"\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace lone low surrogate escape", String.raw`["\uDC01"]`, '{"[0]":"\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace a string cut inside a pair", String.raw`{"a":"x\ud83d"}`, '{"a":"x\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace high surrogate then a non-surrogate", String.raw`["\ud800\u0041"]`, '{"[0]":"\uFFFDA"}', { replaceInvalidUtf8: true }),
  ok("replace reversed pair twice", String.raw`["\udc00\ud800"]`, '{"[0]":"\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace lone high before a pair", String.raw`["\ud800\ud83d\ude00"]`, '{"[0]":"\uFFFD😀"}', { replaceInvalidUtf8: true }),
  ok("replace lone low after a pair", String.raw`["\ud83d\ude00\ude00x"]`, '{"[0]":"😀\uFFFDx"}', { replaceInvalidUtf8: true }),
  ok("replace lone surrogate in a key", String.raw`{"\udc00":{"\ud800":1}}`, String.raw`{"[\"` + "\uFFFD" + String.raw`\"][\"` + "\uFFFD" + String.raw`\"]":1}`, { replaceInvalidUtf8: true }),
  ok("replace lone surrogate in a pointer key", String.raw`{"a\udc00":1}`, '{"/a\uFFFD":1}', { replaceInvalidUtf8: true, style: "pointer" }),
  ok("replace lone surrogate in a value written whole", String.raw`{"a":{"\ud800":["\udc00"]}}`, '{"a":{"\uFFFD":["\uFFFD"]}}', { replaceInvalidUtf8: true, maxDepth: 1 }),
  ok("replace lone surrogates and invalid bytes together", bytes(String.raw`["\ud800`, [0xff], String.raw`\udc00"]`), '{"[0]":"\uFFFD\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace lone surrogate after a BOM", "\uFEFF" + String.raw`["\ud800"]`, '{"[0]":"\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace keeps an escaped U+FFFD", String.raw`["\ufffd\ud800"]`, '{"[0]":"\uFFFD\uFFFD"}', { replaceInvalidUtf8: true }),
  fails("replace: a bad escape after a lone surrogate", String.raw`["\ud800\uZZZZ"]`, "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 8 }),
  fails("replace: unterminated after a lone surrogate", String.raw`["\ud800`, "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 8 }),
  fails("replace: raw control character after a lone surrogate", '["\\ud800","a\tb"]', "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 12 }),
  fails("replace: raw control character before a lone surrogate", '["a\tb","\\ud800"]', "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 3 }),
  fails("replace: syntax error after a lone surrogate", String.raw`["\ud800" 1]`, "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 10 }),
  fails("replace: too-deep bracket after a lone surrogate", String.raw`["\ud800",[1]]`, "NESTING_TOO_DEEP", { replaceInvalidUtf8: true, maxNesting: 1 }, { offset: 10 }),
  fails("replace does not allow bytes outside strings", bytes("[1]", [0xff]), "INVALID_JSON", { replaceInvalidUtf8: true }, { offset: 3 }),

  // Options.
  fails("unknown style", "{}", "INVALID_OPTION", { style: "xml" as never }),
  fails("unknown mode", "{}", "INVALID_OPTION", { mode: "tree" as never }),
  fails("unknown arrays", "{}", "INVALID_OPTION", { arrays: "maybe" as never }),
  fails("unknown format", "{}", "INVALID_OPTION", { format: "csv" as never }),
  fails("empty delimiter", "{}", "INVALID_OPTION", { style: "flat", delimiter: "" }),
  fails("33-byte delimiter", "{}", "INVALID_OPTION", { style: "flat", delimiter: "x".repeat(33) }),
  fails("33-byte multi-byte delimiter", "{}", "INVALID_OPTION", { style: "flat", delimiter: "😀".repeat(8) + "x" }),
  fails("maxDepth 0", "{}", "INVALID_OPTION", { maxDepth: 0 }),
  fails("negative maxDepth", "{}", "INVALID_OPTION", { maxDepth: -1 }),
  fails("fractional maxDepth", "{}", "INVALID_OPTION", { maxDepth: 1.5 }),
  fails("maxNesting 0", "{}", "INVALID_OPTION", { maxNesting: 0 }),
  fails("options are checked before the input", "{", "INVALID_OPTION", { style: "xml" as never }),
];

/**
 * Unflatten: every style, creation and merge rules, conflicts, bounds and path syntax.
 *
 * @example
 * const pointerCases = unflattenCases.filter((c) => c.options?.style === "pointer");
 */
export const unflattenCases: Case<UnflattenOptions>[] = [
  // js style.
  ok("js member", '{"a":1}', '{"a":1}'),
  ok("js nested members", '{"a.b":1,"a.c":2}', '{"a":{"b":1,"c":2}}'),
  ok("js array", '{"a[0]":1,"a[1]":2}', '{"a":[1,2]}'),
  ok("js missing indexes become null", '{"a[2]":1}', '{"a":[null,null,1]}'),
  ok("js root array", '{"[0]":1,"[2]":3}', "[1,null,3]"),
  ok("js indexes in any order", '{"[1].a":1,"[0]":0}', '[0,{"a":1}]'),
  ok("js null slot filled later", '{"a[1]":1,"a[0].b":2}', '{"a":[{"b":2},1]}'),
  ok("js bracket keys", String.raw`{"[\"b c\"]":1,"[\"\"]":2,"[\"0\"]":3,"[\"a\"]":4}`, '{"b c":1,"":2,"0":3,"a":4}'),
  ok("js bracket key escapes", String.raw`{"[\"a\\u0000\\n${EMOJI}\\ud83d\\ude00\\/\\\"\"]":1}`, String.raw`{"a\u0000\n${EMOJI}${EMOJI}/\"":1}`),
  ok("js mixed steps", String.raw`{"a[\"b c\"][0].d":1}`, '{"a":{"b c":[{"d":1}]}}'),
  ok("js keys keep first-creation order", '{"b.x":1,"a":2,"b.y":3}', '{"b":{"x":1,"y":3},"a":2}'),
  ok("js values written canonically", String.raw`{"a":1.0,"b":"\u00e9\/","c":[1, 2],"d":{"x" : 1,"x":2},"e":-0.0e-0}`, '{"a":1.0,"b":"é/","c":[1,2],"d":{"x":1,"x":2},"e":-0.0e-0}'),
  ok("js names may be non-ASCII on input", '{"café.crème":1,"a.😀":2,"é":3}', '{"café":{"crème":1},"a":{"😀":2},"é":3}'),
  ok("js __proto__ is data", '{"__proto__.polluted":1,"constructor.prototype.x":2,"prototype":3}', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":2}},"prototype":3}'),
  ok("js bracket __proto__", String.raw`{"[\"__proto__\"]":{"a":1}}`, '{"__proto__":{"a":1}}'),

  // Roots, empty containers, merging.
  ok("empty input object", "{}", "{}"),
  ok("empty input object with whitespace", " { } ", "{}"),
  ok("root path scalar", '{"":5}', "5"),
  ok("root path object", '{"":{"a":1}}', '{"a":1}'),
  ok("root path empty array", '{"":[]}', "[]"),
  ok("root {} then members", '{"":{},"a":1}', '{"a":1}'),
  ok("members then root {}", '{"a":1,"":{}}', '{"a":1}'),
  ok("root [] then elements", '{"":[],"[0]":1}', "[1]"),
  ok("root path twice: last wins", '{"":5,"":6}', "6"),
  fails("root scalar then member", '{"":5,"a":1}', "PATH_CONFLICT", undefined, { offset: 6, messageIncludes: ['"a"', '""'] }),
  fails("member then root scalar", '{"a":1,"":5}', "PATH_CONFLICT", undefined, { offset: 7 }),
  fails("root non-empty object then member", '{"":{"a":1},"b":2}', "PATH_CONFLICT"),
  ok("empty object leaf", '{"a":{}}', '{"a":{}}'),
  ok("empty array leaf", '{"a":[]}', '{"a":[]}'),
  ok("{} leaf grows into an object", '{"a":{},"a.b":1}', '{"a":{"b":1}}'),
  ok("{} onto an object adds nothing", '{"a.b":1,"a":{}}', '{"a":{"b":1}}'),
  ok("[] leaf grows into an array", '{"a":[],"a[0]":1}', '{"a":[1]}'),
  ok("[] onto an array adds nothing", '{"a[0]":1,"a":[]}', '{"a":[1]}'),
  ok("same path twice: last wins", '{"a":1,"a":2}', '{"a":2}'),
  ok("leaf replaces leaf, even a container value", '{"a":{"x":1},"a":{}}', '{"a":{}}'),
  ok("scalar replaces {} leaf", '{"a":{},"a":5}', '{"a":5}'),

  // Conflicts: PATH_CONFLICT names both paths.
  fails("leaf then member below it", '{"a":1,"a.b":2}', "PATH_CONFLICT", undefined, { offset: 7, line: 1, column: 8, messageIncludes: ['"a.b"', '"a"'] }),
  fails("member then leaf above it", '{"a.b":2,"a":1}', "PATH_CONFLICT", undefined, { offset: 9, messageIncludes: ['"a"', '"a.b"'] }),
  fails("array where an object stands", '{"a.b":1,"a[0]":2}', "PATH_CONFLICT", undefined, { messageIncludes: ['"a[0]"', '"a.b"'] }),
  fails("object where an array stands", '{"a[0]":1,"a.b":2}', "PATH_CONFLICT", undefined, { messageIncludes: ['"a.b"', '"a[0]"'] }),
  fails("{} leaf cannot become an array", '{"a":{},"a[0]":1}', "PATH_CONFLICT"),
  fails("[] leaf cannot become an object", '{"a":[],"a.b":1}', "PATH_CONFLICT"),
  fails("[] onto an object", '{"a.b":1,"a":[]}', "PATH_CONFLICT"),
  fails("{} onto an array", '{"a[0]":1,"a":{}}', "PATH_CONFLICT"),
  fails("non-empty leaf cannot be extended", '{"a":{"x":1},"a.y":2}', "PATH_CONFLICT", undefined, { messageIncludes: ['"a.y"', '"a"'] }),
  fails("non-empty array leaf cannot be extended", '{"a":[1],"a[1]":2}', "PATH_CONFLICT"),
  fails("non-empty leaf onto a container", '{"a.b":1,"a":{"c":2}}', "PATH_CONFLICT"),
  fails("conflict deep down names the creator", '{"x.y.z":1,"x.y":2}', "PATH_CONFLICT", undefined, { messageIncludes: ['"x.y"', '"x.y.z"'] }),
  fails("conflict at an intermediate node", '{"a.b.c":1,"a[0]":2}', "PATH_CONFLICT", undefined, { messageIncludes: ['"a[0]"', '"a.b.c"'] }),
  fails("null leaf cannot be extended", '{"a[0]":null,"a[0].b":1}', "PATH_CONFLICT"),

  // Index bound: max(1024, input length in bytes).
  ok("index 1024 allowed for a small input", '{"a[1024]":1}', `{"a":[${"null,".repeat(1024)}1]}`),
  fails("index 1025 refused for a small input", '{"a[1025]":1}', "INVALID_PATH", undefined, { offset: 1, messageIncludes: ["a[1025]"] }),
  ok("index equal to the input length", '{"a[3000]":1}' + " ".repeat(2987), `{"a":[${"null,".repeat(3000)}1]}`),
  fails("index one above the input length", '{"a[3001]":1}' + " ".repeat(2987), "INVALID_PATH"),
  fails("huge js index", '{"a[99999999999999999999999]":1}', "INVALID_PATH"),
  ok("pointer big digits are a name", '{"/a/5000":1}', '{"a":{"5000":1}}', { style: "pointer" }),
  ok("flat big digits are a name", '{"a.5000":1}', '{"a":{"5000":1}}', { style: "flat" }),
  fails("index bound checked before conflicts", '{"a":1,"a[5000]":2}', "INVALID_PATH"),

  // Invalid js paths.
  ...[
    ".a", "a.", "a..b", "a[", "a[0", "a[01]", "a[-1]", "a[ 0]", "a[0 ]", '["b"', "a['b']", "a[b]", "a b", "1a",
    "a[0]b", '["b"]c', '[""]x', "a.0", "a-b", "a.\u00e9-", "[]", "a[].b", String.raw`["\x"]`, String.raw`["\ud800"]`, '["a', "a.[0]", "[+1]",
  ].map((path) =>
    fails<UnflattenOptions>(`invalid js path ${path}`, `{${JSON.stringify(path)}:1}`, "INVALID_PATH", undefined, {
      offset: 1,
      messageIncludes: /["\\]/.test(path) ? [] : [path], // messages may quote paths as JSON or not
    }),
  ),
  fails("invalid js path raw control character in bracket key", String.raw`{"[\"\u0001\"]":1}`, "INVALID_PATH"),

  // pointer style.
  ok("pointer members", '{"/a/b":1}', '{"a":{"b":1}}', { style: "pointer" }),
  ok("pointer array", '{"/a/0":1,"/a/1":2}', '{"a":[1,2]}', { style: "pointer" }),
  ok("pointer array in order", '{"/0":1,"/1":2,"/2":3}', "[1,2,3]", { style: "pointer" }),
  ok("pointer element revisited", '{"/a/0/x":1,"/a/1":2,"/a/0/y":3}', '{"a":[{"x":1,"y":3},2]}', { style: "pointer" }),
  ok("pointer digits that do not start an array are names", '{"/1":1}', '{"1":1}', { style: "pointer" }),
  ok("pointer digits in any order stay names", '{"/a/1":1,"/a/0":2}', '{"a":{"1":1,"0":2}}', { style: "pointer" }),
  ok("pointer gap turns the array into an object", '{"/a/0":1,"/a/2":3}', '{"a":{"0":1,"2":3}}', { style: "pointer" }),
  ok("pointer name turns the array into an object", '{"/a/0":1,"/a/1":2,"/a/x":3}', '{"a":{"0":1,"1":2,"x":3}}', { style: "pointer" }),
  ok("pointer digit names like citm_catalog", '{"/205705993/name":"a","/205705994/name":"b"}', '{"205705993":{"name":"a"},"205705994":{"name":"b"}}', { style: "pointer" }),
  fails("pointer converted element keeps its origin", '{"/a/0":1,"/a/x":2,"/a/0/y":3}', "PATH_CONFLICT", { style: "pointer" }, { messageIncludes: ['"/a/0/y"', '"/a/0"'] }),
  ok("pointer [] onto an array made by digits", '{"/a/0":1,"/a":[]}', '{"a":[1]}', { style: "pointer" }),
  fails("pointer {} onto an array made by digits", '{"/a/0":1,"/a":{}}', "PATH_CONFLICT", { style: "pointer" }),
  fails("pointer [] leaf takes only index 0", '{"/a":[],"/a/1":1}', "PATH_CONFLICT", { style: "pointer" }),
  fails("pointer scalar leaf then digits", '{"/a":1,"/a/0":2}', "PATH_CONFLICT", { style: "pointer" }),
  ok("pointer escapes", '{"/a~1b/m~0n":1,"/~01":2}', '{"a/b":{"m~n":1},"~1":2}', { style: "pointer" }),
  ok("pointer empty keys", '{"/":1}', '{"":1}', { style: "pointer" }),
  ok("pointer nested empty keys", '{"//":1}', '{"":{"":1}}', { style: "pointer" }),
  ok("pointer root", '{"":1}', "1", { style: "pointer" }),
  ok("pointer digits are a key where an object stands", '{"/a/x":1,"/a/0":2}', '{"a":{"x":1,"0":2}}', { style: "pointer" }),
  ok("pointer digits are a key in a {} leaf", '{"/a":{},"/a/0":1}', '{"a":{"0":1}}', { style: "pointer" }),
  ok("pointer digits are an index in a [] leaf", '{"/a":[],"/a/0":1}', '{"a":[1]}', { style: "pointer" }),
  ok("pointer non-canonical digits are keys", '{"/a/00":1,"/a/01":2,"/a/-1":3,"/a/1":4}', '{"a":{"00":1,"01":2,"-1":3,"1":4}}', { style: "pointer" }),
  ok("pointer __proto__ is data", '{"/__proto__/x":1}', '{"__proto__":{"x":1}}', { style: "pointer" }),
  ...["a", "a/b", "/a~", "/a~2", "/~a", "~0"].map((path) =>
    fails<UnflattenOptions>(`invalid pointer path ${path}`, `{${JSON.stringify(path)}:1}`, "INVALID_PATH", { style: "pointer" }, { offset: 1, messageIncludes: [path] }),
  ),

  // flat style.
  ok("flat members", '{"a.b":1}', '{"a":{"b":1}}', { style: "flat" }),
  ok("flat array", '{"a.0":1,"a.1":2}', '{"a":[1,2]}', { style: "flat" }),
  ok("flat mixed", '{"a.b.0.c":1}', '{"a":{"b":[{"c":1}]}}', { style: "flat" }),
  ok("flat root array", '{"0":1}', "[1]", { style: "flat" }),
  ok("flat root", '{"":1}', "1", { style: "flat" }),
  ok("flat same path twice: last wins", '{"a.b":1,"a.b":2}', '{"a":{"b":2}}', { style: "flat" }),
  ok("flat: issue 15's flatten output, the same path twice: last wins", '{"0":null,"0":[]}', "[[]]", { style: "flat" }),
  ok("flat empty segments", '{"a.":1,".b":2}', '{"a":{"":1},"":{"b":2}}', { style: "flat" }),
  ok("flat delimiter __", '{"a__b":1,"a__c__0":2}', '{"a":{"b":1,"c":[2]}}', { style: "flat", delimiter: "__" }),
  ok("flat delimiter splits left to right", '{"a___b":1}', '{"a":{"_b":1}}', { style: "flat", delimiter: "__" }),
  ok("flat delimiter ->", '{"a->b->0":1}', '{"a":{"b":[1]}}', { style: "flat", delimiter: "->" }),
  ok("flat multi-byte delimiter", '{"a→b→0":1,"a→c":2}', '{"a":{"b":[1],"c":2}}', { style: "flat", delimiter: "→" }),
  ok("flat dots are plain with another delimiter", '{"a.b__c":1}', '{"a.b":{"c":1}}', { style: "flat", delimiter: "__" }),
  ok("flat digits are a key where an object stands", '{"a.x":1,"a.0":2}', '{"a":{"x":1,"0":2}}', { style: "flat" }),
  ok("flat name turns the array into an object", '{"a.0":1,"a.b":2}', '{"a":{"0":1,"b":2}}', { style: "flat" }),
  fails("flat conflict", '{"a":1,"a.b":2}', "PATH_CONFLICT", { style: "flat" }, { messageIncludes: ['"a.b"', '"a"'] }),

  // Nesting: a member's segments plus its value's nesting may not exceed maxNesting.
  ok("segments exactly at the limit", '{"a.b.c":1}', '{"a":{"b":{"c":1}}}', { maxNesting: 3 }),
  fails("segments beyond the limit", '{"a.b.c.d":1}', "NESTING_TOO_DEEP", { maxNesting: 3 }, { offset: 1 }),
  ok("segments and value exactly at the limit", '{"a.b":[1]}', '{"a":{"b":[1]}}', { maxNesting: 3 }),
  fails("segments and value beyond the limit", '{"a.b":[1]}', "NESTING_TOO_DEEP", { maxNesting: 2 }),
  fails("a value nested beyond the limit under its path", '{"a":[[1]]}', "NESTING_TOO_DEEP", { maxNesting: 2 }),
  // fuzz-diff counterexamples: the first fault in input order is reported, even a deep value a later member replaces.
  fails("a too-deep value before an invalid path comes first", '{"a":[],"a[1]isbn_13":1}', "NESTING_TOO_DEEP", { maxNesting: 1, replaceInvalidUtf8: true }, { offset: 1 }),
  fails("an invalid path before a too-deep value comes first", '{"b[1]x":1,"a":[]}', "INVALID_PATH", { maxNesting: 1 }, { offset: 1 }),
  fails("a too-deep value is an error though a later member replaces it", '{"a.b":[],"a":1}', "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 1 }),
  // The flattened object's own level does not count: unflatten(flatten(x)) works under the limit x passed.
  ok("the wrapper level does not count", '{"":[[1]]}', "[[1]]", { maxNesting: 2 }),
  ok("an empty object under limit 1", '{"":{}}', "{}", { maxNesting: 1 }),
  fails("input nesting beyond the limit plus the wrapper", '{"":[[[1]]]}', "NESTING_TOO_DEEP", { maxNesting: 2 }, { offset: 6 }),
  ok("root path scalar with limit 1", '{"":5}', "5", { maxNesting: 1 }),
  ok("10,000 segments pass by default", `{"a${".a".repeat(9_999)}":1}`, `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`),
  fails("10,001 segments fail by default", `{"a${".a".repeat(10_000)}":1}`, "NESTING_TOO_DEEP", undefined, { offset: 1 }),
  ok("10^5 deep value rebuilt (no recursion anywhere)", `{"a":${nestedArrays(100_000)}}`, `{"a":${nestedArrays(100_000)}}`, { maxNesting: 200_000 }),

  // Input errors.
  ...['[1]', "5", '"a"', "null"].map((input) =>
    fails<UnflattenOptions>(`root ${input} is not an object`, input, "INVALID_JSON", undefined, { messageIncludes: ["object"] }),
  ),
  fails("invalid JSON", '{"a":1}x', "INVALID_JSON", undefined, { offset: 7 }),
  fails("invalid UTF-8 in a value", bytes('{"a":"', [0xff], '"}'), "INVALID_JSON"),
  ok("replace invalid UTF-8 in a value", bytes('{"a":"', [0xff], '"}'), '{"a":"\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace invalid UTF-8 in a flat key", bytes('{"', [0xff], '.b":1}'), '{"\uFFFD":{"b":1}}', { replaceInvalidUtf8: true, style: "flat" }),
  ok("keys are compared after replacement", bytes('{"', [0xff], '.a":1,"', [0xfe], '.b":2}'), '{"\uFFFD":{"a":1,"b":2}}', { replaceInvalidUtf8: true, style: "flat" }),
  ok("replaced key reads as a js name", bytes('{"', [0xff], '":1}'), '{"\uFFFD":1}', { replaceInvalidUtf8: true }),
  fails("lone surrogate escape in a value", String.raw`{"a":"x\ud83d"}`, "INVALID_JSON", undefined, { offset: 7, messageIncludes: [String.raw`lone surrogate \ud83d`] }),
  fails("lone surrogate escape in a key", String.raw`{"a\udc00":1}`, "INVALID_JSON", undefined, { offset: 3 }),
  ok("replace lone surrogate escape in a value", String.raw`{"a":"x\ud83d"}`, '{"a":"x\uFFFD"}', { replaceInvalidUtf8: true }),
  ok("replace lone surrogate escape in a flat key", String.raw`{"\udc00.b":1}`, '{"\uFFFD":{"b":1}}', { replaceInvalidUtf8: true, style: "flat" }),
  ok("replaced lone surrogate key reads as a js name", String.raw`{"\ud800.a":1,"\udfff.b":2}`, '{"\uFFFD":{"a":1,"b":2}}', { replaceInvalidUtf8: true }),
  // The path syntax inside a key is held to strict JSON strings: replacement applies to the input text only.
  fails("replace leaves a lone surrogate in js path syntax invalid", String.raw`{"[\"\\ud800\"]":1}`, "INVALID_PATH", { replaceInvalidUtf8: true }, { offset: 1 }),
  fails("unknown style", "{}", "INVALID_OPTION", { style: "xml" as never }),
  fails("empty delimiter", "{}", "INVALID_OPTION", { style: "flat", delimiter: "" }),
  fails("33-byte delimiter", "{}", "INVALID_OPTION", { style: "flat", delimiter: "-".repeat(33) }),
  fails("maxNesting 0", "{}", "INVALID_OPTION", { maxNesting: 0 }),
];

/**
 * Documents for `unflatten(flatten(doc)) === canonical(doc)` in `js` style. Pointer style uses the same
 * list minus `jsOnly`: RFC 6901 text cannot tell member `/0` of an object from element `/0` of an array, so
 * an object whose member names are exactly `"0"`, `"1"`, … `"n"` in that order comes back as an array.
 * That is inherent to the format, not a bug; use `js` style when it matters.
 *
 * @example
 * roundTrips.filter((trip) => !trip.jsOnly).length // the pointer round trips
 */
export const roundTrips: (RoundTrip & { jsOnly?: true })[] = [
  { name: "nested", document: '{"a":{"b c":[1,{"d":null}]},"e":[]}' },
  { name: "root array", document: '[1,"two",[3,[4,{}]],{"":{"":[]}}]' },
  { name: "nasty keys", document: NASTY_KEYS },
  { name: "__proto__ keys", document: '{"__proto__":{"constructor":{"prototype":1}},"prototype":[]}' },
  { name: "numbers", document: NUMBERS },
  { name: "strings", document: String.raw`["\u0000\u001f","${E_ACUTE}${EMOJI}","\"\\/","","\b\f\n\r\t"]` },
  { name: "unescaped DEL and U+2028", document: '["\u007f\u2028"]' },
  { name: "empty containers", document: '{"a":{},"b":[],"c":[[],{}],"d":{"e":[{}]}}' },
  { name: "nulls in arrays", document: "[null,null,1,[null]]" },
  { name: "deep", document: "[[[[[[1]]]]]]" },
  { name: "digits after a name", document: '{"x":{"a":1,"0":2,"01":3}}' },
  { name: "non-canonical digit keys", document: '{"00":1,"-1":2,"1.0":3}' },
  { name: "scalar", document: "5" },
  { name: "string root", document: '"s"' },
  { name: "null root", document: "null" },
  { name: "empty object root", document: "{}" },
  { name: "empty array root", document: "[]" },
  { name: "whitespace and escapes", document: ' { "a" : [ 1 , "\\u00e9\\/" ] } ', canonical: '{"a":[1,"é/"]}' },
  { name: "surrogate pair escape", document: String.raw`{"\ud83d\ude00":"\ud83d\ude00"}`, canonical: '{"😀":"😀"}' },
  { name: "digit names then a name", document: '{"0":1,"1":2,"a":3}' },
  { name: "digit names out of order", document: '{"x":{"1":"a","0":"b"}}' },
  { name: "digit names with a gap", document: '{"0":"a","2":"b"}' },
  { name: "large digit names", document: '{"205705993":{"name":"a"},"205705994":{"name":"b"}}' },
  { name: "digit names 0..n in order", document: '{"x":{"0":1,"1":2}}', jsOnly: true },
  { name: "digit key at the root", document: '{"0":{"1":[]}}', jsOnly: true },
];

function checkOutcome<O>(outcome: Outcome, testCase: Case<O>): void {
  if ("expect" in testCase) {
    if (!outcome.ok) throw new Error(`expected output, got ${outcome.error.code}: ${outcome.error.message}`);
    expect(outcome.text).toBe(testCase.expect);
    return;
  }
  if (outcome.ok) throw new Error(`expected ${testCase.error}, got output ${outcome.text.slice(0, 200)}`);
  expect(outcome.error.code).toBe(testCase.error);
  if (testCase.offset !== undefined) expect(outcome.error.offset).toBe(testCase.offset);
  if (testCase.line !== undefined) expect(outcome.error.line).toBe(testCase.line);
  if (testCase.column !== undefined) expect(outcome.error.column).toBe(testCase.column);
  for (const words of testCase.messageIncludes ?? []) expect(outcome.error.message ?? "").toContain(words);
}

async function checkRoundTrip(impl: Impl, trip: RoundTrip, style: "js" | "pointer"): Promise<void> {
  const flat = await impl.flatten(toBytes(trip.document), { style });
  if (!flat.ok) throw new Error(`flatten failed: ${flat.error.code}: ${flat.error.message}`);
  const rebuilt = await impl.unflatten(toBytes(flat.text), { style });
  if (!rebuilt.ok) throw new Error(`unflatten of ${flat.text} failed: ${rebuilt.error.code}: ${rebuilt.error.message}`);
  expect(rebuilt.text).toBe(trip.canonical ?? trip.document);
}

/**
 * Registers the whole suite for `impl` as `bun:test` blocks: one test per case and per round trip.
 *
 * @example
 * runCases({ name: "native", flatten: (i, o) => outcomeOf(() => flattenText(i, o)), unflatten: ... });
 */
export function runCases(impl: Impl): void {
  describe(`${impl.name}: flatten`, () => {
    for (const testCase of flattenCases) {
      test(testCase.name, async () => checkOutcome(await impl.flatten(toBytes(testCase.input), testCase.options ?? {}), testCase));
    }
  });
  describe(`${impl.name}: unflatten`, () => {
    for (const testCase of unflattenCases) {
      test(testCase.name, async () => checkOutcome(await impl.unflatten(toBytes(testCase.input), testCase.options ?? {}), testCase));
    }
  });
  describe(`${impl.name}: unflatten(flatten(x)) is canonical x`, () => {
    for (const trip of roundTrips) {
      test(`js: ${trip.name}`, () => checkRoundTrip(impl, trip, "js"));
      if (!trip.jsOnly) test(`pointer: ${trip.name}`, () => checkRoundTrip(impl, trip, "pointer"));
    }
  });
}
