/**
 * @module table-readers.test — jsonflat's CSV and TSV read by real tools: DuckDB's `read_csv` and pandas'
 * `read_csv` (Python, pinned in `.tools/tables-venv` by `scripts/setup-tables.sh`, a stage of scripts/test.sh)
 * give the values of the JSON: strings with quotes, commas, CR, LF and non-ASCII, the empty string apart from
 * null (DuckDB with `allow_quoted_nulls=false`; pandas reads both as ""), numbers exact as text and, where the
 * type holds them, as numbers (BIGINT, HUGEINT, int64, Python int), booleans. Without the venv this test fails
 * and says why; `JSONFLAT_SKIP_TABLE_READERS=1` turns that into a skip. Skipped under emulation.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableLines, tableStream } from "../src/index";
import type { TableOptions } from "../src/table/options";
import { EMULATED } from "./fixtures/child-bun";
import { readCsv } from "./fixtures/csv-reader";

const ROOT = new URL("..", import.meta.url).pathname;
const PYTHON = join(ROOT, ".tools/tables-venv/bin/python");
const READER = join(ROOT, "test/fixtures/read-table.py");
const OPEN_LIBRARY = new URL("../../shared/data/openlibrary/", import.meta.url).pathname;
const skip = EMULATED || (!existsSync(PYTHON) && process.env.JSONFLAT_SKIP_TABLE_READERS === "1");

type Text = string | null;
interface Read {
  columns: string[];
  rows: Text[][];
  typed: Record<string, { type: string; values: Text[] }>;
}

/** Writes `ndjson` as a table to a temporary file and reads it with DuckDB and pandas. */
function readBack(ndjson: string, options: TableOptions): { duckdb: Read; pandas: Read; text: string } {
  if (!existsSync(PYTHON)) throw new Error("the table readers are not installed: run `bash scripts/setup-tables.sh` (or set JSONFLAT_SKIP_TABLE_READERS=1 to skip)");
  const out = tableLines(ndjson, options);
  const text = new TextDecoder().decode(out);
  out.dispose();
  const file = join(mkdtempSync(join(tmpdir(), "jsonflat-readers-")), `t.${options.format ?? "csv"}`);
  writeFileSync(file, text);
  const run = Bun.spawnSync([PYTHON, READER, file, options.format ?? "csv"]);
  if (run.exitCode !== 0) throw new Error(`read-table.py failed: ${run.stderr.toString()}`);
  return { ...(JSON.parse(run.stdout.toString()) as { duckdb: Read; pandas: Read }), text };
}

const TEXTS = [
  "plain",
  "comma, inside",
  'say "hi"',
  "line\nbreak",
  "crlf\r\nbreak",
  "lone\rcr",
  "  spaces around  ",
  "tab\there",
  "back\\slash",
  "日本語 été 😀",
  "\u2028 separator",
  "",
  null,
];
const BIGS = ["123456789012345678901234567890", "-98765432109876543210987654321", "9007199254740993", "-9223372036854775808", "0"];
const DECIMALS = ["0.1000000000000000000001", "-1.5e-300", "3.141592653589793238462643383279", "1E+400", "2.5"];

/** The records, written with exact number text, and what each column must read as. */
const rows = TEXTS.map((text, i) => ({
  id: i + 1,
  text,
  big: BIGS[i % BIGS.length]!,
  dec: DECIMALS[i % DECIMALS.length]!,
  ok: i % 2 === 0,
}));
const ndjson = rows.map((r) => `{"id":${r.id},"text":${JSON.stringify(r.text)},"big":${r.big},"dec":${r.dec},"ok":${r.ok}}`).join("\n") + "\n";
const expectedText: Text[][] = rows.map((r) => [String(r.id), r.text, r.big, r.dec, String(r.ok)]);

describe.skipIf(skip)("real readers", () => {
  // One read per file: starting Python with DuckDB and pandas takes over a second.
  let csvRead: ReturnType<typeof readBack> | undefined;
  const csvWithCrlf = () => (csvRead ??= readBack(ndjson, { format: "csv", lineEnd: "crlf" }));

  test("CSV (CRLF rows): DuckDB read_csv gives every value as text, null apart from the empty string", () => {
    const { duckdb } = csvWithCrlf();
    expect(duckdb.columns).toEqual(["id", "text", "big", "dec", "ok"]);
    expect(duckdb.rows).toEqual(expectedText);
  });

  test("CSV: DuckDB's detected types hold the numbers exactly (BIGINT, HUGEINT, BOOLEAN)", () => {
    const { duckdb } = csvWithCrlf();
    expect(duckdb.typed.id).toEqual({ type: "BIGINT", values: rows.map((r) => String(r.id)) });
    expect(duckdb.typed.big).toEqual({ type: "HUGEINT", values: rows.map((r) => r.big) });
    expect(duckdb.typed.ok).toEqual({ type: "BOOLEAN", values: rows.map((r) => (r.ok ? "True" : "False")) });
  });

  test("CSV: pandas read_csv gives the same text (null and the empty string both as \"\"), big integers exact", () => {
    const { pandas } = csvWithCrlf();
    expect(pandas.columns).toEqual(["id", "text", "big", "dec", "ok"]);
    expect(pandas.rows).toEqual(expectedText.map((row) => row.map((cell) => cell ?? "")));
    expect(pandas.typed.id!.type).toBe("int64");
    expect(pandas.typed.big).toEqual({ type: "object", values: rows.map((r) => r.big) }); // Python ints, exact
  });

  test("TSV: both read the escaped text as it is; unescaping \\t \\n \\r \\\\ gives the values", () => {
    const unescape = (s: Text) => (s ?? "").replace(/\\([tnr\\])/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "\\": "\\" })[c]!);
    const { duckdb, pandas } = readBack(ndjson, { format: "tsv" });
    const expected = expectedText.map((row) => row.map((cell) => cell ?? ""));
    expect(duckdb.rows.map((row) => row.map(unescape))).toEqual(expected);
    expect(pandas.rows.map((row) => row.map(unescape))).toEqual(expected);
    expect(duckdb.typed.big).toEqual({ type: "HUGEINT", values: rows.map((r) => r.big) });
  });

  test("Open Library works, exploded by author and joined: DuckDB, pandas and the test's RFC 4180 reader agree on every cell", async () => {
    const lines = await Bun.file(`${OPEN_LIBRARY}works-head-n1000.txt`).text();
    const options: TableOptions = { format: "csv", column: 5, explode: "authors", join: ";" };
    const { duckdb, pandas, text } = readBack(lines, options);
    const [header, ...body] = readCsv(text);
    const ours = body.map((row) => row.map((c) => (c.text === "" && !c.quoted ? null : c.text)));
    expect(duckdb.columns).toEqual(header!.map((c) => c.text));
    expect(duckdb.rows).toEqual(ours);
    expect(pandas.rows).toEqual(ours.map((row) => row.map((cell) => cell ?? "")));
    let streamed = "";
    for await (const chunk of tableStream(`${OPEN_LIBRARY}works-head-n1000.txt`, { ...options, chunkBytes: 65536 })) streamed += new TextDecoder().decode(chunk);
    expect(streamed).toBe(text);
  });
});
