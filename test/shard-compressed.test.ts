/**
 * @module shard-compressed.test — a shard or range of compressed data is refused with INVALID_OPTION, from a
 * path and from a URL (its offsets are not positions in the content); the whole of a compressed URL is read.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { flattenStream, JsonFlatError } from "../src/index";
import { serveRanges } from "./fixtures/range-server";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-shard-gz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, tags: ["a", i] })).join("\n") + "\n";
const GZ = gzipSync(TEXT);

async function text(source: string, options: Parameters<typeof flattenStream>[1] = {}): Promise<string> {
  let out = "";
  for await (const chunk of flattenStream(source, options)) out += new TextDecoder().decode(chunk);
  return out;
}

async function refusal(run: () => Promise<unknown>): Promise<JsonFlatError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(JsonFlatError);
  return error as JsonFlatError;
}

test("a shard or a range of a gzip file is INVALID_OPTION, naming why", async () => {
  const path = join(dir, "lines.ndjson.gz");
  writeFileSync(path, GZ);
  for (const options of [{ shard: { index: 1, count: 2 } }, { range: { start: 0, end: 100 } }]) {
    const error = await refusal(() => text(path, options));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("gzip");
    expect(error.message).toContain(options.shard ? "shard" : "range");
  }
});

test("a shard of a gzip URL is INVALID_OPTION; the whole URL is decoded", async () => {
  await using server = serveRanges(GZ);
  const error = await refusal(() => text(server.url, { shard: { index: 0, count: 2 } }));
  expect(error.code).toBe("INVALID_OPTION");
  expect(error.message).toContain("shard needs an uncompressed file");
  expect(await text(server.url)).toBe(await text(join(dir, "lines.ndjson.gz")));
  expect((await text(server.url)).split("\n").length).toBe(201);
});
