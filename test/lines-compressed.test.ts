/**
 * @module lines-compressed.test — the NDJSON conformance table (`lines-cases.ts`) with every row's input
 * compressed: gzip and zlib files, and zstd and brotli streams in pieces of 1-5 bytes with `chunkBytes` 7, so
 * decoded chunk boundaries fall everywhere. Outputs and error fields (line numbers and offsets of the decoded
 * bytes) must be those of the plain input, byte for byte.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { flattenFileParallel, Pool } from "../src/index";
import { collect, libraryReference, libraryStream, outcomeOf, runLinesCases, type LinesImpl } from "./lines-cases";

const ALL = ["flatten", "search", "schema", "unflatten", "decode"] as const;

const dir = mkdtempSync(join(tmpdir(), "jsonflat-lines-compressed-"));
const workers = new Pool({ size: 2 });
afterAll(async () => {
  await workers.close();
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;

function fileOf(bytes: Uint8Array, suffix: string): string {
  const path = join(dir, `input-${files++}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

/** `bytes` in pieces of 1, 2, 3, 5, 1, ... bytes. */
async function* smallPieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const sizes = [1, 2, 3, 5];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

function fileImpl(name: string, encode: (b: Uint8Array) => Uint8Array, suffix: string): LinesImpl {
  return {
    name: `library: ${name} file, chunkBytes 7`,
    operations: ALL,
    run: (call) => outcomeOf(() => libraryStream(call, fileOf(encode(call.input), suffix), { chunkBytes: 7 })),
  };
}

function streamImpl(name: string, encode: (b: Uint8Array) => Uint8Array, compression?: "brotli"): LinesImpl {
  return {
    name: `library: ${name} stream in pieces of 1-5 bytes, chunkBytes 7`,
    operations: ALL,
    run: (call) => outcomeOf(() => libraryStream(call, smallPieces(encode(call.input)), { chunkBytes: 7, ...(compression && { compression }) })),
  };
}

const reference = { reference: libraryReference };
runLinesCases(fileImpl("gzip", (b) => gzipSync(b), ".gz"), reference);
runLinesCases(fileImpl("zlib", (b) => deflateSync(b), ".zz"), reference);
runLinesCases(streamImpl("zstd", (b) => zstdCompressSync(b)), reference);
runLinesCases(streamImpl("brotli", (b) => brotliCompressSync(b), "brotli"), reference);

runLinesCases(
  {
    name: "pool of 2 workers: a gzip file decoded here, 8-byte tasks",
    operations: ["flatten"],
    run(call) {
      const { style, delimiter, mode, format, maxNesting, onError, column } = call.options;
      const path = fileOf(gzipSync(call.input), ".gz");
      return outcomeOf(() => collect(flattenFileParallel(path, { style, delimiter, mode, format, maxNesting, onError, column, pool: workers, rangeBytes: 8 })));
    },
  },
  reference,
);
