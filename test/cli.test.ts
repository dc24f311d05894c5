/**
 * @module cli.test — the `jsonflat` command: outputs, exit codes and one-line errors, run as a real process.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN } from "./fixtures/child-bun";

const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
const OPENLIBRARY = new URL("../../shared/data/openlibrary/works-head-n1000.txt", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "jsonflat-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], stdin?: string): Promise<Run> {
  const proc = Bun.spawn([BUN, CLI, ...args], {
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("flatten", () => {
  test("a file to standard output", async () => {
    const r = await run(["flatten", file("a.json", '{"a":{"b c":[1,{"d":null}]}}')]);
    expect(r).toEqual({ code: 0, stdout: '{"a[\\"b c\\"][0]":1,"a[\\"b c\\"][1].d":null}\n', stderr: "" });
  });
  test("standard input, every style, grouped mode and entries", async () => {
    const doc = '{"a":[{"b":1},{"b":2}]}';
    expect((await run(["flatten", "--style", "pointer"], doc)).stdout).toBe('{"/a/0/b":1,"/a/1/b":2}\n');
    expect((await run(["flatten", "--style", "flat", "-d", "_", "-"], doc)).stdout).toBe('{"a_0_b":1,"a_1_b":2}\n');
    expect((await run(["flatten", "--mode", "grouped"], doc)).stdout).toBe('{"a[].b":[1,2]}\n');
    expect((await run(["flatten", "--format", "entries", "--max-depth", "1"], doc)).stdout).toBe('[["a",[{"b":1},{"b":2}]]]\n');
  });
  test("-o writes the file", async () => {
    const out = join(dir, "out.json");
    expect((await run(["flatten", "-o", out], "[1,2]")).code).toBe(0);
    expect(await Bun.file(out).text()).toBe('{"[0]":1,"[1]":2}\n');
  });
  test("bad JSON: exit 1 and one line with file, line and column", async () => {
    const r = await run(["flatten", file("bad.json", '{\n  "a": tru\n}')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^jsonflat: .*bad\.json:2:8: INVALID_JSON invalid JSON: [^\n]+\n$/);
  });
  test("too deep: exit 1 with NESTING_TOO_DEEP", async () => {
    const r = await run(["flatten", "--max-nesting", "2"], "[[[1]]]");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("-:1:3: NESTING_TOO_DEEP");
  });
  test("a missing file is an I/O error, exit 1", async () => {
    const r = await run(["flatten", join(dir, "missing.json")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("IO");
  });
});

describe("NDJSON", () => {
  const lines = '{"a":1}\n\n{"b":\n{"c":[3]}\r\n';
  test("fail (default) stops at the bad line with its number", async () => {
    const r = await run(["flatten", "--ndjson"], lines);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("-:3:6: INVALID_JSON");
  });
  test("skip leaves the bad line out, emit replaces it with an error record", async () => {
    expect((await run(["flatten", "--ndjson", "--on-error", "skip"], lines)).stdout).toBe('{"a":1}\n{"c[0]":3}\n');
    const emitted = (await run(["flatten", "--ndjson", "--on-error", "emit"], lines)).stdout.split("\n");
    expect(emitted[0]).toBe('{"a":1}');
    expect(JSON.parse(emitted[1]!)).toMatchObject({ error: { code: "INVALID_JSON", line: 3, offset: 14, column: 6 }, line: 3 });
    expect(emitted[2]).toBe('{"c[0]":3}');
  });
  test("Open Library TSV with --column 5, whole file and split by --range", async () => {
    const whole = await run(["flatten", "--ndjson", "--column", "5", OPENLIBRARY]);
    expect(whole.code).toBe(0);
    expect(whole.stdout.split("\n").length).toBe(1001);
    const size = Bun.file(OPENLIBRARY).size;
    const cut = Math.floor(size / 3);
    const parts = await Promise.all(
      [`0:${cut}`, `${cut}:${2 * cut}`, `${2 * cut}:${size}`].map((range) =>
        run(["flatten", "--ndjson", "--column", "5", "--range", range, OPENLIBRARY]),
      ),
    );
    expect(parts.map((p) => p.stdout).join("")).toBe(whole.stdout);
  });
  test("--chunk-bytes is bytes per native call, --range-bytes bytes per coworker range: neither changes the output", async () => {
    const one = await run(["flatten", "--ndjson", "--column", "5", OPENLIBRARY]);
    expect(one.code).toBe(0);
    for (const args of [
      ["--chunk-bytes", "4096"],
      ["--workers", "2", "--range-bytes", "65536"],
      ["--workers", "2", "--range-bytes", "65536", "--chunk-bytes", "4096"],
    ]) {
      const r = await run(["flatten", "--ndjson", "--column", "5", ...args, OPENLIBRARY]);
      expect({ args, code: r.code, same: r.stdout === one.stdout }).toEqual({ args, code: 0, same: true });
    }
    const help = (await run(["--help"])).stdout;
    expect(help).toContain("--chunk-bytes N      input bytes per native call: in this thread");
    expect(help).toContain("--range-bytes N      with --workers: input bytes per coworker range");
    const wrong = await run(["schema", "--ndjson", "--range-bytes", "65536", OPENLIBRARY]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--range-bytes applies to flatten --ndjson --workers N only");
  });

  test("--summary reports counts on standard error", async () => {
    const r = await run(["flatten", "--ndjson", "--on-error", "skip", "--summary"], lines);
    expect(r.stderr).toMatch(/2 documents, 2 leaves, 1 bad lines/);
  });
});

describe("unflatten", () => {
  test("rebuilds documents, per line with --ndjson", async () => {
    expect((await run(["unflatten"], '{"a.b":1,"c[1]":2}')).stdout).toBe('{"a":{"b":1},"c":[null,2]}\n');
    expect((await run(["unflatten", "--style", "pointer", "--ndjson"], '{"/a":1}\n{"/b/0":2}\n')).stdout).toBe('{"a":1}\n{"b":[2]}\n');
  });
  test("conflicting paths: exit 1 with PATH_CONFLICT", async () => {
    const r = await run(["unflatten"], '{"a":1,"a.b":2}');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("PATH_CONFLICT");
  });
});

describe("schema", () => {
  test("one document as JSON", async () => {
    const r = await run(["schema"], '{"a":[{"b":1},{"b":"x"}]}');
    expect(JSON.parse(r.stdout)).toEqual({ "a[].b": { key: "b", count: 2, docs: 1, types: { string: 1, integer: 1 } } });
  });
  test("Open Library authors: bio is a string in some records and an object in others", async () => {
    const authors = new URL("../../shared/data/openlibrary/authors-tail-n1000.txt", import.meta.url).pathname;
    const r = await run(["schema", "--ndjson", "--column", "5", authors]);
    const s = JSON.parse(r.stdout);
    expect(s.bio.types.string).toBeGreaterThan(0);
    expect(s["bio.value"].types.string).toBeGreaterThan(0);
    expect(s.key.docs).toBe(1000);
    const table = await run(["schema", "--ndjson", "--column", "5", "--table", authors]);
    expect(table.stdout.split("\n")[0]).toMatch(/^path +key +count +docs +types$/);
  });
});

describe("usage", () => {
  test("--help and --version exit 0", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit status");
    expect((await run(["--version"])).stdout).toMatch(/^jsonflat \d+\.\d+\.\d+ \(native \d+\.\d+\.\d+\)\n$/);
  });
  test("usage mistakes exit 2", async () => {
    for (const args of [[], ["frobnicate"], ["flatten", "--mode", "x"], ["flatten", "--nope"], ["search"], ["flatten", "--ndjson", "--range", "5:1", "f"], ["flatten", "--column", "5"]]) {
      const r = await run(args, "{}");
      expect(r.code).toBe(2);
      expect(r.stderr).toStartWith("jsonflat: ");
    }
  });
});
