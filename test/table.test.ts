/**
 * @module table.test — CSV and TSV out: cell quoting and escapes, exact numbers, the column sources and the
 * unknown-path policies, join and explode, bad lines, streams against one call, the CLI and HTTP front ends,
 * native memory, and a property: CSV written then read back by a strict RFC 4180 reader gives the leaves.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError, tableColumns, tableDocument, tableLines, tableReadable, tableStream } from "../src/index";
import { native } from "../src/native";
import type { TableOptions } from "../src/table/options";
import { BUN } from "./fixtures/child-bun";
import { readCsv, readTsv, type Cell } from "./fixtures/csv-reader";
import { checkProperty, PROPERTY, replayEnv } from "./fixtures/property";
import { startInProcess } from "./http-server";

const decoder = new TextDecoder();
const OPEN_LIBRARY = new URL("../../shared/data/openlibrary/", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

function csv(ndjson: string, options: TableOptions = {}): string {
  const out = tableLines(ndjson, options);
  try {
    return decoder.decode(out);
  } finally {
    out.dispose();
  }
}

function thrown(run: () => unknown): JsonFlatError {
  try {
    run();
  } catch (error) {
    if (error instanceof JsonFlatError) return error;
    throw error;
  }
  throw new Error("expected a JsonFlatError");
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(decoder.decode(chunk));
  return parts.join("");
}

describe("cells", () => {
  test("RFC 4180 quoting: delimiter, quote, CR and LF quoted, quotes doubled", () => {
    const text = csv('{"a":"x,y","b":"say \\"hi\\"","c":"l1\\nl2","d":"r\\rx","e":"plain"}\n');
    expect(text).toBe('a,b,c,d,e\n"x,y","say ""hi""","l1\nl2","r\rx",plain\n');
    expect(readCsv(text)[1]!.map((c) => c.text)).toEqual(["x,y", 'say "hi"', "l1\nl2", "r\rx", "plain"]);
  });

  test("null is an empty cell, the empty string is \"\", a missing path is empty too", () => {
    const rows = readCsv(csv('{"a":null,"b":""}\n{"b":"z"}\n'));
    expect(rows[1]).toEqual([{ text: "", quoted: false }, { text: "", quoted: true }]);
    expect(rows[2]).toEqual([{ text: "", quoted: false }, { text: "z", quoted: false }]);
  });

  test("numbers exactly as in the input, booleans as true/false", () => {
    const line = '{"big":123456789012345678901234567890,"neg":-0.000000000000000000000001,"exp":1E+400,"t":true,"f":false}\n';
    expect(csv(line)).toBe("big,neg,exp,t,f\n123456789012345678901234567890,-0.000000000000000000000001,1E+400,true,false\n");
    expect(csv(line, { bigint: "string" } as TableOptions)).toContain("123456789012345678901234567890,"); // never quoted
  });

  test("strings are unescaped to UTF-8: non-ASCII, escapes, emoji", () => {
    const text = csv('{"s":"\\u00e9t\\u00e9 \\ud83d\\ude00 \\\\ / \\t"}\n');
    expect(readCsv(text)[1]![0]!.text).toBe("été 😀 \\ / \t");
  });

  test("empty containers, maxDepth and arrays: leaf keep JSON text in the cell", () => {
    expect(csv('{"o":{},"a":[]}\n')).toBe("o,a\n{},[]\n");
    const deep = readCsv(csv('{"a":{"b":{"c":[1,"x,y"]}}}\n', { maxDepth: 2 }));
    expect(deep[0]!.map((c) => c.text)).toEqual(["a.b"]);
    expect(JSON.parse(deep[1]![0]!.text)).toEqual({ c: [1, "x,y"] });
    expect(csv('{"t":[1,2]}\n', { arrays: "leaf" })).toBe('t\n"[1,2]"\n');
  });

  test("TSV: \\t \\n \\r \\\\ escaped, no quoting", () => {
    const text = csv('{"a":"x\\ty","b":"l1\\nl2\\r","c":"back\\\\slash","d":"q\\"uote,comma"}\n', { format: "tsv" });
    expect(text).toBe('a\tb\tc\td\nx\\ty\tl1\\nl2\\r\tback\\\\slash\tq"uote,comma\n');
    expect(readTsv(text)[1]).toEqual(["x\ty", "l1\nl2\r", "back\\slash", 'q"uote,comma']);
  });

  test("line ends: LF by default, CRLF when asked", () => {
    expect(csv('{"a":1}\n', { lineEnd: "crlf" })).toBe("a\r\n1\r\n");
    expect(csv('{"a":1}\n', { header: false })).toBe("1\n");
  });

  test("styles: column names are the paths in the chosen style", () => {
    const line = '{"a":{"b c":[1]}}\n';
    expect(csv(line)).toStartWith('"a[""b c""][0]"\n');
    expect(csv(line, { style: "pointer" })).toStartWith("/a/b c/0\n");
    expect(csv(line, { style: "flat", delimiter: "_" })).toStartWith("a_b c_0\n");
  });
});

describe("columns", () => {
  test("given columns in their order; the rest to _extra as a JSON object by default", () => {
    const rows = readCsv(csv('{"a":1,"b":2,"z":{"q":"x"}}\n{"b":3}\n', { columns: ["b", "a"] }));
    expect(rows[0]!.map((c) => c.text)).toEqual(["b", "a", "_extra"]);
    expect(rows[1]!.slice(0, 2).map((c) => c.text)).toEqual(["2", "1"]);
    expect(JSON.parse(rows[1]![2]!.text)).toEqual({ "z.q": "x" });
    expect(rows[2]!.map((c) => c.text)).toEqual(["3", "", ""]);
  });

  test("unknown: error names the path, with the line, offset and column as fields", () => {
    const error = thrown(() => tableLines('{"a":1}\n\n{"a":2,"b c":3}\n', { columns: ["a"], unknown: "error" }));
    expect(error.code).toBe("SHAPE_MISMATCH");
    expect(error.message).toBe('the path "[\\"b c\\"]" is not a column of the table');
    expect([error.line, error.column, error.offset]).toEqual([3, 1, 9]);
  });

  test("unknown: ignore drops the other paths (a projection)", () => {
    expect(csv('{"a":1,"b":2}\n', { columns: ["b"], unknown: "ignore" })).toBe("b\n2\n");
  });

  test("a second value at one path (a duplicate key) is not lost: it follows the unknown policy", () => {
    expect(readCsv(csv('{"a":1,"a":2}\n', { columns: ["a"] }))[1]!.map((c) => c.text)).toEqual(["1", '{"a":2}']);
    expect(thrown(() => tableLines('{"a":1,"a":2}\n', { columns: ["a"], unknown: "error" })).code).toBe("SHAPE_MISMATCH");
  });

  test("discovered columns: in order of first appearance; a whole pass has no _extra column", () => {
    expect(csv('{"a":1}\n{"b":2,"a":3}\n')).toBe("a,b\n1,\n3,2\n");
  });

  test("sample: the first N lines give the columns, later paths go to _extra (or fail)", () => {
    const lines = '{"a":1}\n{"a":2}\n{"a":3,"late":true}\n';
    expect(csv(lines, { sample: 2 })).toBe('a,_extra\n1,\n2,\n3,"{""late"":true}"\n');
    const error = thrown(() => tableLines(lines, { sample: 2, unknown: "error" }));
    expect([error.code, error.line]).toEqual(["SHAPE_MISMATCH", 3]);
  });

  test("bad options are INVALID_OPTION", () => {
    for (const bad of [
      { format: "xlsx" },
      { unknown: "keep" },
      { columns: ["a", "a"] },
      { columns: ["a"], sample: 3 },
      { sample: 0 },
      { join: "" },
      { explode: "" },
      { lineEnd: "cr" },
    ]) {
      expect(thrown(() => tableLines('{"a":1}\n', bad as TableOptions)).code).toBe("INVALID_OPTION");
    }
  });

  test("tableColumns: a whole file, a sample of a file, a stream, a buffer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jsonflat-table-"));
    const file = join(dir, "x.ndjson");
    writeFileSync(file, '{"a":1}\n{"b":{"c":2}}\n{"d":[1]}\n');
    expect(await tableColumns(file)).toEqual(["a", "b.c", "d[0]"]);
    expect(await tableColumns(file, { sample: 2 })).toEqual(["a", "b.c"]);
    expect(await tableColumns(Bun.file(file).stream(), { sample: 1 })).toEqual(["a"]);
    expect(await tableColumns(new TextEncoder().encode('{"x":1}\n'))).toEqual(["x"]);
  });
});

describe("arrays", () => {
  const works = '{"id":1,"authors":[{"key":"a1","role":"ed"},{"key":"a2"}],"tags":["x","y,z"]}\n{"id":2,"authors":[]}\n{"id":3}\n';

  test("index columns by default, as leaf paths are", () => {
    expect(csv('{"tags":["x","y"]}\n{"tags":["z"]}\n')).toBe("tags[0],tags[1]\nx,y\nz,\n");
  });

  test("join: an array of scalars is one cell; arrays of objects keep index columns", () => {
    const rows = readCsv(csv('{"t":["x","y,z",1,null,true],"o":[{"k":1}],"e":[]}\n', { join: ";" }));
    expect(rows[0]!.map((c) => c.text)).toEqual(["t", "o[0].k", "e"]);
    expect(rows[1]).toEqual([{ text: "x;y,z;1;;true", quoted: true }, { text: "1", quoted: false }, { text: "", quoted: true }]);
  });

  test("explode: one row per element, other columns repeated; empty or missing gives one row", () => {
    const rows = readCsv(csv(works, { explode: "authors", join: "|" })).map((r) => r.map((c) => c.text));
    expect(rows).toEqual([
      ["id", "tags", "authors.key", "authors.role"],
      ["1", "x|y,z", "a1", "ed"],
      ["1", "x|y,z", "a2", ""],
      ["2", "", "", ""],
      ["3", "", "", ""],
    ]);
  });

  test("explode: an array of scalars is one column named by the path; a non-array is one element", () => {
    expect(csv('{"k":1,"v":["a","b"]}\n{"k":2,"v":"solo"}\n', { explode: "v" })).toBe("k,v\n1,a\n1,b\n2,solo\n");
  });

  test("explode with an unknown element path under unknown: error fails the whole document", () => {
    const error = thrown(() => tableLines('{"a":[{"x":1},{"y":2}]}\n', { columns: ["a.x"], explode: "a", unknown: "error" }));
    expect(error.message).toContain('"a.y"');
  });

  test("one document: a root array is one row per record; anything else one row", () => {
    const out = tableDocument('[{"id":1,"t":["a","b"]},{"id":2,"x":null}]', { join: "|" });
    expect(decoder.decode(out)).toBe("id,t,x\n1,a|b,\n2,,\n");
    expect(decoder.decode(tableDocument({ a: { b: 1 } }))).toBe("a.b\n1\n");
    expect(decoder.decode(tableDocument('{"list":[{"k":1},{"k":2}]}', { explode: "list" }))).toBe("list.k\n1\n2\n");
  });
});

describe("bad lines", () => {
  const lines = '{"a":1}\nnot json\n{"a":3}\n';

  test("fail stops with the line's error and position", () => {
    const error = thrown(() => tableLines(lines));
    expect([error.code, error.line, error.column, error.offset]).toEqual(["INVALID_JSON", 2, 1, 8]);
  });

  test("skip leaves the row out", () => {
    expect(csv(lines, { onError: "skip" })).toBe("a\n1\n3\n");
  });

  test("emit: a last _error column holds the error as JSON; the bad line's row is otherwise empty", () => {
    const rows = readCsv(csv(lines, { onError: "emit" }));
    expect(rows.map((r) => r.length)).toEqual([2, 2, 2, 2]);
    expect(rows[0]!.map((c) => c.text)).toEqual(["a", "_error"]);
    expect(rows[2]![0]!.text).toBe("");
    expect(JSON.parse(rows[2]![1]!.text)).toMatchObject({ code: "INVALID_JSON", line: 2, column: 1, offset: 8 });
    expect(rows[3]!.map((c) => c.text)).toEqual(["3", ""]);
  });

  test("Open Library TSV lines (column 5) with a short line emitted", () => {
    const text = csv('/type/work\t/works/OL1W\t1\t2020\t{"title":"T"}\nshort\tline\n', { column: 5, onError: "emit" });
    const rows = readCsv(text);
    expect(rows[1]!.map((c) => c.text)).toEqual(["T", ""]);
    expect(JSON.parse(rows[2]![1]!.text)).toMatchObject({ code: "INVALID_JSON", line: 2 });
  });

  test("too deep is NESTING_TOO_DEEP, also for a subtree kept whole in a cell", () => {
    expect(thrown(() => tableLines('{"a":[[[1]]]}\n', { maxNesting: 3 })).code).toBe("NESTING_TOO_DEEP");
    expect(thrown(() => tableLines('{"a":[[[1]]]}\n', { maxNesting: 3, maxDepth: 1 })).code).toBe("NESTING_TOO_DEEP");
  });
});

describe("streams", () => {
  const many = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i, name: `n,${i}`, tags: i % 3 ? ["a", "b"] : [] })).join("\n") + "\n";

  test("a file streamed in small chunks gives the bytes of one call, header once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jsonflat-table-"));
    const file = join(dir, "many.ndjson");
    writeFileSync(file, many);
    const whole = csv(many, { join: ";" });
    expect(await collect(tableStream(file, { chunkBytes: 97, join: ";" }))).toBe(whole);
    expect(whole.split("\n")[0]).toBe("id,name,tags");
  });

  test("a stream with sampled columns: the sampled lines are written too, nothing lost", async () => {
    const stream = new Blob([many]).stream();
    const text = await collect(tableStream(stream, { sample: 5, chunkBytes: 64, join: ";" }));
    expect(text).toBe(csv(many, { sample: 5, join: ";" }));
    expect(readCsv(text).length).toBe(301);
  });

  test("tableReadable copies chunks out (a Response body); a sample that was the whole stream adds no _extra", async () => {
    const text = await new Response(tableReadable(new Blob(['{"a":1}\n{"a":2}\n']).stream(), { format: "tsv" })).text();
    expect(text).toBe("a\n1\n2\n");
  });

  test("line numbers continue across chunks in errors", async () => {
    const lines = '{"a":1}\n{"a":2}\n{"a":3}\n{"b":4}\n';
    const error = await collect(tableStream(new Blob([lines]).stream(), { sample: 1, unknown: "error", chunkBytes: 8 })).catch((e) => e);
    expect([error.code, error.line, error.offset]).toEqual(["SHAPE_MISMATCH", 4, 24]);
  });

  test("a file's table in one read (rows spooled as the columns are found) is byte for byte the two-pass table", async () => {
    // tableLines over a buffer finds the columns in a first pass, then writes; tableStream over a file spools.
    // Seeded cases (fc.sample with the property seed), not a property: one comparison of two front ends.
    const special = ['{"a":1,"a":2}', '{"a":{"b":1},"a":[1,{"c":"x,y"}]}', "not json", "   ", "", '{"authors":[{"key":"k","n":1},{"key":"j"}],"t":["x","y"]}', '{"authors":[],"t":[]}', '{"authors":"solo"}', "[1,[2]]", '"s"', '{"d":{"e":{"f":{"g":1}}}}'];
    const line = fc.oneof(record.map((r) => recordJson(r).text), fc.constantFrom(...special));
    const options = fc.record(
      {
        format: fc.constantFrom("csv", "tsv"),
        join: fc.constant(";"),
        explode: fc.constant("authors"),
        onError: fc.constantFrom("fail", "skip", "emit"),
        chunkBytes: fc.integer({ min: 1, max: 400 }),
        header: fc.boolean(),
        lineEnd: fc.constantFrom("lf", "crlf"),
        maxNesting: fc.constantFrom(3, 100),
      },
      { requiredKeys: ["chunkBytes"] },
    ) as fc.Arbitrary<TableOptions>;
    const cases = fc.sample(fc.tuple(fc.array(line, { maxLength: 12 }), options, fc.boolean()), { seed: PROPERTY.seed, numRuns: 200 });
    const dir = mkdtempSync(join(tmpdir(), "jsonflat-table-spool-"));
    const outcome = async (run: () => Promise<string> | string) => {
      try {
        return await run();
      } catch (error) {
        const e = error as JsonFlatError;
        return `${e.code} ${e.message} line ${e.line} offset ${e.offset}`;
      }
    };
    try {
      for (const [i, [lines, o, newline]] of cases.entries()) {
        const text = lines.join("\n") + (newline ? "\n" : "");
        const file = join(dir, `${i}.ndjson`);
        writeFileSync(file, text);
        const expected = await outcome(() => (text.length ? csv(text, o) : ""));
        const actual = await outcome(() => collect(tableStream(file, o)));
        if (actual !== expected) throw new Error(`case ${i} (${replayEnv(PROPERTY)}): ${JSON.stringify({ text, o })}\nexpected ${JSON.stringify(expected)}\nactual ${JSON.stringify(actual)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no native memory is left behind, on success or failure", async () => {
    const before = native().allocStats().liveBlocks;
    for (let i = 0; i < 8; i++) {
      csv(many, { explode: "tags" });
      thrown(() => tableLines('{"a":1}\n{"b":2}\n', { columns: ["a"], unknown: "error" }));
      await collect(tableStream(new Blob([many]).stream(), { sample: 3, chunkBytes: 500 }));
    }
    Bun.gc(true);
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(before);
  });
});

describe("front ends", () => {
  test("CLI: --ndjson --to csv over Open Library works, --explode and --join", () => {
    const r = Bun.spawnSync([BUN, "src/cli/main.ts", "flatten", "--ndjson", "--column", "5", "--to", "csv", "--explode", "authors", "--join", ";", `${OPEN_LIBRARY}works-head-n1000.txt`], { cwd: ROOT });
    expect(r.exitCode).toBe(0);
    const rows = readCsv(r.stdout.toString());
    expect(rows[0]!.map((c) => c.text)).toContain("authors.author.key");
    expect(rows.every((row) => row.length === rows[0]!.length)).toBe(true);
    expect(rows.length).toBeGreaterThan(1000);
  });

  test("CLI: --columns, --columns-from a schema file, --sample from stdin, --to tsv, one document", () => {
    const dir = mkdtempSync(join(tmpdir(), "jsonflat-table-"));
    const schemaFile = join(dir, "schema.json");
    writeFileSync(schemaFile, JSON.stringify({ "t[]": {}, "a.b": {} }));
    const run = (args: string[], stdin?: string) => Bun.spawnSync([BUN, "src/cli/main.ts", ...args], { cwd: ROOT, stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin) });
    const lines = '{"a":{"b":1},"t":["x","y"]}\n{"a":{"b":2},"z":0}\n';
    expect(run(["flatten", "--ndjson", "--to", "csv", "--columns", "a.b", "-"], lines).stdout.toString()).toBe('a.b,_extra\n1,"{""t[0]"":""x"",""t[1]"":""y""}"\n2,"{""z"":0}"\n');
    expect(run(["flatten", "--ndjson", "--to", "csv", "--columns-from", schemaFile, "--join", ";", "--unknown", "ignore", "-"], lines).stdout.toString()).toBe("t,a.b\nx;y,1\n,2\n");
    expect(run(["flatten", "--ndjson", "--to", "tsv", "--sample", "1", "--unknown", "ignore", "-"], lines).stdout.toString()).toBe("a.b\tt[0]\tt[1]\n1\tx\ty\n2\t\t\n");
    expect(run(["flatten", "--to", "csv", "-"], '[{"a":1},{"a":2}]').stdout.toString()).toBe("a\n1\n2\n");
  });

  test("CLI: --help lists the table flags", () => {
    const help = Bun.spawnSync([BUN, "src/cli/main.ts", "--help"], { cwd: ROOT }).stdout.toString();
    for (const flag of ["--to csv|tsv", "--columns A,B.C", "--columns-from FILE", "--sample N", "--unknown extra|error|ignore", "--join SEP", "--explode PATH", "--line-end lf|crlf", "--no-header"]) {
      expect(help).toContain(flag);
    }
  });

  test("CLI: errors are one line with the position; usage mistakes exit 2", () => {
    const run = (args: string[], stdin: string) => Bun.spawnSync([BUN, "src/cli/main.ts", ...args], { cwd: ROOT, stdin: new TextEncoder().encode(stdin) });
    const bad = run(["flatten", "--ndjson", "--to", "csv", "--columns", "a", "--unknown", "error", "-"], '{"a":1}\n{"b":1}\n');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toBe('jsonflat: -:2:1: SHAPE_MISMATCH the path "b" is not a column of the table (byte 8)\n');
    expect(run(["flatten", "--ndjson", "--join", ";", "-"], "{}\n").exitCode).toBe(2);
    expect(run(["flatten", "--ndjson", "--to", "xml", "-"], "{}\n").exitCode).toBe(2);
    expect(run(["flatten", "--ndjson", "--to", "csv", "--mode", "grouped", "-"], "{}\n").exitCode).toBe(2);
    expect(run(["flatten", "--ndjson", "--to", "csv", "--columns", "a", "--sample", "2", "-"], "{}\n").exitCode).toBe(2);
  });

  test("HTTP: Accept text/csv and text/tab-separated-values on /flatten, JSON and NDJSON bodies", async () => {
    const server = startInProcess();
    try {
      const post = (query: string, body: string, type: string, accept: string) =>
        fetch(`${server.url}/flatten${query}`, { method: "POST", body, headers: { "content-type": type, accept } });
      const one = await post("?join=;", '[{"a":1,"t":["x","y"]},{"a":2}]', "application/json", "text/csv");
      expect([one.status, one.headers.get("content-type"), await one.text()]).toEqual([200, "text/csv; charset=utf-8; header=present", "a,t\n1,x;y\n2,\n"]);
      const lines = await post("?explode=/au&style=pointer&sample=10", '{"id":1,"au":[{"k":"a"},{"k":"b"}]}\n{"id":2}\n', "application/x-ndjson", "text/tab-separated-values");
      expect([lines.status, lines.headers.get("content-type"), await lines.text()]).toEqual([200, "text/tab-separated-values; charset=utf-8", "/id\t/au/k\n1\ta\n1\tb\n2\t\n"]);
      const json = await post("", '{"a":1}\n', "application/x-ndjson", "application/json, text/csv;q=0.5");
      expect(await json.text()).toBe('{"a":1}\n');
      const bad = await post("?columns=a&unknown=error", '{"a":1}\n{"b":2}\n', "application/x-ndjson", "text/csv");
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: "SHAPE_MISMATCH", message: 'the path "b" is not a column of the table', offset: 8, line: 2, column: 1 } });
      const option = await post("?unknown=keep", '{"a":1}\n', "application/x-ndjson", "text/csv");
      expect([option.status, ((await option.json()) as { error: { code: string } }).error.code]).toEqual([400, "INVALID_OPTION"]);
    } finally {
      await server.stop();
    }
  });
});

/** A JSON value as the generator makes it: its JSON text, and the cell a table must hold for it. */
interface Leaf {
  json: string;
  /** undefined: an empty unquoted cell (null) */
  cell: string | undefined;
}

const tricky = fc.string({ unit: fc.constantFrom(",", '"', "\r", "\n", "\t", "\\", "a", " ", "é", "日", "😀", "\u2028") });
const leafValue: fc.Arbitrary<Leaf> = fc.oneof(
  fc.oneof(tricky, fc.string({ unit: "binary" })).map((s) => ({ json: JSON.stringify(s), cell: s })),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => ({ json: String(n), cell: String(n) })),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.stringMatching(/^[0-9]{1,25}$/), fc.constantFrom("", "e-7", "E+300")).map(([i, f, e]) => {
    const text = `${i}.${f}${e}`;
    return { json: text, cell: text };
  }),
  fc.boolean().map((b) => ({ json: String(b), cell: String(b) })),
  fc.constant({ json: "null", cell: undefined }),
  fc.constantFrom({ json: "{}", cell: "{}" }, { json: "[]", cell: "[]" }),
);
const keyName = fc.constantFrom("a", "b", "id", "n1", "_x", "$y");
/** A record: a top-level key to a leaf, or to an object of leaves (path `k.sub`). */
const record = fc.dictionary(keyName, fc.oneof(leafValue, fc.dictionary(keyName, leafValue, { minKeys: 1, maxKeys: 3 })), { minKeys: 1, maxKeys: 5 });

function recordJson(r: Record<string, Leaf | Record<string, Leaf>>): { text: string; leaves: Map<string, Leaf> } {
  const leaves = new Map<string, Leaf>();
  const members = Object.entries(r).map(([k, v]) => {
    if ("json" in v && typeof v.json === "string") {
      leaves.set(k, v as Leaf);
      return `${JSON.stringify(k)}:${v.json}`;
    }
    const inner = Object.entries(v as Record<string, Leaf>).map(([k2, leaf]) => {
      leaves.set(`${k}.${k2}`, leaf);
      return `${JSON.stringify(k2)}:${leaf.json}`;
    });
    return `${JSON.stringify(k)}:{${inner.join(",")}}`;
  });
  return { text: `{${members.join(",")}}`, leaves };
}

describe("properties", () => {
  test("CSV written then read by an RFC 4180 reader gives back every leaf; TSV likewise", () => {
    checkProperty(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.boolean(), (records, crlf) => {
        const docs = records.map(recordJson);
        const ndjson = docs.map((d) => d.text).join("\n") + "\n";
        const columns: string[] = [];
        for (const d of docs) for (const path of d.leaves.keys()) if (!columns.includes(path)) columns.push(path);
        const rows = readCsv(csv(ndjson, { lineEnd: crlf ? "crlf" : "lf" }));
        expect(rows[0]!.map((c: Cell) => c.text)).toEqual(columns);
        docs.forEach((d, i) => {
          const expected = columns.map((path) => {
            const cell = d.leaves.get(path)?.cell;
            return cell === undefined ? { text: "", quoted: false } : { text: cell, quoted: rows[i + 1]![columns.indexOf(path)]!.quoted };
          });
          expect(rows[i + 1]).toEqual(expected);
          for (const [j, path] of columns.entries()) if (d.leaves.get(path)?.cell === "") expect(rows[i + 1]![j]!.quoted).toBe(true);
        });
        const tsv = readTsv(csv(ndjson, { format: "tsv" }));
        docs.forEach((d, i) => expect(tsv[i + 1]).toEqual(columns.map((path) => d.leaves.get(path)?.cell ?? "")));
      }),
      { numRuns: 150 },
    );
  });
});
