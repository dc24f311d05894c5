/**
 * @module compressed-cli.test — `jsonflat` over compressed files and stdin, run as a real process: every command
 * that reads input, NDJSON and one document, with workers; cut data, the decoded-size limit, `--range` and
 * `--journal` refusals, and the progress bar counting compressed bytes against the file's size. And the HTTP
 * front end, which decodes by Content-Encoding only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, gzipSync, zstdCompressSync } from "node:zlib";
import { EMULATED } from "./fixtures/child-bun";
import { runCli } from "./fixtures/cli-run";
import { startInProcess, type TestServer } from "./http-server";

const EDITIONS = new URL("../../shared/data/openlibrary/editions-head-n1000.txt", import.meta.url).pathname;
const TWITTER = new URL("../../shared/data/bench/twitter.json", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "jsonflat-compressed-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CLI run with its output as text. */
async function run(args: string[], stdin?: Uint8Array): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args, stdin);
  return { ...r, stdout: new TextDecoder().decode(r.stdout) };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** 200 Open Library edition lines, plain, gzip'd and zstd'd (with its checksum, as the zstd tool writes). */
const plainBytes = new TextEncoder().encode(readFileSync(EDITIONS, "utf8").split("\n").slice(0, 200).join("\n") + "\n");
const plain = file("editions.txt", plainBytes);
const gz = file("editions.txt.gz", gzipSync(plainBytes));
const zst = file("editions.txt.zst", zstdCompressSync(plainBytes, { params: { [constants.ZSTD_c_checksumFlag]: 1 } }));

// Dozens of CLI processes: the CLI's handling is platform-independent, and the library tests cover the native
// paths under emulation.
describe.skipIf(EMULATED)("jsonflat reads compressed input", () => {
  test("flatten --ndjson --column 5: a .gz and a .zst file, gzip on stdin, and --workers 2, as the plain file", async () => {
    const want = await run(["flatten", "--ndjson", "--column", "5", plain]);
    const got = await Promise.all([
      run(["flatten", "--ndjson", "--column", "5", gz]),
      run(["flatten", "--ndjson", "--column", "5", zst]),
      run(["flatten", "--ndjson", "--column", "5", "-"], readFileSync(gz)),
      run(["flatten", "--ndjson", "--column", "5", "--workers", "2", gz]),
    ]);
    expect(want.code).toBe(0);
    expect(got.map((r) => [r.code, r.stdout === want.stdout, r.stderr])).toEqual(got.map(() => [0, true, ""]));
  });

  test("one document: flatten doc.json.gz and from stdin, unflatten, search and schema", async () => {
    const doc = readFileSync(TWITTER);
    const docGz = file("twitter.json.gz", gzipSync(doc));
    const twitter = file("twitter.json", doc);
    const pairs = [
      [["flatten", twitter], ["flatten", docGz]],
      [["flatten", "-"], ["flatten", "-"]],
      [["search", "--key", "screen_name", twitter], ["search", "--key", "screen_name", docGz]],
      [["schema", twitter], ["schema", docGz]],
    ] as const;
    for (const [plainArgs, gzArgs] of pairs) {
      const stdin = plainArgs[1] === "-";
      const [a, b] = await Promise.all([run([...plainArgs], stdin ? doc : undefined), run([...gzArgs], stdin ? readFileSync(docGz) : undefined)]);
      expect([b.code, b.stdout === a.stdout, b.stderr]).toEqual([0, true, ""]);
    }
    const flat = await run(["flatten", twitter]);
    const flatGz = file("flat.json.gz", gzipSync(new TextEncoder().encode(flat.stdout)));
    const [back, backGz] = await Promise.all([run(["unflatten", file("flat.json", new TextEncoder().encode(flat.stdout))]), run(["unflatten", flatGz])]);
    expect([backGz.code, backGz.stdout === back.stdout]).toEqual([0, true]);
  });

  test("schema, search and unflatten --ndjson over a .gz file", async () => {
    const args = [
      ["schema", "--ndjson", "--column", "5"],
      ["search", "--ndjson", "--column", "5", "--key", "title"],
    ];
    for (const a of args) {
      const [p, g] = await Promise.all([run([...a, plain]), run([...a, gz])]);
      expect([g.code, g.stdout === p.stdout]).toEqual([0, true]);
    }
    const flat = (await run(["flatten", "--ndjson", "--column", "5", plain])).stdout;
    const flatGz = file("flat.ndjson.gz", gzipSync(new TextEncoder().encode(flat)));
    const [p, g] = await Promise.all([run(["unflatten", "--ndjson", file("flat.ndjson", new TextEncoder().encode(flat))]), run(["unflatten", "--ndjson", flatGz])]);
    expect([g.code, g.stdout === p.stdout]).toEqual([0, true]);
  });

  test("a cut .gz file: exit 1, CORRUPT and the compressed byte on stderr, for NDJSON, stdin and one document", async () => {
    const bytes = readFileSync(gz);
    const cut = file("cut.txt.gz", bytes.subarray(0, bytes.length >> 1));
    const runs = await Promise.all([
      run(["flatten", "--ndjson", "--column", "5", cut]),
      run(["flatten", "--ndjson", "--column", "5", "--on-error", "skip", "-"], bytes.subarray(0, bytes.length - 3)),
      run(["flatten", file("cut.json.gz", gzipSync(readFileSync(TWITTER)).subarray(0, 5000))]),
    ]);
    for (const r of runs) {
      expect([r.code, /: CORRUPT the gzip data is cut short/.test(r.stderr), /\(compressed byte \d+\)/.test(r.stderr)]).toEqual([1, true, true]);
    }
  });

  test("trailing garbage after the gzip data (read as the start of another member): exit 1, CORRUPT", async () => {
    for (const tail of ["x", "xyzw", "\0\0\0\0"]) {
      const r = await run(["flatten", "--ndjson", "--column", "5", file("trail.gz", Buffer.concat([readFileSync(gz), Buffer.from(tail)]))]);
      expect([r.code, r.stderr.includes(": CORRUPT ")]).toEqual([1, true]);
    }
  });

  test("--max-decompressed-bytes: INPUT_TOO_LARGE, exit 1; a bad value is a usage error", async () => {
    const [over, bad] = await Promise.all([
      run(["flatten", "--ndjson", "--column", "5", "--max-decompressed-bytes", "10000", gz]),
      run(["flatten", "--max-decompressed-bytes", "lots", gz]),
    ]);
    expect([over.code, over.stderr.includes("INPUT_TOO_LARGE")]).toEqual([1, true]);
    expect([bad.code, bad.stderr.includes("--max-decompressed-bytes expects a whole number")]).toEqual([2, true]);
  });

  test("--compression none reads the bytes as they are; --compression lzma is a usage error", async () => {
    const [none, lzma] = await Promise.all([run(["flatten", "--ndjson", "--compression", "none", gz]), run(["flatten", "--compression", "lzma", gz])]);
    expect([none.code, none.stderr.includes("INVALID_JSON")]).toEqual([1, true]);
    expect([lzma.code, lzma.stderr.includes("--compression must be one of")]).toEqual([2, true]);
  });

  test("--range and --journal over a compressed file are refused with the reason, exit 2", async () => {
    const runs = await Promise.all([
      run(["flatten", "--ndjson", "--column", "5", "--range", "0:1000", gz]),
      run(["flatten", "--ndjson", "--column", "5", "--workers", "2", "--range", "0:1000", gz]),
      run(["schema", "--ndjson", "--column", "5", "--range", "0:1000", gz]),
      run(["flatten", "--ndjson", "--column", "5", "--journal", join(dir, "j.wal"), "-o", join(dir, "j.out"), gz]),
    ]);
    for (const r of runs) expect([r.code, /needs an uncompressed file: .* is gzip data, whose byte offsets are not line positions/.test(r.stderr)]).toEqual([2, true]);
  });
});

describe.skipIf(EMULATED)("progress bar", () => {
  test("counts compressed bytes read against the compressed file's size", async () => {
    // About 16 MB of lines in a file of a few MB: counting decoded bytes would show 16/3 MB.
    const big = new TextEncoder().encode(readFileSync(EDITIONS, "utf8").repeat(20));
    const path = file("big.txt.gz", gzipSync(big, { level: 1 }));
    const size = (Bun.file(path).size / 1e6).toFixed(0);
    const r = await run(["flatten", "--ndjson", "--column", "5", "--progress", "-o", join(dir, "big.out"), path]);
    expect([r.code, r.stderr.includes("100.0%"), r.stderr.includes(`${size}/${size} MB`)]).toEqual([0, true, true]);
  });
});

describe.skipIf(EMULATED)("HTTP: a body's coding is its Content-Encoding, never sniffed", () => {
  let server: TestServer;
  beforeAll(() => {
    server = startInProcess({ maxBodyBytes: 1 << 20, chunkBytes: 4096 });
  });
  afterAll(() => server.stop());
  const lines = '{"a":{"b":1}}\n{"a":{"b":2}}\n';

  test("gzip NDJSON and JSON with Content-Encoding: gzip are decoded; without it they are 400 INVALID_JSON", async () => {
    const headers = (type: string, coding?: string) => ({ "content-type": type, ...(coding && { "content-encoding": coding }) });
    const send = (body: Uint8Array, type: string, coding?: string) =>
      fetch(`${server.url}/flatten`, { method: "POST", body, headers: headers(type, coding) }).then(async (r) => [r.status, await r.text()]);
    const gzLines = gzipSync(new TextEncoder().encode(lines));
    expect(await send(gzLines, "application/x-ndjson", "gzip")).toEqual([200, '{"a.b":1}\n{"a.b":2}\n']);
    const [status, body] = await send(gzLines, "application/x-ndjson");
    expect([status, JSON.parse(body as string).error.code]).toEqual([400, "INVALID_JSON"]);
    const [docStatus, docBody] = await send(gzipSync(new TextEncoder().encode('{"a":1}')), "application/json");
    expect([docStatus, JSON.parse(docBody as string).error.code]).toEqual([400, "INVALID_JSON"]);
  });
});
