/**
 * @module compressed.test — compressed input read directly through every library entry point that reads a file
 * or a stream: gzip, zstd and zlib found by their magic bytes, brotli by a `.br` name, raw deflate by option;
 * outputs identical to the plain input's; cut, corrupt and trailing data always an error; the decoded-size
 * limit; ranges and journals refused; and plain JSON never taken for compressed data.
 */
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { CompressedInputError, decompress, detectCompression, readWhole, type Compression } from "../src/core/decompress";
import {
  bind,
  flattenBytes,
  flattenFile,
  flattenFileParallel,
  flattenLines,
  flattenReadable,
  flattenStream,
  JsonFlatError,
  schemaStream,
  searchAll,
  searchStream,
  unflattenFile,
  unflattenStream,
  type StreamProgress,
} from "../src/index";
import { EMULATED } from "./fixtures/child-bun";
import { checkProperty } from "./fixtures/property";
import { failure } from "./fixtures/outcomes";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-compressed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));
/** 300 Open Library edition lines (TSV, JSON in column 5): about 250 KB. */
const OL = new TextEncoder().encode(readFileSync(join(DATA, "openlibrary/editions-head-n1000.txt"), "utf8").split("\n").slice(0, 300).join("\n") + "\n");
const decoder = new TextDecoder();

/** The codings, each with how to make its bytes and the options or file name it needs to be recognised. */
const CODINGS: { name: Compression; encode: (b: Uint8Array) => Uint8Array; suffix: string; option?: Compression }[] = [
  { name: "gzip", encode: (b) => gzipSync(b), suffix: ".gz" },
  { name: "zstd", encode: (b) => zstdCompressSync(b, { params: { [constants.ZSTD_c_checksumFlag]: 1 } }), suffix: ".zst" },
  { name: "deflate", encode: (b) => deflateSync(b), suffix: ".zz" },
  { name: "brotli", encode: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }), suffix: ".br" },
  { name: "deflate-raw", encode: (b) => deflateRawSync(b), suffix: ".deflate", option: "deflate-raw" },
];

let files = 0;
function fileOf(bytes: Uint8Array, suffix = ""): string {
  const path = join(dir, `in-${files++}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += decoder.decode(chunk, { stream: true });
  return out;
}

/** `bytes` delivered in pieces of 1, 7, 64 and 1000 bytes, so the magic number and frames split everywhere. */
async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const sizes = [1, 7, 64, 1000];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

describe("magic bytes", () => {
  test("gzip, zstd and zlib are recognised; brotli and raw deflate, which have no magic number, are not", () => {
    const seen = CODINGS.map((c) => [c.name, detectCompression(c.encode(OL).subarray(0, 4)) ?? null]);
    expect(seen).toEqual([["gzip", "gzip"], ["zstd", "zstd"], ["deflate", "deflate"], ["brotli", null], ["deflate-raw", null]]);
  });

  test("no JSONTestSuite y_ file (valid JSON) and no i_ file starts like compressed data", () => {
    const suite = join(DATA, "JSONTestSuite/test_parsing");
    const names = readdirSync(suite).filter((n) => n.startsWith("y_") || n.startsWith("i_"));
    expect(names.length).toBeGreaterThan(100);
    const detected = names.filter((n) => detectCompression(readFileSync(join(suite, n)).subarray(0, 4)) !== undefined);
    expect(detected).toEqual([]);
  });

  test("property: no JSON text, with any leading whitespace or BOM, starts like compressed data", () => {
    const lead = fc.constantFrom("", " ", "\t", "\r\n", "\n", "\uFEFF");
    checkProperty(
      fc.property(lead, fc.json(), (space, json) => detectCompression(new TextEncoder().encode(space + json).subarray(0, 4)) === undefined),
      { numRuns: 2000, examples: [["", "80"], ["", "8"], ["", '"x^"']] },
    );
  });

  test("a digit 8 followed by any byte JSON allows after it is never a zlib header", () => {
    const after = "0123456789.eE \t\r\n,]}";
    const headers = [...after].filter((c) => detectCompression(new TextEncoder().encode(`8${c}`)) !== undefined);
    expect(headers).toEqual([]);
  });
});

describe("every file and stream entry point reads compressed input as the plain one", () => {
  const options = { column: 5, chunkBytes: 16 << 10 };
  const plain = decoder.decode(flattenLines(OL, { column: 5 }));
  const plainFile = fileOf(OL, ".txt");

  for (const c of CODINGS) {
    const compressed = c.encode(OL);
    const path = fileOf(compressed, c.suffix);
    const o = { ...options, compression: c.option };

    test(`${c.name}: flattenStream over a file, a stream in small pieces and a web stream; flattenReadable`, async () => {
      const outputs = [
        await text(flattenStream(path, o)),
        await text(flattenStream(pieces(compressed), { ...o, compression: c.option ?? (c.name === "brotli" ? "brotli" : undefined) })),
        await text(flattenStream(new Blob([compressed]).stream(), { ...o, compression: c.option ?? (c.name === "brotli" ? "brotli" : undefined) })),
        await text(flattenReadable(path, o)),
      ];
      expect(outputs.map((out) => out === plain)).toEqual([true, true, true, true]);
    });

    test(`${c.name}: schemaStream, searchStream, searchAll, decodeStream`, async () => {
      expect(await schemaStream(path, o)).toEqual(await schemaStream(plainFile, options));
      const query = { key: "title" };
      expect(await text(searchStream(path, query, o))).toBe(await text(searchStream(plainFile, query, options)));
      expect(await searchAll(path, query, o)).toEqual(await searchAll(plainFile, query, options));
      const Edition = bind({ key: "string", title: { type: "string", optional: true } });
      const decoded = async (source: string) => {
        const values: unknown[] = [];
        for await (const batch of Edition.decodeStream(source, { column: 5, onError: "skip", compression: source === path ? c.option : undefined })) values.push(...batch);
        return values;
      };
      expect(await decoded(path)).toEqual(await decoded(plainFile));
      Edition.dispose();
    });

    test(`${c.name}: flattenFile (in this thread and with workers: 2), flattenFileParallel, unflattenFile and unflattenStream`, async () => {
      const out = join(dir, `out-${files++}`);
      const summary = await flattenFile(path, out, o);
      expect([readFileSync(out, "utf8") === plain, summary.documents]).toEqual([true, 300]);
      await flattenFile(path, out, { ...o, workers: 2 });
      expect(readFileSync(out, "utf8") === plain).toBe(true);
      expect((await text(flattenFileParallel(path, { ...o, workers: 2 }))) === plain).toBe(true);

      const flat = fileOf(c.encode(new TextEncoder().encode(plain)), c.suffix);
      const back = join(dir, `back-${files++}`);
      await unflattenFile(flat, back, { compression: c.option });
      const want = await text(unflattenStream(fileOf(new TextEncoder().encode(plain)), {}));
      expect([readFileSync(back, "utf8") === want, (await text(unflattenStream(flat, { compression: c.option }))) === want]).toEqual([true, true]);
    });

    test(`${c.name}: one whole document (readWhole) flattens as the plain document`, async () => {
      const doc = readFileSync(join(DATA, "bench/twitter.json"));
      const docPath = fileOf(c.encode(doc), c.suffix);
      const bytes = await readWhole(docPath, { compression: c.option });
      expect(decoder.decode(flattenBytes(bytes)) === decoder.decode(flattenBytes(doc))).toBe(true);
    });
  }

  test("a compressed input split into several gzip members (as pigz or cat a.gz b.gz writes) reads as their concatenation", async () => {
    const half = OL.lastIndexOf(0x0a, OL.length >> 1) + 1;
    const path = fileOf(Bun.concatArrayBuffers([gzipSync(OL.subarray(0, half)), gzipSync(OL.subarray(half))], Infinity, true), ".gz");
    expect((await text(flattenStream(path, options))) === plain).toBe(true);
  });

  test("progress counts compressed bytes against the file's size, and decoded bytes as bytesRead", async () => {
    const compressed = gzipSync(OL);
    const path = fileOf(compressed, ".gz");
    let last: StreamProgress | undefined;
    for await (const _ of flattenStream(path, { ...options, onProgress: (p) => (last = p) }));
    expect([last?.compressedBytesRead, last?.bytesRead]).toEqual([compressed.length, OL.length]);
  });

  test("on the pool, progress counts compressed bytes up to the file's size", async () => {
    const compressed = gzipSync(OL);
    const path = fileOf(compressed, ".gz");
    const seen: [number, number][] = [];
    for await (const _ of flattenFileParallel(path, { ...options, workers: 2, rangeBytes: 16 << 10, onProgress: (p) => seen.push([p.bytesRead, p.totalBytes]) }));
    expect(seen.at(-1)).toEqual([compressed.length, compressed.length]);
    expect(seen.every(([done], i) => i === 0 || done >= seen[i - 1]![0])).toBe(true);
  });

  test('compression "none" reads a gzip file as it is (and fails as the bytes it is)', async () => {
    const error = await failure(() => text(flattenStream(fileOf(gzipSync(OL)), { compression: "none" })));
    expect(error.code).toBe("INVALID_JSON");
  });
});

// Hundreds of decodes of damaged data: platform-independent JS and zlib, so not repeated under emulation.
describe.skipIf(EMULATED)("cut, corrupt and trailing data is an error, never a partial success", () => {
  const checked = CODINGS.filter((c) => c.name !== "brotli" && c.name !== "deflate-raw"); // these carry a checksum
  for (const c of CODINGS) {
    const compressed = c.encode(OL);
    const o = { column: 5, chunkBytes: 16 << 10, onError: "skip" as const, compression: c.option ?? (c.name === "brotli" ? ("brotli" as const) : undefined) };

    test(`${c.name}: cut at 40 places, from the magic number to one byte short`, async () => {
      const cuts = Array.from({ length: 40 }, (_, i) => Math.max(1, Math.floor(((i + 1) * compressed.length) / 41)));
      cuts.push(compressed.length - 1);
      const outcomes = new Set<string>();
      for (const cut of cuts) {
        const error = await failure(() => text(flattenStream(pieces(compressed.subarray(0, cut)), o)));
        outcomes.add(error.code);
        expect(error.message).not.toMatch(/\b(at|byte|offset) \d/);
        if (error instanceof CompressedInputError) expect(error.compressedOffset).toBeLessThanOrEqual(cut);
      }
      expect([...outcomes]).toEqual(["CORRUPT"]);
    });

    test(`${c.name}: trailing garbage and trailing zero bytes`, async () => {
      for (const tail of [new TextEncoder().encode('{"a":1}\n'), new Uint8Array(8)]) {
        const error = await failure(() => text(flattenStream(pieces(Bun.concatArrayBuffers([compressed, tail], Infinity, true)), o)));
        expect(error.code).toBe("CORRUPT");
      }
    });
  }

  for (const c of checked) {
    test(`${c.name}: a flipped byte anywhere in the data (its checksum included) is an error`, async () => {
      const codes = new Set<string>();
      // From the first byte after the magic number and the header fields no decoder checks (gzip's time and OS).
      const first = { gzip: 10, zstd: 4, deflate: 2 }[c.name as "gzip" | "zstd" | "deflate"];
      for (let at = first; at < compressed(c).length; at += Math.max(1, Math.floor(compressed(c).length / 30))) {
        const bad = compressed(c).slice();
        bad[at] = bad[at]! ^ 0x5a;
        codes.add((await failure(() => text(flattenStream(pieces(bad), { column: 5, onError: "skip" })))).code);
      }
      const last = compressed(c).slice();
      last[last.length - 2] = last[last.length - 2]! ^ 1; // inside the checksum or the length
      codes.add((await failure(() => text(flattenStream(pieces(last), { column: 5, onError: "skip" })))).code);
      expect([...codes].filter((code) => code !== "CORRUPT" && code !== "INVALID_JSON")).toEqual([]);
      expect(codes.has("CORRUPT")).toBe(true);
    });
  }

  test("lines before a cut are delivered, then the stream throws: the final status is an error", async () => {
    const gz = gzipSync(OL);
    const seen: number[] = [];
    const error = await failure(async () => {
      for await (const chunk of flattenStream(pieces(gz.subarray(0, gz.length - 100)), { column: 5, chunkBytes: 4096 })) seen.push(chunk.length);
    });
    expect([error.code, error instanceof CompressedInputError, seen.length > 0]).toEqual(["CORRUPT", true, true]);
  });

  test("on the pool: a cut file is CORRUPT, and a bad line fails with its line and offset as in one thread", async () => {
    const gz = gzipSync(OL);
    const cut = fileOf(gz.subarray(0, gz.length - 50), ".gz");
    expect((await failure(() => text(flattenFileParallel(cut, { column: 5, workers: 2, rangeBytes: 8192 })))).code).toBe("CORRUPT");
    const lines = new TextDecoder().decode(OL).split("\n");
    lines[150] = lines[150]!.replace("{", "{x");
    const bad = new TextEncoder().encode(lines.join("\n"));
    const oneThread = await failure(() => text(flattenStream(fileOf(bad), { column: 5 })));
    const pooled = await failure(() => text(flattenFileParallel(fileOf(gzipSync(bad), ".gz"), { column: 5, workers: 2, rangeBytes: 8192 })));
    expect(pooled.toJSON()).toEqual(oneThread.toJSON());
    expect(oneThread.line).toBe(151);
  });

  test("a read error of the source itself passes through as what it is", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield gzipSync(OL).subarray(0, 100);
      throw new JsonFlatError("IO", "the upload was broken off");
    }
    const error = await failure(() => text(flattenStream(broken(), { column: 5 })));
    expect([error.code, error.message]).toEqual(["IO", "the upload was broken off"]);
  });
});

function compressed(c: (typeof CODINGS)[number]): Uint8Array {
  return c.encode(OL);
}

describe("decompression bombs are bounded", () => {
  // 16 MiB of newlines (blank lines, so the flattening is cheap) in a 16 KiB gzip.
  const bomb = gzipSync(new Uint8Array(16 << 20).fill(0x0a), { level: 9 });

  test("maxDecompressedBytes stops a stream with INPUT_TOO_LARGE", async () => {
    const error = await failure(() => text(flattenStream(fileOf(bomb, ".gz"), { maxDecompressedBytes: 1 << 20 })));
    expect([error.code, error instanceof CompressedInputError && error.decompressedBytes <= 1 << 20]).toEqual(["INPUT_TOO_LARGE", true]);
  });

  test("readWhole stops at maxDecompressedBytes, the decoder never running far ahead of it", async () => {
    const error = await failure(() => readWhole(new Blob([bomb]).stream(), { maxDecompressedBytes: 4 << 20 }));
    expect(error.code).toBe("INPUT_TOO_LARGE");
  });

  test("the limit applies to compressed input only, and a bad limit is INVALID_OPTION", async () => {
    expect((await readWhole(fileOf(OL), { maxDecompressedBytes: 10 })).length).toBe(OL.length);
    expect((await failure(() => text(decompress(fileOf(bomb), { maxDecompressedBytes: -1 })))).code).toBe("INVALID_OPTION");
    expect((await failure(() => text(flattenStream(fileOf(OL), { compression: "lzma" as never })))).code).toBe("INVALID_OPTION");
  });
});

describe("byte ranges and journals of a compressed file are refused", () => {
  const path = fileOf(gzipSync(OL), ".gz");
  const refusals = {
    "flattenStream range": () => text(flattenStream(path, { column: 5, range: { start: 0, end: 1000 } })),
    "flattenFileParallel range": () => text(flattenFileParallel(path, { column: 5, workers: 2, range: { start: 0, end: 1000 } })),
    "flattenFile range": () => flattenFile(path, join(dir, "r.out"), { column: 5, range: { start: 0, end: 1000 } }),
    "flattenFile journal": () => flattenFile(path, join(dir, "j.out"), { column: 5, journal: join(dir, "j.wal") }),
    "unflattenFile journal": () => unflattenFile(path, join(dir, "u.out"), { journal: join(dir, "u.wal") }),
  };
  for (const [name, run] of Object.entries(refusals)) {
    test(name, async () => {
      const error = await failure(run);
      expect([error.code, /uncompressed file/.test(error.message), /not line positions/.test(error.message)]).toEqual(["INVALID_OPTION", true, true]);
    });
  }
});
