/**
 * @module compressed-thread.test — compressed files large enough to be decoded on a thread of their own
 * (`core/decode-thread`): which files are, the decoded bytes arriving whole and in order, every coding read as the plain
 * input through the stream and the parallel entry points (any `workers`), and cut, trailing and oversized
 * input fails with the same codes and positions as in the calling thread, also when the reader stops early.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { decodeInThread } from "../src/core/decode-thread";
import { CompressedInputError, decompress, decompressHere, threadCompression, THREAD_MIN_COMPRESSED_BYTES, type Compression } from "../src/core/decompress";
import { flattenFileParallel, flattenLines, flattenStream } from "../src/index";
import { rng } from "./fixtures/rng";
import { failure } from "./fixtures/outcomes";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-compressed-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = 1717;
/** About 3 MB of NDJSON whose random hex strings keep every coding above the thread's size threshold. */
function ndjson(seed: number): Uint8Array {
  const random = rng(seed);
  const hex = () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, "0");
  const lines: string[] = [];
  for (let i = 0; i < 24_000; i++) {
    lines.push(JSON.stringify({ id: i, key: hex() + hex() + hex() + hex(), tags: [hex(), hex()], at: { x: random(), y: i % 7 === 0 ? null : hex() } }));
  }
  return new TextEncoder().encode(lines.join("\n") + "\n");
}
console.log(`compressed-thread.test: seed ${SEED}`);
const PLAIN = ndjson(SEED);
const EXPECTED = Buffer.from(flattenLines(PLAIN).slice()).toString("utf8");

const CODINGS: { name: Compression; encode: (b: Uint8Array) => Uint8Array; suffix: string; option?: Compression }[] = [
  { name: "gzip", encode: (b) => gzipSync(b), suffix: ".gz" },
  { name: "zstd", encode: (b) => zstdCompressSync(b, { params: { [constants.ZSTD_c_checksumFlag]: 1 } }), suffix: ".zst" },
  { name: "deflate", encode: (b) => deflateSync(b), suffix: ".zz" },
  { name: "brotli", encode: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), suffix: ".br" },
  { name: "deflate-raw", encode: (b) => deflateRawSync(b), suffix: ".deflate", option: "deflate-raw" },
];

let files = 0;
function fileOf(bytes: Uint8Array, suffix: string): string {
  const path = join(dir, `in-${files++}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

const GZIP = gzipSync(PLAIN);
const GZ_FILE = fileOf(GZIP, ".gz");

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk.slice());
  return out;
}

async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  return Buffer.concat(await collect(chunks)).toString("utf8");
}

describe("a large compressed file is decoded on its own thread", () => {
  for (const c of CODINGS) {
    const encoded = c.encode(PLAIN);
    const path = fileOf(encoded, c.suffix);
    const options = c.option ? { compression: c.option } : {};

    test(`${c.name}: decoded on the thread, the bytes come whole and in order, through decompress too`, async () => {
      expect(encoded.byteLength).toBeGreaterThanOrEqual(THREAD_MIN_COMPRESSED_BYTES);
      expect(await threadCompression(path, options.compression)).toBe(c.name);
      expect(Buffer.concat(await collect(decodeInThread(path, { compression: c.name }))).equals(PLAIN)).toBe(true);
      expect(Buffer.concat(await collect(decompress(path, options))).equals(PLAIN)).toBe(true);
    });

    test(`${c.name}: flattenStream and flattenFileParallel (workers 1, 2, 3) write what flattenLines writes for the plain bytes`, async () => {
      expect(await textOf(flattenStream(path, options))).toBe(EXPECTED);
      for (const workers of [1, 2, 3]) {
        expect(await textOf(flattenFileParallel(path, { ...options, workers, rangeBytes: 1 << 20 }))).toBe(EXPECTED);
      }
    });
  }

  test("small, plain and compression: none files are decoded (or read) in the calling thread", async () => {
    expect(await threadCompression(fileOf(gzipSync(PLAIN.subarray(0, 100_000)), ".gz"))).toBeUndefined();
    expect(await threadCompression(fileOf(PLAIN, ".ndjson"))).toBeUndefined();
    expect(await threadCompression(GZ_FILE, "none")).toBeUndefined();
    expect(await threadCompression(join(dir, "missing.gz"))).toBeUndefined();
    expect(Buffer.concat(await collect(decompressHere(GZ_FILE))).equals(PLAIN)).toBe(true);
  });

  test("the decoder's pieces are moved, not copied: each arrives as a whole buffer of its own", async () => {
    const pieces: Uint8Array[] = [];
    for await (const piece of decodeInThread(GZ_FILE, { compression: "gzip" })) pieces.push(piece);
    const whole = pieces.filter((p) => p.byteOffset === 0 && p.byteLength === p.buffer.byteLength);
    expect(whole.length).toBe(pieces.length);
    expect(Buffer.concat(pieces).equals(PLAIN)).toBe(true);
  });

  test("progress counts compressed bytes up to the file's size, never going back", async () => {
    const seen: number[] = [];
    for await (const _ of decodeInThread(GZ_FILE, { compression: "gzip" }, (n) => seen.push(n)));
    expect(seen.at(-1)).toBe(statSync(GZ_FILE).size);
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
  });

  test("a reader that stops after one piece ends the thread, and the file reads again whole", async () => {
    let taken = 0;
    for await (const piece of decodeInThread(GZ_FILE, { compression: "gzip" })) {
      taken += piece.byteLength;
      break;
    }
    expect(taken).toBeGreaterThan(0);
    expect(Buffer.concat(await collect(decompress(GZ_FILE))).equals(PLAIN)).toBe(true);
  });
});

describe("failures cross from the thread with their code and position", () => {
  test("a gzip file cut at 6 places: CORRUPT, the compressed offset within the bytes kept", async () => {
    for (const keep of [12, 4096, 500_000, GZIP.byteLength >> 1, GZIP.byteLength - 9, GZIP.byteLength - 1]) {
      const cut = GZIP.subarray(0, keep);
      const error = await failure(() => collect(decodeInThread(fileOf(cut, ".gz"), { compression: "gzip" })));
      expect([keep, error.code, error instanceof CompressedInputError]).toEqual([keep, "CORRUPT", true]);
      const where = error as CompressedInputError;
      expect(where.compressedOffset).toBeGreaterThan(0);
      expect(where.compressedOffset).toBeLessThanOrEqual(keep);
      expect(where.decompressedBytes).toBeLessThan(PLAIN.byteLength);
    }
  });

  test("a cut zstd file is CORRUPT in this thread and on the pool", async () => {
    const zstd = zstdCompressSync(PLAIN);
    const path = fileOf(zstd.subarray(0, zstd.byteLength - 3), ".zst");
    expect(statSync(path).size).toBeGreaterThanOrEqual(THREAD_MIN_COMPRESSED_BYTES);
    for (const workers of [1, 3]) {
      const error = await failure(() => collect(flattenFileParallel(path, { workers })));
      expect([workers, error.code]).toEqual([workers, "CORRUPT"]);
    }
  });

  test("trailing garbage after the gzip data is CORRUPT", async () => {
    const path = fileOf(Buffer.concat([GZIP, new TextEncoder().encode("garbage")]), ".gz");
    const error = await failure(() => collect(flattenStream(path)));
    expect(error.code).toBe("CORRUPT");
  });

  test("maxDecompressedBytes stops the thread with INPUT_TOO_LARGE before the limit is passed", async () => {
    const limit = 2_000_000;
    let delivered = 0;
    const error = await failure(async () => {
      for await (const piece of decompress(GZ_FILE, { maxDecompressedBytes: limit })) delivered += piece.byteLength;
    });
    expect(error.code).toBe("INPUT_TOO_LARGE");
    expect((error as CompressedInputError).decompressedBytes).toBeLessThanOrEqual(limit);
    expect(delivered).toBeLessThanOrEqual(limit);
  });

  test("a bad limit is INVALID_OPTION before any thread starts", async () => {
    const error = await failure(() => collect(decompress(GZ_FILE, { maxDecompressedBytes: -1 })));
    expect(error.code).toBe("INVALID_OPTION");
  });
});
