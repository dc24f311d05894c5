/**
 * @module doc-stream-compressed.test — one document of any size, compressed: a gzip or zstd path, stream or
 * BunFile is decoded as it is read, output byte for byte `flattenBytes` of the plain document; a cut stream
 * is CORRUPT after the output before it, never a success.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { flattenBytes, flattenDocumentStream, JsonFlatError, schema, schemaDocumentStream } from "../src/index";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-docgz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN = readFileSync(fileURLToPath(new URL("../../shared/data/bench/citm_catalog.json", import.meta.url)));
const decoder = new TextDecoder();

async function streamed(source: Parameters<typeof flattenDocumentStream>[0]): Promise<string> {
  let out = "";
  for await (const chunk of flattenDocumentStream(source, { chunkBytes: 64 << 10 })) out += decoder.decode(chunk);
  return out;
}

test("gzip and zstd paths, streams and BunFiles flatten as the plain document does", async () => {
  const expected = decoder.decode(flattenBytes(PLAIN));
  for (const [name, packed] of [["doc.json.gz", gzipSync(PLAIN)], ["doc.json.zst", zstdCompressSync(PLAIN)]] as const) {
    const path = join(dir, name);
    writeFileSync(path, packed);
    expect(await streamed(path)).toBe(expected);
    expect(await streamed(Bun.file(path))).toBe(expected);
    expect(await streamed(Bun.file(path).stream())).toBe(expected);
  }
  expect(await schemaDocumentStream(join(dir, "doc.json.gz"))).toEqual(schema(PLAIN));
});

test("a cut gzip document is CORRUPT, not a partial success", async () => {
  const path = join(dir, "cut.json.gz");
  const packed = gzipSync(PLAIN);
  writeFileSync(path, packed.subarray(0, packed.byteLength - 100));
  const error = await streamed(path).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(JsonFlatError);
  expect((error as JsonFlatError).code).toBe("CORRUPT");
});
