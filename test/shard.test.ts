/**
 * @module shard.test — shards (`shard: {index, count}`, `--shard I/N|env`) and sources (path, http(s) with range
 * requests, S3): N shards concatenated in order are the one-run output byte for byte, error records' line
 * numbers included, for flatten, unflatten, search and schema, in the library, the pool and the CLI; a shard of
 * a URL or S3 object fetches about its own share (its prefix only when an output needs line numbers).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flattenFileParallel, flattenStream, JsonFlatError, mergeSchemas, Pool, schemaStream, searchStream, unflattenStream, type Schema } from "../src/index";
import { parseShard, placeRange, shardBytes, shardFromEnv } from "../src/lines/index";
import { BUN } from "./fixtures/child-bun";
import { checkProperty } from "./fixtures/property";
import { serveRanges } from "./fixtures/range-server";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "src/cli/main.ts");
const OL = "/work/shared/data/openlibrary";
const dir = mkdtempSync(join(tmpdir(), "jsonflat-shard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Open Library lines (column 5) with bad lines, a short line, a blank line and a CRLF line among them. */
const TSV = join(dir, "ol.txt");
/** Flattened documents (for unflatten) with a conflicting and a broken line among them. */
const FLAT = join(dir, "flat.ndjson");

beforeAll(async () => {
  const works = readFileSync(join(OL, "works-head-n1000.txt"), "utf8").split("\n").filter(Boolean);
  const editions = readFileSync(join(OL, "editions-head-n1000.txt"), "utf8").split("\n").filter(Boolean);
  const lines = [...works.slice(0, 600), "/type/x\t/k/1\t1\t2020\t{bad", ...editions.slice(0, 400), "", "only\ttwo", ...works.slice(600), `${editions[500]}\r`, ...editions.slice(501, 900), "/type/x\t/k/2\t1\t2020\t[1,"];
  writeFileSync(TSV, lines.join("\n") + "\n");
  const flat: string[] = [];
  for await (const chunk of flattenStream(TSV, { column: 5, onError: "skip" })) flat.push(new TextDecoder().decode(chunk));
  const flatLines = flat.join("").split("\n").filter(Boolean);
  flatLines.splice(300, 0, '{"a":1,"a.b":2}');
  flatLines.splice(1500, 0, "{nope");
  writeFileSync(FLAT, flatLines.join("\n") + "\n");
});

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const COUNTS = [1, 2, 3, 5, 8];

describe("which bytes a shard owns", () => {
  test("property: raw shard ranges tile [0, size) and differ in length by at most one byte", () => {
    checkProperty(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 300 }), (size, count) => {
        let at = 0;
        for (let index = 0; index < count; index++) {
          const r = shardBytes(size, { index, count });
          if (r.start !== at || r.end < r.start) return false;
          if (Math.abs(r.end - r.start - size / count) >= 1) return false;
          at = r.end;
        }
        return at === size;
      }),
      { numRuns: 300, examples: [[0, 1], [1, 300], [2 ** 40, 7]] },
    );
  });

  test("aligned shards tile the file on line starts", async () => {
    const text = readFileSync(TSV);
    for (const count of COUNTS) {
      let at = 0;
      for (let index = 0; index < count; index++) {
        const r = await placeRange(TSV, { shard: { index, count } });
        expect(r.start).toBe(at);
        expect(r.start === 0 || text[r.start - 1] === 0x0a).toBe(true);
        at = r.end;
      }
      expect(at).toBe(text.length);
    }
  });

  test("I/N is 0-based; env reads JOB_COMPLETION_INDEX, then AWS_BATCH_JOB_ARRAY_INDEX", () => {
    expect(parseShard("0/4")).toEqual({ index: 0, count: 4 });
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
    expect(parseShard("env", 4, { JOB_COMPLETION_INDEX: "2", AWS_BATCH_JOB_ARRAY_INDEX: "1" })).toEqual({ index: 2, count: 4 });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: "1" }, 4)).toEqual({ index: 1, count: 4 });
    const refused = (f: () => unknown, message: RegExp) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(JsonFlatError);
        expect((error as JsonFlatError).code).toBe("INVALID_OPTION");
        expect((error as JsonFlatError).message).toMatch(message);
        return;
      }
      throw new Error("not refused");
    };
    refused(() => parseShard("4/4"), /out of range.*0 to 3/);
    refused(() => parseShard("1/0"), /≥ 1/);
    refused(() => parseShard("-1/4"), /I\/N/);
    refused(() => parseShard("1/4", 5), /given twice/);
    refused(() => parseShard("env"), /--shard-count/);
    refused(() => shardFromEnv({}, 4), /neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX/);
    refused(() => shardFromEnv({ JOB_COMPLETION_INDEX: "x" }, 4), /JOB_COMPLETION_INDEX must be a whole number/);
    refused(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: "4" }, 4), /out of range/);
  });
});

describe("library: N shards concatenated = one run", () => {
  test("flattenStream, emit, whole chunks and 4 KiB chunks", async () => {
    const one = await bytesOf(flattenStream(TSV, { column: 5, onError: "emit" }));
    expect(one.toString()).toContain('"line":601}');
    for (const chunkBytes of [undefined, 4096]) {
      for (const count of COUNTS) {
        const parts: Buffer[] = [];
        for (let index = 0; index < count; index++) parts.push(await bytesOf(flattenStream(TSV, { column: 5, onError: "emit", chunkBytes, shard: { index, count } })));
        expect(Buffer.concat(parts).equals(one)).toBe(true);
      }
    }
  });

  test("a bad line under fail is thrown with its line number in the whole file", async () => {
    const whole = await bytesOf(flattenStream(TSV, { column: 5 })).catch((e: JsonFlatError) => e);
    const count = 5;
    for (let index = 0; index < count; index++) {
      const got = await bytesOf(flattenStream(TSV, { column: 5, shard: { index, count } })).catch((e: JsonFlatError) => e);
      if (got instanceof JsonFlatError) {
        expect(got.toJSON()).toEqual((whole as JsonFlatError).toJSON());
        return;
      }
    }
    throw new Error("no shard met the bad line");
  });

  test("searchStream hits carry whole-file line numbers", async () => {
    const one = await bytesOf(searchStream(TSV, { key: "title" }, { column: 5, onError: "emit" }));
    for (const count of COUNTS) {
      const parts: Buffer[] = [];
      for (let index = 0; index < count; index++) parts.push(await bytesOf(searchStream(TSV, { key: "title" }, { column: 5, onError: "emit", shard: { index, count } })));
      expect(Buffer.concat(parts).equals(one)).toBe(true);
    }
  });

  test("schemaStream shards merged in order = one schema, path order included", async () => {
    const one = await schemaStream(TSV, { column: 5, onError: "skip" });
    for (const count of COUNTS) {
      const merged: Schema = {};
      for (let index = 0; index < count; index++) mergeSchemas(merged, await schemaStream(TSV, { column: 5, onError: "skip", shard: { index, count } }));
      expect(JSON.stringify(merged)).toBe(JSON.stringify(one));
    }
  });

  test("unflattenStream, emit", async () => {
    const one = await bytesOf(unflattenStream(FLAT, { onError: "emit" }));
    expect(one.toString()).toContain("PATH_CONFLICT");
    for (const count of COUNTS) {
      const parts: Buffer[] = [];
      for (let index = 0; index < count; index++) parts.push(await bytesOf(unflattenStream(FLAT, { onError: "emit", shard: { index, count } })));
      expect(Buffer.concat(parts).equals(one)).toBe(true);
    }
  });

  test("flattenFileParallel with a shard (coworkers)", async () => {
    const one = await bytesOf(flattenStream(TSV, { column: 5, onError: "emit" }));
    const pool = new Pool({ size: 2 });
    try {
      const count = 3;
      const parts: Buffer[] = [];
      for (let index = 0; index < count; index++) {
        parts.push(await bytesOf(flattenFileParallel(TSV, { column: 5, onError: "emit", pool, rangeBytes: 64 << 10, shard: { index, count } })));
      }
      expect(Buffer.concat(parts).equals(one)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe("sources: a URL read with range requests", () => {
  test("each shard of a clean file fetches about its share; shards with numbered outputs also their prefix", async () => {
    const clean = Buffer.from(readFileSync(join(OL, "editions-head-n1000.txt")));
    const file = join(dir, "clean.txt");
    writeFileSync(file, Buffer.concat([clean, clean]));
    const bytes = readFileSync(file);
    await using server = serveRanges(bytes);
    const one = await bytesOf(flattenStream(file, { column: 5 }));
    expect((await bytesOf(flattenStream(server.url, { column: 5 }))).equals(one)).toBe(true);
    const count = 4;
    const share = bytes.length / count;
    const parts: Buffer[] = [];
    for (let index = 0; index < count; index++) {
      server.sent = 0;
      parts.push(await bytesOf(flattenStream(server.url, { column: 5, shard: { index, count } })));
      expect(server.sent).toBeGreaterThan(share * 0.9);
      expect(server.sent).toBeLessThan(share + 3 * (64 << 10)); // two alignment windows and a line's overhang
    }
    expect(Buffer.concat(parts).equals(one)).toBe(true);
    // Search hits carry line numbers: the last shard also reads the lines before it, once, and its first chunk
    // with a hit twice (here its whole share: one chunk).
    server.sent = 0;
    const hits = await bytesOf(searchStream(server.url, { key: "title" }, { column: 5, shard: { index: count - 1, count } }));
    expect(hits.length).toBeGreaterThan(0);
    expect(server.sent).toBeGreaterThan(bytes.length * 0.95);
    expect(server.sent).toBeLessThan(bytes.length + share + 3 * (64 << 10));
  });

  test("a URL with bad lines: emit records numbered as in the whole file", async () => {
    const bytes = readFileSync(TSV);
    await using server = serveRanges(bytes);
    const one = await bytesOf(flattenStream(TSV, { column: 5, onError: "emit" }));
    const parts: Buffer[] = [];
    for (let index = 0; index < 3; index++) parts.push(await bytesOf(flattenStream(server.url, { column: 5, onError: "emit", chunkBytes: 8192, shard: { index, count: 3 } })));
    expect(Buffer.concat(parts).equals(one)).toBe(true);
  });

  test("a server without range requests: read whole without a shard, a clear error with one", async () => {
    const bytes = readFileSync(TSV);
    await using server = serveRanges(bytes, { ranges: false });
    const one = await bytesOf(flattenStream(TSV, { column: 5, onError: "skip" }));
    expect((await bytesOf(flattenStream(server.url, { column: 5, onError: "skip" }))).equals(one)).toBe(true);
    const error = await bytesOf(flattenStream(server.url, { column: 5, shard: { index: 0, count: 2 } })).catch((e: JsonFlatError) => e);
    expect(error).toBeInstanceOf(JsonFlatError);
    expect((error as JsonFlatError).code).toBe("NOT_SUPPORTED");
    expect((error as JsonFlatError).message).toMatch(/does not serve byte ranges/);
  });

  test("a missing URL is an IO error naming it without its query", async () => {
    await using server = serveRanges(new Uint8Array(0));
    const error = await bytesOf(flattenStream("http://127.0.0.1:1/x.txt?X-Amz-Signature=secret", { shard: { index: 0, count: 2 } })).catch((e: JsonFlatError) => e);
    expect((error as JsonFlatError).code).toBe("IO");
    expect((error as JsonFlatError).message).toContain("http://127.0.0.1:1/x.txt");
    expect((error as JsonFlatError).message).not.toContain("secret");
    expect(await bytesOf(flattenStream(server.url, { shard: { index: 1, count: 2 } }))).toHaveLength(0);
  });
});

function cli(args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync([BUN, CLI, ...args], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  return { status: r.exitCode, stdout: Buffer.from(r.stdout), stderr: r.stderr.toString() };
}

describe("CLI", () => {
  test("--shard I/N and --shard env over flatten, unflatten and search; schema --merge", () => {
    const runs: [string[], string][] = [
      [["flatten", "--ndjson", "--column", "5", "--on-error", "emit"], TSV],
      [["unflatten", "--ndjson", "--on-error", "emit"], FLAT],
      [["search", "--ndjson", "--column", "5", "--on-error", "skip", "--path", "subjects[*]"], TSV],
    ];
    for (const [args, file] of runs) {
      const one = cli([...args, file]);
      expect(one.status).toBe(0);
      const byIndex = [0, 1, 2, 3].map((i) => cli([...args, "--shard", `${i}/4`, file]).stdout);
      expect(Buffer.concat(byIndex).equals(one.stdout)).toBe(true);
      const byEnv = [0, 1, 2, 3].map((i) => cli([...args, "--shard", "env", "--shard-count", "4", file], { [i % 2 ? "AWS_BATCH_JOB_ARRAY_INDEX" : "JOB_COMPLETION_INDEX"]: String(i) }).stdout);
      expect(Buffer.concat(byEnv).equals(one.stdout)).toBe(true);
    }
    const schemaArgs = ["schema", "--ndjson", "--column", "5", "--on-error", "skip"];
    const parts = [0, 1, 2].map((i) => {
      const part = join(dir, `schema-${i}.json`);
      expect(cli([...schemaArgs, "--shard", `${i}/3`, TSV, "-o", part]).status).toBe(0);
      return part;
    });
    expect(cli(["schema", "--merge", ...parts]).stdout.toString()).toBe(cli([...schemaArgs, TSV]).stdout.toString());
    expect(cli(["schema", "--merge", "--table", ...parts]).stdout.toString()).toBe(cli([...schemaArgs, "--table", TSV]).stdout.toString());
  });

  test("usage errors: stdin, no index variable, out of range, with --range, not NDJSON, a bad schema file", () => {
    const refused = (args: string[], status: number, message: RegExp, env: Record<string, string> = {}) => {
      const r = cli(args, { JOB_COMPLETION_INDEX: "", AWS_BATCH_JOB_ARRAY_INDEX: "", ...env });
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(status);
      expect(r.stdout.length).toBe(0);
    };
    refused(["flatten", "--ndjson", "--shard", "0/2", "-"], 2, /--shard needs a FILE or URL/);
    refused(["flatten", "--ndjson", "--shard", "env", "--shard-count", "2", TSV], 2, /neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX/);
    refused(["flatten", "--ndjson", "--shard", "env", "--shard-count", "2", TSV], 2, /out of range: shards of 2 are numbered 0 to 1/, { JOB_COMPLETION_INDEX: "2" });
    refused(["flatten", "--ndjson", "--shard", "env", TSV], 2, /--shard-count/);
    refused(["flatten", "--ndjson", "--shard", "1/2", "--range", "0:10", TSV], 2, /exclude each other/);
    refused(["flatten", "--shard", "1/2", TSV], 2, /--shard applies to --ndjson/);
    refused(["search", "--ndjson", "--key", "a", "--shard", "2/2", TSV], 2, /out of range/);
    refused(["schema", "--merge", TSV], 1, /INVALID_JSON .* is not a schema/);
    refused(["flatten", "--ndjson", "--workers", "2", "--shard", "0/2", "http://127.0.0.1:1/x"], 2, /--workers needs a local FILE/);
  });

  test("--workers with --shard, and an S3 object through Bun's S3 client against a loopback endpoint", async () => {
    const one = cli(["flatten", "--ndjson", "--column", "5", "--on-error", "emit", TSV]).stdout;
    const pooled = [0, 1].map((i) => cli(["flatten", "--ndjson", "--column", "5", "--on-error", "emit", "--workers", "2", "--range-bytes", "65536", "--shard", `${i}/2`, TSV]).stdout);
    expect(Buffer.concat(pooled).equals(one)).toBe(true);

    await using server = serveRanges(readFileSync(TSV));
    const s3 = { S3_ENDPOINT: server.origin, S3_ACCESS_KEY_ID: "test", S3_SECRET_ACCESS_KEY: "test", S3_REGION: "us-east-1" };
    const parts = await Promise.all([0, 1, 2].map(async (i) => {
      const child = Bun.spawn([BUN, CLI, "flatten", "--ndjson", "--column", "5", "--on-error", "emit", "--shard", `${i}/3`, "s3://dumps/ol/ol.txt"], { env: { ...process.env, ...s3 }, stdout: "pipe", stderr: "pipe" });
      const [out, err, status] = await Promise.all([new Response(child.stdout).arrayBuffer(), new Response(child.stderr).text(), child.exited]);
      expect(err).toBe("");
      expect(status).toBe(0);
      return Buffer.from(out);
    }));
    expect(Buffer.concat(parts).equals(one)).toBe(true);
    expect(server.requests.every((r) => r.path === "/dumps/ol/ol.txt")).toBe(true);
    expect(server.requests.filter((r) => r.method === "GET").every((r) => r.range !== null)).toBe(true);
  });
});
