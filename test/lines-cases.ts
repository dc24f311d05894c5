/**
 * @module lines-cases — the one NDJSON conformance table that every front end must pass (SPEC sections 8-10):
 * the library (one call, streams over bytes and over files, byte ranges), the coworker pool, the CLI, the HTTP
 * handler and journaled file jobs. A row is an input, an operation (flatten, search, schema, unflatten,
 * decode), its options, and the exact output text or the error's fields.
 *
 * What the table pins (the target of the NDJSON rewrite, issue 16):
 * - Lines end in LF or CRLF, with the same output; the last line may lack its newline.
 * - One blank-line rule everywhere: a line of only spaces, tabs and CR bytes (a lone "\r", "\r\r\n") is skipped
 *   and still counts for line numbers.
 * - A UTF-8 BOM at the start of a document is skipped, on line 1 and on any later line; it is one code point of
 *   the line for columns (as in the single-document calls).
 * - Bad lines: `fail` stops with `{code, message, offset, line, column}`: offset = 0-based byte offset in the
 *   whole file/stream, line = 1-based line of the whole file (blank lines counted), column = 1-based code points
 *   from the start of the LINE. `skip` leaves the line out. `emit` writes exactly
 *   `{"error":{"code":C,"message":M,"offset":O,"line":L,"column":K},"line":L}` in its place (flatten, search,
 *   unflatten; schema never writes a record; decode takes fail and skip only).
 * - Positions are fields, never text: no message contains "at line N" or "column N" (the CLI's human stderr
 *   line is the one exception, and it must name the line).
 * - Column mode: the Nth tab-separated field is the document; positions count from the line start; a line with
 *   fewer fields is INVALID_JSON at the end of its content (before CR/LF), column = code points + 1.
 * - Every front end writes the same bytes as the library for the same input and options.
 *
 * Expected outputs write an error record's message as `"*"`: messages are free text, so the table compares
 * every byte but those, then checks the messages separately (no position in them) and, against the library
 * reference, compares them too.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import {
  bind,
  flattenLines,
  flattenStream,
  JsonFlatError,
  schemaStream,
  searchStream,
  unflattenStream,
  type ByteRange,
  type SearchQuery,
  type Shape,
} from "../src/index";

/*------------------------------------------------------------------------------
 * Types
 *----------------------------------------------------------------------------*/

/** The NDJSON operations. */
export type LinesOperation = "flatten" | "search" | "schema" | "unflatten" | "decode";

/**
 * Options a row may give; each front end passes them its own way (library options, CLI flags, query parameters).
 *
 * @example
 * const o: LinesOptions = { onError: "emit", column: 5, style: "pointer" };
 */
export interface LinesOptions {
  style?: "js" | "pointer" | "flat";
  delimiter?: string;
  mode?: "leaf" | "grouped";
  format?: "object" | "entries";
  maxNesting?: number;
  onError?: "fail" | "skip" | "emit";
  column?: number;
}

/**
 * One call of a front end: what to do on which bytes. `query` is for search, `shape` for decode.
 *
 * @example
 * const call: LinesCall = { operation: "search", input: bytes, options: { onError: "skip" }, query: { key: "a" } };
 */
export interface LinesCall {
  operation: LinesOperation;
  input: Uint8Array;
  options: LinesOptions;
  query?: SearchQuery;
  shape?: Shape;
}

/** The position fields of an error; only the ones given are compared. */
export interface ErrorFields {
  code: string;
  message?: string;
  offset?: number;
  line?: number;
  column?: number;
}

/**
 * What one call gave: its whole output text (schema: `JSON.stringify(schema) + "\n"`; decode: one
 * `JSON.stringify(value)` line per value), or its error. `human` is the CLI's stderr line the error was read from.
 *
 * @example
 * const outcome: LinesOutcome = { ok: false, error: { code: "INVALID_JSON", offset: 14, line: 3, column: 6 } };
 */
export type LinesOutcome = { ok: true; text: string } | { ok: false; error: ErrorFields; human?: string };

/**
 * Several outcomes of one row, for front ends that run it more than one way (byte ranges split at many
 * positions, a journaled job run twice); each must match the row.
 *
 * @example
 * const v: Variants = { variants: [{ label: "split at 7", outcome }] };
 */
export interface Variants {
  variants: { label: string; outcome: LinesOutcome }[];
}

/**
 * A front end under test.
 *
 * @example
 * const impl: LinesImpl = { name: "cli", operations: ["flatten", "search"], run: (call) => runCli(call), concurrency: 8 };
 */
export interface LinesImpl {
  name: string;
  /** The operations it offers; rows of other operations do not apply to it. */
  operations: readonly LinesOperation[];
  run(call: LinesCall): LinesOutcome | Variants | Promise<LinesOutcome | Variants>;
  /** `human`: errors are read back from a human one-liner (the CLI), whose message is exempt from the no-position rule. */
  errors?: "fields" | "human";
  /** Rows started at once (subprocesses, HTTP); default 1, in table order. */
  concurrency?: number;
}

/**
 * One row: an input, an operation and options, and the exact output or the error fields.
 *
 * @example
 * const row: LinesCase = { name: "x", operation: "flatten", input: '{"a":x}\n', error: { code: "INVALID_JSON", offset: 5, line: 1, column: 6 } };
 */
export type LinesCase = {
  name: string;
  operation: LinesOperation;
  input: string | Uint8Array;
  options?: LinesOptions;
  query?: SearchQuery;
  shape?: Shape;
} & ({ expect: string } | { error: ErrorFields });

/*------------------------------------------------------------------------------
 * The table
 *----------------------------------------------------------------------------*/

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const BOM = "\uFEFF"; // EF BB BF: 3 bytes, 1 code point
const E_ACUTE = "\u00e9"; // 2 bytes, 1 code point
const U_UMLAUT = "\u00fc"; // 2 bytes, 1 code point
const EMOJI = "\u{1F600}"; // 4 bytes, 1 code point, 2 UTF-16 units

/** An error record as `emit` writes it, its message written `*`. */
function record(code: string, offset: number, line: number, column: number): string {
  return `{"error":{"code":"${code}","message":"*","offset":${offset},"line":${line},"column":${column}},"line":${line}}\n`;
}
const invalid = (offset: number, line: number, column: number) => record("INVALID_JSON", offset, line, column);

/** Bytes from text pieces and raw byte lists. */
function bytes(...pieces: (string | number[])[]): Uint8Array {
  const parts = pieces.map((p) => (typeof p === "string" ? encoder.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Lines `[..., "x"]` joined with LF, with a final LF. */
const lf = (...lines: string[]) => lines.join("\n") + "\n";
/** Lines joined with CRLF, with a final CRLF. */
const crlf = (...lines: string[]) => lines.join("\r\n") + "\r\n";

const SHAPE: Shape = { a: "integer", s: { path: "b.s", type: "string", optional: true } };

/**
 * Every row. Offsets are worked out byte by byte in the comments: `@N` is the byte offset of a line's start.
 *
 * @example
 * for (const row of linesCases) console.log(row.operation, row.name);
 */
export const linesCases: LinesCase[] = [
  /*--- Splitting: LF, CRLF, the last line, blank lines ----------------------*/
  {
    name: "flatten: LF lines, a blank line, the last line without its newline",
    operation: "flatten",
    input: '{"a":1}\n\n{"b":[true,null]}\n{"c":"x"}',
    expect: '{"a":1}\n{"b[0]":true,"b[1]":null}\n{"c":"x"}\n',
  },
  {
    name: "flatten: CRLF gives the same output as LF",
    operation: "flatten",
    input: '{"a":1}\r\n\r\n{"b":[true,null]}\r\n{"c":"x"}',
    expect: '{"a":1}\n{"b[0]":true,"b[1]":null}\n{"c":"x"}\n',
  },
  {
    // @0 {"a":1}  @8 " \t "  @12 "\r"  @14 "\r\r"  @17 "\t\r"  @20 {"a":x}: x at 20+5 = 25, column 6 (line 6)
    name: "flatten emit: lines of spaces, tabs and CR bytes (a lone CR, CR CR LF) are blank and still counted",
    operation: "flatten",
    input: lf('{"a":1}', " \t ", "\r", "\r\r", "\t\r", '{"a":x}', '{"a":2}'),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(25, 6, 6) + '{"a":2}\n',
  },
  {
    name: "flatten: only blank lines, the last a lone CR without LF, give nothing",
    operation: "flatten",
    input: "\n \r\n\t\n\r\r\n\r",
    expect: "",
  },
  { name: "flatten: empty input gives nothing", operation: "flatten", input: "", expect: "" },

  /*--- BOM -------------------------------------------------------------------*/
  {
    name: "flatten: a BOM on line 1 and on a later line is skipped",
    operation: "flatten",
    input: `${BOM}{"a":1}\n${BOM}{"a":2}\r\n`,
    expect: '{"a":1}\n{"a":2}\n',
  },
  {
    // @0 BOM {"a":1} (3 + 7)  @11 ""  @12 {"a":x}: x at 12+5 = 17
    name: "flatten fail: a BOM on line 1 moves the offset by 3",
    operation: "flatten",
    input: `${BOM}{"a":1}\n\n{"a":x}\n`,
    error: { code: "INVALID_JSON", offset: 17, line: 3, column: 6 },
  },
  {
    // @0 {"a":1}  @8 BOM(8-10) { " a " : x: x at 16; column: BOM { " a " : x = 7
    name: "flatten fail: on a line starting with a BOM, the BOM is one code point of the column",
    operation: "flatten",
    input: `{"a":1}\n${BOM}{"a":x}\n`,
    error: { code: "INVALID_JSON", offset: 16, line: 2, column: 7 },
  },

  /*--- onError: fail, skip, emit ---------------------------------------------*/
  {
    // @0 {"a":1}  @8 ""  @9 {"a":x}: x at 9+5 = 14, column 6
    name: "flatten fail (LF): the whole-file offset, the line with blank lines counted, the column in the line",
    operation: "flatten",
    input: lf('{"a":1}', "", '{"a":x}', '{"a":3}'),
    error: { code: "INVALID_JSON", offset: 14, line: 3, column: 6 },
  },
  {
    // @0 {"a":1}\r\n  @9 \r\n  @11 {"a":x}: x at 16
    name: "flatten fail (CRLF): CR bytes count in offsets",
    operation: "flatten",
    input: crlf('{"a":1}', "", '{"a":x}', '{"a":3}'),
    error: { code: "INVALID_JSON", offset: 16, line: 3, column: 6 },
  },
  {
    name: "flatten skip: the bad line is left out, the good ones around it kept",
    operation: "flatten",
    input: lf('{"a":1}', "", '{"a":x}', '{"a":3}'),
    options: { onError: "skip" },
    expect: '{"a":1}\n{"a":3}\n',
  },
  {
    name: "flatten emit: an error record in place of the bad line",
    operation: "flatten",
    input: lf('{"a":1}', "", '{"a":x}', '{"a":3}'),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(14, 3, 6) + '{"a":3}\n',
  },
  {
    name: "flatten emit (CRLF): the same record, the offset counting CR bytes",
    operation: "flatten",
    input: crlf('{"a":1}', "", '{"a":x}', '{"a":3}'),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(16, 3, 6) + '{"a":3}\n',
  },
  {
    // @0 x  @2 { (end of data at 3)  @4 [1, (end at 7)  @8 {"a":1} {"b":2}: second document at 8+8 = 16  @24 {"a":1}
    name: "flatten emit: several kinds of bad line (bad value, end of data, two documents on a line)",
    operation: "flatten",
    input: lf("x", "{", "[1,", '{"a":1} {"b":2}', '{"a":1}'),
    options: { onError: "emit" },
    expect: invalid(0, 1, 1) + invalid(3, 2, 2) + invalid(7, 3, 4) + invalid(16, 4, 9) + '{"a":1}\n',
  },
  {
    // @0 {"a":1}\r\n  @9 [1,\r\n: end of data at the CR, 9+3 = 12, column 4
    name: "flatten emit: a line cut short ends before its CR",
    operation: "flatten",
    input: crlf('{"a":1}', "[1,"),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(12, 2, 4),
  },
  {
    // @0 {"a":1}  @8 { " é(10-11) " : " ü(15-16) " , x: x at 19; column: { " é " : " ü " , x = 10
    name: "flatten emit: 2-byte code points before the fault: offset in bytes, column in code points",
    operation: "flatten",
    input: lf('{"a":1}', `{"${E_ACUTE}":"${U_UMLAUT}",x}`),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(19, 2, 10),
  },
  {
    // { " é(2-3) " : x: x at byte 6, code point 6
    name: "flatten fail: é on line 1: offset 6 (bytes), column 6 (code points)",
    operation: "flatten",
    input: `{"${E_ACUTE}":x}\n`,
    error: { code: "INVALID_JSON", offset: 6, line: 1, column: 6 },
  },
  {
    // { " 😀(2-5) " : x: x at byte 8, code point 6 (UTF-16 units would say 7)
    name: "flatten fail: a 4-byte code point (two UTF-16 units) is one column",
    operation: "flatten",
    input: `{"${EMOJI}":x}\n`,
    error: { code: "INVALID_JSON", offset: 8, line: 1, column: 6 },
  },
  {
    // @0 {"a":1}  @8 " FF ": the bad byte at 9, column 2
    name: "flatten emit: invalid UTF-8 is INVALID_JSON at the bad byte",
    operation: "flatten",
    input: bytes('{"a":1}\n"', [0xff], '"\n'),
    options: { onError: "emit" },
    expect: '{"a":1}\n' + invalid(9, 2, 2),
  },
  {
    // [[[1]]] with maxNesting 2: the third [ at 2, column 3
    name: "flatten emit: a line nested too deep is NESTING_TOO_DEEP",
    operation: "flatten",
    input: "[[[1]]]\n",
    options: { onError: "emit", maxNesting: 2 },
    expect: record("NESTING_TOO_DEEP", 2, 1, 3),
  },

  /*--- Modes, styles, formats --------------------------------------------------*/
  {
    name: "flatten grouped mode",
    operation: "flatten",
    input: '{"a":[{"b":1},{"b":2}]}\r\n\n{"a":[]}\n',
    options: { mode: "grouped" },
    expect: '{"a[].b":[1,2]}\n{"a":[[]]}\n',
  },
  {
    name: "flatten pointer style, entries format",
    operation: "flatten",
    input: '{"a":{"b c":[1]}}\r\n{"x/y":2}\n',
    options: { style: "pointer", format: "entries" },
    expect: '[["/a/b c/0",1]]\n[["/x~1y",2]]\n',
  },
  {
    name: "flatten flat style with delimiter __",
    operation: "flatten",
    input: '{"a":{"b":[1,{"c":null}]}}\n',
    options: { style: "flat", delimiter: "__" },
    expect: '{"a__b__0":1,"a__b__1__c":null}\n',
  },
  {
    name: "flatten: scalar and empty documents",
    operation: "flatten",
    input: lf("{}", "[]", "5", '"s"'),
    expect: '{"":{}}\n{"":[]}\n{"":5}\n{"":"s"}\n',
  },

  /*--- Column mode (Open Library TSV) ----------------------------------------*/
  {
    name: "flatten column 3: the third tab-separated field is the document",
    operation: "flatten",
    input: 'k\tx\t{"a":1}\nk\tx\t{"a":[2]}\r\n',
    options: { column: 3 },
    expect: '{"a":1}\n{"a[0]":2}\n',
  },
  {
    // @0 k\tx\t{"a":1} (11)  @12 k\tx: content ends at 15; column = 3 code points + 1
    name: "flatten emit column 3: a line with fewer fields is INVALID_JSON at the end of its content",
    operation: "flatten",
    input: 'k\tx\t{"a":1}\nk\tx\n',
    options: { column: 3, onError: "emit" },
    expect: '{"a":1}\n' + invalid(15, 2, 4),
  },
  {
    // @0 k\tx\t{"a":1}\r\n (13)  @13 k\té: content ends before the CR at 13+4 = 17; column = 3 code points + 1
    name: "flatten fail column 3: fewer fields, CRLF and a 2-byte character: before the CR, in code points",
    operation: "flatten",
    input: `k\tx\t{"a":1}\r\nk\t${E_ACUTE}\r\n`,
    options: { column: 3 },
    error: { code: "INVALID_JSON", offset: 17, line: 2, column: 4 },
  },
  {
    // ü(0-1) \t(2) { " a " : x: x at 8; column: ü \t { " a " : x = 8
    name: "flatten fail column 2: a fault in the field is placed from the line start",
    operation: "flatten",
    input: `${U_UMLAUT}\t{"a":x}\n`,
    options: { column: 2 },
    error: { code: "INVALID_JSON", offset: 8, line: 1, column: 8 },
  },
  {
    // @0 k\tx\t{"a":1}  @12 ""  @13 " \r"  @16 k\tx\t{"a":x}: x at 16+4+5 = 25, column 10
    name: "flatten emit column 3: blank lines are skipped, not short of fields",
    operation: "flatten",
    input: lf('k\tx\t{"a":1}', "", " \r", 'k\tx\t{"a":x}'),
    options: { column: 3, onError: "emit" },
    expect: '{"a":1}\n' + invalid(25, 4, 10),
  },
  {
    name: "flatten column 2: a BOM at the start of the field is skipped",
    operation: "flatten",
    input: `k\t${BOM}{"a":1}\n`,
    options: { column: 2 },
    expect: '{"a":1}\n',
  },

  /*--- Search ----------------------------------------------------------------*/
  {
    name: "search: [line,path,value] with the true line numbers (blank line, CRLF, no final newline)",
    operation: "search",
    input: '{"a":1}\n\n{"b":{"a":[2]}}\r\n{"c":3}\n{"a":"x"}',
    query: { key: "a" },
    expect: '[1,"a",1]\n[5,"a","x"]\n',
  },
  {
    name: "search: a path glob",
    operation: "search",
    input: '{"a":[{"id":1},{"id":2}]}\n\r\n{"id":3}\n',
    query: { path: "a[*].id" },
    expect: '[1,"a[0].id",1]\n[1,"a[1].id",2]\n',
  },
  {
    name: "search: by value, pointer style, after a lone CR line and a CR CR LF line",
    operation: "search",
    input: '\r\n\r\r\n{"a":1,"b":"1"}\n{"c":[1.0]}\n',
    query: { value: 1 },
    options: { style: "pointer" },
    expect: '[3,"/a",1]\n[4,"/c/0",1.0]\n',
  },
  {
    // @0 BOM {"a":1} (10)  @11 {"a":x}: x at 16
    name: "search fail: the position after a BOM on line 1",
    operation: "search",
    input: lf(`${BOM}{"a":1}`, '{"a":x}', "", '{"a":2}'),
    query: { key: "a" },
    error: { code: "INVALID_JSON", offset: 16, line: 2, column: 6 },
  },
  {
    name: "search skip",
    operation: "search",
    input: lf(`${BOM}{"a":1}`, '{"a":x}', "", '{"a":2}'),
    query: { key: "a" },
    options: { onError: "skip" },
    expect: '[1,"a",1]\n[4,"a",2]\n',
  },
  {
    name: "search emit: the error record in place, among the hits",
    operation: "search",
    input: lf(`${BOM}{"a":1}`, '{"a":x}', "", '{"a":2}'),
    query: { key: "a" },
    options: { onError: "emit" },
    expect: '[1,"a",1]\n' + invalid(16, 2, 6) + '[4,"a",2]\n',
  },
  {
    // @0 k\t{"a":1} (9)  @10 k: content ends at 11, column 2
    name: "search emit column 2: a line with fewer fields",
    operation: "search",
    input: 'k\t{"a":1}\nk\n',
    query: { key: "a" },
    options: { column: 2, onError: "emit" },
    expect: '[1,"a",1]\n' + invalid(11, 2, 2),
  },

  /*--- Schema ----------------------------------------------------------------*/
  {
    name: "schema: one schema merged over every line (BOM, blank line, CRLF, no final newline)",
    operation: "schema",
    input: `${BOM}{"a":1}\n\n{"a":"x","b":[true,null]}\r\n{"a":1.5}`,
    expect:
      '{"a":{"key":"a","count":3,"docs":3,"types":{"string":1,"integer":1,"number":1}},' +
      '"b[]":{"key":null,"count":2,"docs":1,"types":{"boolean":1,"null":1}}}\n',
  },
  {
    name: "schema emit: bad lines are counted, never written",
    operation: "schema",
    input: lf('{"a":1}', "x", "\r", '{"a":2}'),
    options: { onError: "emit" },
    expect: '{"a":{"key":"a","count":2,"docs":2,"types":{"integer":2}}}\n',
  },
  {
    name: "schema skip",
    operation: "schema",
    input: lf('{"a":1}', "x", "\r", '{"a":2}'),
    options: { onError: "skip" },
    expect: '{"a":{"key":"a","count":2,"docs":2,"types":{"integer":2}}}\n',
  },
  {
    // @0 {"a":1}  @8 x
    name: "schema fail: the first bad line",
    operation: "schema",
    input: lf('{"a":1}', "x", "\r", '{"a":2}'),
    error: { code: "INVALID_JSON", offset: 8, line: 2, column: 1 },
  },
  {
    name: "schema skip column 2: a short line left out",
    operation: "schema",
    input: 'k\t{"a":[1]}\nk\n',
    options: { column: 2, onError: "skip" },
    expect: '{"a[]":{"key":null,"count":1,"docs":1,"types":{"integer":1}}}\n',
  },

  /*--- Unflatten -------------------------------------------------------------*/
  {
    name: "unflatten: blank lines (a lone CR, CR CR LF, spaces and tabs), BOMs, no final newline",
    operation: "unflatten",
    input: `${BOM}{"a.b":1,"c[0]":true}\n\r\n\r\r\n \t\n${BOM}{"x":null}`,
    expect: '{"a":{"b":1},"c":[true]}\n{"x":null}\n',
  },
  {
    name: "unflatten: a lone CR line between documents",
    operation: "unflatten",
    input: '{"a.b":1}\n\r\n{"c":2}\n',
    expect: '{"a":{"b":1}}\n{"c":2}\n',
  },
  {
    name: "unflatten pointer style, CRLF",
    operation: "unflatten",
    input: '{"/a/0":1,"/b~1c":true}\r\n',
    options: { style: "pointer" },
    expect: '{"a":[1],"b/c":true}\n',
  },
  {
    // @0 {"a.b":1} (9)  @10 ""  @11 {"a.b":x}: x at 11+7 = 18, column 8
    name: "unflatten fail",
    operation: "unflatten",
    input: lf('{"a.b":1}', "", '{"a.b":x}', '{"a.b":3}'),
    error: { code: "INVALID_JSON", offset: 18, line: 3, column: 8 },
  },
  {
    // @0 {"a.b":1}\r\n (11)  @11 \r\n  @13 {"a.b":x}: x at 20
    name: "unflatten fail (CRLF)",
    operation: "unflatten",
    input: crlf('{"a.b":1}', "", '{"a.b":x}', '{"a.b":3}'),
    error: { code: "INVALID_JSON", offset: 20, line: 3, column: 8 },
  },
  {
    name: "unflatten skip",
    operation: "unflatten",
    input: lf('{"a.b":1}', "", '{"a.b":x}', '{"a.b":3}'),
    options: { onError: "skip" },
    expect: '{"a":{"b":1}}\n{"a":{"b":3}}\n',
  },
  {
    name: "unflatten emit",
    operation: "unflatten",
    input: lf('{"a.b":1}', "", '{"a.b":x}', '{"a.b":3}'),
    options: { onError: "emit" },
    expect: '{"a":{"b":1}}\n' + invalid(18, 3, 8) + '{"a":{"b":3}}\n',
  },
  {
    // @0 {"a":1,"a.b":2} (15): "a.b" at 7, column 8  @16 BOM(16-18) { " é(21-22) " : x: x at 25; column 7
    name: "unflatten emit: PATH_CONFLICT, then a fault after a BOM and é",
    operation: "unflatten",
    input: lf('{"a":1,"a.b":2}', `${BOM}{"${E_ACUTE}":x}`),
    options: { onError: "emit" },
    expect: record("PATH_CONFLICT", 7, 1, 8) + invalid(25, 2, 7),
  },
  {
    name: "unflatten fail: a line that is not an object",
    operation: "unflatten",
    input: "\n[1]\n",
    error: { code: "INVALID_JSON", offset: 1, line: 2, column: 1 },
  },

  /*--- Decode (bind) ---------------------------------------------------------*/
  {
    name: "decode: the shape's fields per line (BOM, blank lines, CRLF, no final newline)",
    operation: "decode",
    shape: SHAPE,
    input: `${BOM}{"a":1,"b":{"s":"x"}}\n\r\n\r\r\n{"a":2}\r\n{"a":3,"z":[1]}`,
    expect: '{"a":1,"s":"x"}\n{"a":2}\n{"a":3}\n',
  },
  {
    // @0 BOM {"a":1}  @11 ""  @12 {"a":x}: x at 17
    name: "decode fail: INVALID_JSON with whole-file positions",
    operation: "decode",
    shape: SHAPE,
    input: lf(`${BOM}{"a":1}`, "", '{"a":x}'),
    error: { code: "INVALID_JSON", offset: 17, line: 3, column: 6 },
  },
  {
    name: "decode skip: bad JSON and shape mismatches are left out",
    operation: "decode",
    shape: SHAPE,
    input: lf('{"a":1}', '{"a":x}', '{"a":"no"}', "\r", '{"a":4}'),
    options: { onError: "skip" },
    expect: '{"a":1}\n{"a":4}\n',
  },
  {
    name: "decode fail: a shape mismatch names its line",
    operation: "decode",
    shape: SHAPE,
    input: lf('{"a":1}', "", '{"a":"no"}'),
    error: { code: "SHAPE_MISMATCH", line: 3 },
  },
  {
    // @0 k\t{"a":5} (9)  @10 k: end of content at 11, column 2
    name: "decode fail column 2: a line with fewer fields",
    operation: "decode",
    shape: SHAPE,
    input: 'k\t{"a":5}\nk\n',
    options: { column: 2 },
    error: { code: "INVALID_JSON", offset: 11, line: 2, column: 2 },
  },
  {
    name: "decode refuses onError emit (fail and skip only)",
    operation: "decode",
    shape: SHAPE,
    input: '{"a":1}\n',
    options: { onError: "emit" },
    error: { code: "INVALID_OPTION" },
  },
];

/*------------------------------------------------------------------------------
 * The library: calls, and the reference every front end is compared with
 *----------------------------------------------------------------------------*/

/** The bytes of a row's input. */
export function inputBytes(row: LinesCase): Uint8Array {
  return typeof row.input === "string" ? encoder.encode(row.input) : row.input;
}

/** The call a row describes. */
export function callOf(row: LinesCase): LinesCall {
  return { operation: row.operation, input: inputBytes(row), options: row.options ?? {}, query: row.query, shape: row.shape };
}

/**
 * Runs `call` and turns its text or its `JsonFlatError` into an outcome; anything else is a bug and propagates.
 *
 * @example
 * const outcome = await outcomeOf(async () => "text");
 */
export async function outcomeOf(run: () => string | Promise<string>): Promise<LinesOutcome> {
  try {
    return { ok: true, text: await run() };
  } catch (error) {
    if (!(error instanceof JsonFlatError)) throw error;
    return { ok: false, error: error.toJSON() };
  }
}

/** Copies every chunk (each is freed when the next is asked for) and decodes them as one text. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk.slice());
  return decoder.decode(Bun.concatArrayBuffers(parts));
}

/** Decoded values as the table writes them: one JSON line each. */
export const valueLines = (values: unknown[]) => values.map((v) => `${JSON.stringify(v)}\n`).join("");

/** What a stream of the library reads: a file path or bytes delivered piece by piece. */
export type LinesSource = string | AsyncIterable<Uint8Array>;

/** The stream options of a call besides its own: chunk size and byte range. */
export interface StreamExtra {
  chunkBytes?: number;
  range?: ByteRange;
}

const flattenPart = ({ style, delimiter, mode, format, maxNesting, onError, column }: LinesOptions) => ({ style, delimiter, mode, format, maxNesting, onError, column });
const searchPart = ({ style, delimiter, maxNesting, onError, column }: LinesOptions) => ({ style, delimiter, maxNesting, onError, column });
const unflattenPart = ({ style, delimiter, maxNesting, onError }: LinesOptions) => ({ style, delimiter, maxNesting, onError });

/**
 * The schema of a call through the library's `schemaStream`, as an object (byte ranges merge them).
 *
 * @example
 * const s = await librarySchema(call, "x.ndjson", { range: { start: 0, end: 10 } });
 */
export function librarySchema(call: LinesCall, source: LinesSource, extra: StreamExtra) {
  return schemaStream(source, { ...searchPart(call.options), ...extra });
}

/**
 * One call through the library's streaming API (`flattenStream`, `searchStream`, `schemaStream`,
 * `unflattenStream`, `bind().decodeStream`), as the table's text.
 *
 * @example
 * const text = await libraryStream(call, "x.ndjson", { chunkBytes: 7 });
 */
export async function libraryStream(call: LinesCall, source: LinesSource, extra: StreamExtra): Promise<string> {
  const o = call.options;
  switch (call.operation) {
    case "flatten":
      return collect(flattenStream(source, { ...flattenPart(o), ...extra }));
    case "search":
      return collect(searchStream(source, call.query!, { ...searchPart(o), ...extra }));
    case "schema":
      return `${JSON.stringify(await librarySchema(call, source, extra))}\n`;
    case "unflatten":
      // `onError` is the target of the rewrite: unflattenStream has no such option yet.
      return collect(unflattenStream(source, { ...unflattenPart(o), ...extra } as Parameters<typeof unflattenStream>[1]));
    case "decode": {
      const binding = bind(call.shape!);
      try {
        const values: unknown[] = [];
        const options = { onError: o.onError as "fail" | "skip" | undefined, column: o.column, ...extra };
        for await (const batch of binding.decodeStream(source, options)) values.push(...batch);
        return valueLines(values);
      } finally {
        binding.dispose();
      }
    }
  }
}

/**
 * One call through the library's single calls on the whole input: `flattenLines` (schema: `flattenLines` in
 * schema mode) and `bind().decodeLines`.
 *
 * @example
 * const text = librarySingle({ operation: "flatten", input, options: {} });
 */
export function librarySingle(call: LinesCall): string {
  const o = call.options;
  switch (call.operation) {
    case "flatten":
    case "schema": {
      const options = call.operation === "schema" ? { ...searchPart(o), mode: "schema" as const } : flattenPart(o);
      const out = flattenLines(call.input, options);
      try {
        return decoder.decode(out);
      } finally {
        out.dispose();
      }
    }
    case "decode": {
      const binding = bind(call.shape!);
      try {
        return valueLines(binding.decodeLines(call.input, { onError: o.onError as "fail" | "skip" | undefined, column: o.column }));
      } finally {
        binding.dispose();
      }
    }
    default:
      throw new Error(`no single call for ${call.operation}`);
  }
}

/** The whole input as a stream of one piece. */
export async function* onePiece(input: Uint8Array): AsyncGenerator<Uint8Array> {
  yield input;
}

/**
 * The reference every other front end must equal byte for byte: the library's single calls for flatten and
 * decode, its streams over the whole input in one piece for search, schema and unflatten.
 *
 * @example
 * runLinesCases(cliImpl, { reference: libraryReference });
 */
export const libraryReference: LinesImpl = {
  name: "library",
  operations: ["flatten", "search", "schema", "unflatten", "decode"],
  run: (call) =>
    outcomeOf(() =>
      call.operation === "flatten" || call.operation === "decode" ? librarySingle(call) : libraryStream(call, onePiece(call.input), {}),
    ),
};

/*------------------------------------------------------------------------------
 * Checking
 *----------------------------------------------------------------------------*/

const RECORD_MESSAGE = /^(\{"error":\{"code":"[A-Z_]+","message":)("(?:[^"\\]|\\.)*")/;
const POSITION_IN_TEXT = /at line \d|column \d/;

/** The text with every error record's message replaced by `"*"`, and those messages. */
function maskMessages(text: string): { text: string; messages: string[] } {
  const messages: string[] = [];
  const lines = text.split("\n").map((line) =>
    line.replace(RECORD_MESSAGE, (_all, head: string, message: string) => {
      messages.push(JSON.parse(message) as string);
      return `${head}"*"`;
    }),
  );
  return { text: lines.join("\n"), messages };
}

/** What is compared with a row: the masked text, or the error fields the row gives. */
function view(row: LinesCase, outcome: LinesOutcome): object {
  if (outcome.ok) return { ok: true, text: maskMessages(outcome.text).text };
  const wanted = "error" in row ? row.error : { code: "", offset: 0, line: 0, column: 0 };
  const error: Record<string, unknown> = {};
  for (const key of ["code", "offset", "line", "column"] as const) if (key in wanted) error[key] = outcome.error[key];
  return { ok: false, error };
}

function expected(row: LinesCase): object {
  if ("expect" in row) return { ok: true, text: row.expect };
  const { message: _m, ...fields } = row.error;
  return { ok: false, error: fields };
}

/** Every message the outcome carries: its records' messages and, unless human, its error's. */
function messagesOf(outcome: LinesOutcome, human: boolean): string[] {
  if (outcome.ok) return maskMessages(outcome.text).messages;
  return human ? [] : [outcome.error.message ?? ""];
}

const asVariants = (result: LinesOutcome | Variants): Variants["variants"] =>
  "variants" in result ? result.variants : [{ label: "", outcome: result }];

/** Runs `tasks` with at most `limit` at once, started in order. */
function limited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  // A finished task hands its slot to the next waiting one.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return tasks.map(async (task) => {
    await acquire();
    try {
      return await task();
    } finally {
      release();
    }
  });
}

const referenceCache = new Map<LinesCase, Promise<LinesOutcome>>();

/**
 * Registers the table's tests for one front end: per applicable row, the output or error fields, the messages
 * (no position in them), and, given a `reference`, equality with it byte for byte (messages included).
 *
 * @example
 * runLinesCases(cliImpl, { reference: libraryReference });
 */
export function runLinesCases(impl: LinesImpl, options: { reference?: LinesImpl } = {}): void {
  const rows = linesCases.filter((row) => impl.operations.includes(row.operation));
  const human = impl.errors === "human";
  const reference = options.reference;
  describe(`NDJSON conformance: ${impl.name}`, () => {
    let results: Map<LinesCase, Promise<Variants["variants"]>> | undefined;
    const resultOf = (row: LinesCase) => {
      if (!results) {
        const tasks = rows.map((r) => async () => asVariants(await impl.run(callOf(r))));
        const started = limited(tasks, impl.concurrency ?? 1);
        for (const p of started) p.catch(() => {}); // awaited by each row's test
        results = new Map(rows.map((r, i) => [r, started[i]!]));
      }
      return results.get(row)!;
    };
    beforeAll(() => {
      if (impl.concurrency && impl.concurrency > 1) resultOf(rows[0]!);
    });

    for (const row of rows) {
      test(row.name, async () => {
        for (const { label, outcome } of await resultOf(row)) {
          expect({ variant: label, ...view(row, outcome) }).toEqual({ variant: label, ...expected(row) });
        }
      });

      // A human one-liner (the CLI's stderr) may name the position: only its error records are checked.
      const hasMessages = "error" in row ? !human : row.expect.includes('{"error":');
      if (hasMessages) {
        test(`${row.name} · messages carry no position`, async () => {
          for (const { label, outcome } of await resultOf(row)) {
            const messages = messagesOf(outcome, human);
            expect({ variant: label, withPosition: messages.filter((m) => POSITION_IN_TEXT.test(m)) }).toEqual({ variant: label, withPosition: [] });
          }
        });
      }

      if (human && "error" in row && row.error.line !== undefined) {
        test(`${row.name} · the error line names line ${row.error.line}`, async () => {
          // "FILE:LINE:COLUMN:" (the compiler convention editors jump to) or "line LINE".
          const names = new RegExp(`:${row.error.line}:\\d+: |\\bline ${row.error.line}\\b`);
          for (const { label, outcome } of await resultOf(row)) {
            const text = outcome.ok ? "(no error)" : (outcome.human ?? "");
            expect({ variant: label, namesLine: names.test(text), text }).toEqual({
              variant: label,
              namesLine: true,
              text,
            });
          }
        });
      }

      if (reference) {
        test(`${row.name} · same bytes as ${reference.name}`, async () => {
          let cached = referenceCache.get(row);
          if (!cached) referenceCache.set(row, (cached = Promise.resolve(reference.run(callOf(row))).then((r) => asVariants(r)[0]!.outcome)));
          const want = await cached;
          const same = (outcome: LinesOutcome) => {
            if (outcome.ok || want.ok) return outcome;
            const { code, offset, line, column, message } = outcome.error;
            return { ok: false, error: human ? { code, offset, line, column } : { code, offset, line, column, message } };
          };
          for (const { label, outcome } of await resultOf(row)) {
            expect({ variant: label, ...same(outcome) }).toEqual({ variant: label, ...same(want) });
          }
        });
      }
    }
  });
}
