/**
 * @module doc-stream.test — one document streamed (flattenDocumentStream, native jf_doc_stream) gives byte for
 * byte what flattenBytes gives for the whole document, and the same error (code, message, offset, line,
 * column), whatever the chunk sizes: corpus files under every option, JSONTestSuite, generated documents cut
 * at every chunk size from 1 to 64 bytes, truncation at every byte, nesting at the limit and beyond.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonFlatError, flattenBytes, searchDocumentStream } from "../src";
import { documentCallOptions, flattenDocumentReadable, flattenDocumentStream, type DocumentStreamOptions } from "../src/document/stream";
import { native } from "../src/native";
import { EMULATED } from "./fixtures/child-bun";
import { errorFields, whole, type Outcome } from "./fixtures/outcomes";
import { checkProperty } from "./fixtures/property";

const DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const SUITE = join(DATA, "JSONTestSuite/test_parsing");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cuts `bytes` into pieces of `sizes` in turn (cycling), as a stream of chunks would arrive. */
async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.slice(at, at + n);
    at += n;
  }
}

async function streamed(bytes: Uint8Array, options: DocumentStreamOptions, sizes: number[]): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  try {
    for await (const out of flattenDocumentStream(pieces(bytes, sizes), { ...options, chunkBytes: Math.max(...sizes) })) parts.push(out);
    return { ok: true, text: decoder.decode(Buffer.concat(parts)) };
  } catch (error) {
    return { ok: false, error: errorFields(error) };
  }
}

/** The same through the native stream directly, synchronously (for fast-check's synchronous properties). */
function streamedNow(bytes: Uint8Array, options: DocumentStreamOptions, sizes: number[]): Outcome {
  const { o, flags } = documentCallOptions(options);
  const n = native();
  const stream = n.docStreamNew(o, null, Math.max(...sizes), flags);
  const parts: Uint8Array[] = [];
  try {
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length]!;
      parts.push(n.docStreamFeed(stream, bytes.subarray(at, at + size)).bytes);
      at += size;
    }
    parts.push(n.docStreamFinish(stream).bytes);
    return { ok: true, text: decoder.decode(Buffer.concat(parts)) };
  } catch (error) {
    return { ok: false, error: errorFields(error) };
  } finally {
    n.docStreamFree(stream);
  }
}

function expectSameNow(bytes: Uint8Array, options: DocumentStreamOptions, sizes: number[]): void {
  expect({ sizes, options, text: decoder.decode(bytes), outcome: streamedNow(bytes, options, sizes) }).toEqual({
    sizes,
    options,
    text: decoder.decode(bytes),
    outcome: whole(bytes, options),
  });
}

async function expectSame(bytes: Uint8Array, options: DocumentStreamOptions, sizes: number[]): Promise<void> {
  const got = await streamed(bytes, options, sizes);
  const want = whole(bytes, options);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    expect({ sizes, options, input: decoder.decode(bytes.slice(0, 300)), got }).toEqual({ sizes, options, input: decoder.decode(bytes.slice(0, 300)), got: want });
  }
}

const OPTION_SETS: DocumentStreamOptions[] = [
  {},
  { style: "pointer" },
  { style: "flat", delimiter: "::" },
  { format: "entries" },
  { mode: "grouped" },
  { mode: "grouped", format: "entries", style: "pointer" },
  { mode: "schema" },
  { maxDepth: 2 },
  { arrays: "leaf" },
  { replaceInvalidUtf8: true },
  { bigint: "string", format: "entries" },
  { maxNesting: 3 },
];

describe("doc stream: corpus files, byte-identical to flattenBytes", () => {
  for (const file of ["twitter.json", "citm_catalog.json", "canada.json"]) {
    const bytes = new Uint8Array(readFileSync(join(DATA, "bench", file)));
    for (const options of OPTION_SETS) {
      test(`${file} ${JSON.stringify(options)}`, async () => {
        await expectSame(bytes, options, [1 << 20]);
        await expectSame(bytes, options, [4093, 17, 65536]);
      });
    }
    test(`${file} in 251-byte chunks (the scanner descends into every container over 251 bytes)`, async () => {
      await expectSame(bytes, {}, [251]);
      await expectSame(bytes, { mode: "schema" }, [251]);
    });
  }
});

describe("doc stream: JSONTestSuite, same output or same error", () => {
  const files = readdirSync(SUITE).filter((f) => f.endsWith(".json")).sort();
  test(`${files.length} files at chunk sizes 1, 2, 7, 64 and whole`, async () => {
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(join(SUITE, file)));
      for (const sizes of [[1], [2], [7], [64], [Math.max(bytes.length, 1)]]) {
        await expectSame(bytes, {}, sizes);
        await expectSame(bytes, { replaceInvalidUtf8: true }, sizes);
      }
    }
  });
});

const SAMPLE = encoder.encode(
  '\uFEFF{"name":"caf\u00e9 \\u00e9\\ud83d\\ude00 \u4e2d",\n "n":[1,-2.5e3,12345678901234567890,0,true,false,null],\n' +
    '  "nested":{"a":{"b":[{"c":"d\\n"},[],{}]},"empty":{},"list":[[1,2],[3,[4,[5]]]]},\r\n "k e\\"y":"v"}  \n',
);

describe("doc stream: cuts and truncation", () => {
  test("a document cut at every chunk size from 1 to 64", async () => {
    for (let size = 1; size <= 64; size++) {
      await expectSame(SAMPLE, {}, [size]);
      await expectSame(SAMPLE, { style: "pointer", format: "entries" }, [size]);
    }
  });

  test("truncated at every byte: the error flattenBytes gives, never a success", async () => {
    for (let end = 0; end < SAMPLE.length - 3; end++) {
      const cut = SAMPLE.slice(0, end);
      await expectSame(cut, {}, [1]);
      await expectSame(cut, {}, [5]);
      const got = await streamed(cut, {}, [5]);
      expect(got.ok).toBe(false);
    }
  });
});

describe("doc stream: nesting", () => {
  const nested = (depth: number) => encoder.encode("[".repeat(depth) + "1" + "]".repeat(depth));
  for (const sizes of [[1], [64], [1 << 20]]) {
    test(`at the default limit and one beyond, chunks of ${sizes[0]}`, async () => {
      await expectSame(nested(10_000), {}, sizes);
      await expectSame(nested(10_001), {}, sizes);
      expect((await streamed(nested(10_001), {}, sizes)).ok).toBe(false);
    });
  }
  test.skipIf(EMULATED)("10^6 levels in 64 KiB chunks: linear, whether refused at the default limit or read under a raised one", () => {
    const deep = nested(1_000_000);
    const deepObjects = encoder.encode(`{"a":${'{"a":'.repeat(200_000)}1${"}".repeat(200_000)}}`);
    expectSameNow(deep, {}, [65536]);
    expectSameNow(deep, { maxNesting: 1_000_000 }, [65536]);
    expectSameNow(deepObjects, { maxNesting: 300_000 }, [65536]);
    expectSameNow(deepObjects, { maxDepth: 1, maxNesting: 300_000 }, [65536]);
  });

  test("maxNesting 5 at 5 and 6 levels, in every mode", async () => {
    for (const mode of ["leaf", "grouped", "schema"] as const) {
      for (const sizes of [[1], [3], [100]]) {
        await expectSame(nested(5), { maxNesting: 5, mode }, sizes);
        await expectSame(nested(6), { maxNesting: 5, mode }, sizes);
        await expectSame(encoder.encode('{"a":[[{"b":[[]]}]]}'), { maxNesting: 5, mode }, sizes);
      }
    }
  });
});

describe("doc stream: generated documents (properties)", () => {
  const options = fc.constantFrom<DocumentStreamOptions>(...OPTION_SETS);
  const spaced = fc.tuple(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(0, 1, 2)).map(([value, indent]) => JSON.stringify(value, null, indent));
  test("any chunk size 1..64 gives flattenBytes' bytes", () => {
    checkProperty(
      fc.property(spaced, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), options, (text, sizes, o) => {
        expectSameNow(encoder.encode(text), o, sizes);
      }),
      { numRuns: 300 },
    );
  });
  test("damaged documents give flattenBytes' error", () => {
    checkProperty(
      fc.property(
        spaced,
        fc.nat(),
        fc.constantFrom("", "x", ",", "]", "}", "\"", ":", "\\", "\u0001", "\ud800"),
        fc.integer({ min: 1, max: 64 }),
        (text, at, insert, size) => {
          const cut = at % (text.length + 1);
          expectSameNow(encoder.encode(text.slice(0, cut) + insert + text.slice(cut + (insert ? 0 : 1))), {}, [size]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("doc stream: sources and the ReadableStream face", () => {
  test("a path, a BunFile, a Uint8Array and a ReadableStream give the same bytes", async () => {
    const path = join(DATA, "bench", "citm_catalog.json");
    const want = decoder.decode(flattenBytes(readFileSync(path)));
    const collect = async (it: AsyncIterable<Uint8Array>) => {
      const parts: Uint8Array[] = [];
      for await (const p of it) parts.push(p);
      return decoder.decode(Buffer.concat(parts));
    };
    expect(await collect(flattenDocumentStream(path, { chunkBytes: 65536 }))).toBe(want);
    expect(await collect(flattenDocumentStream(Bun.file(path), { chunkBytes: 65536 }))).toBe(want);
    expect(await collect(flattenDocumentStream(new Uint8Array(readFileSync(path)), { chunkBytes: 65536 }))).toBe(want);
    expect(await new Response(flattenDocumentReadable(Bun.file(path).stream(), { chunkBytes: 65536 })).text()).toBe(want);
  });

  test("an invalid document errors the ReadableStream with its position", async () => {
    const readable = flattenDocumentReadable(encoder.encode('[1,2,\n{"a":x}]'), { chunkBytes: 4 });
    const error = await new Response(readable).text().then(
      () => undefined,
      (e) => e,
    );
    expect(errorFields(error)).toEqual(whole(encoder.encode('[1,2,\n{"a":x}]'), {}).ok ? {} : (whole(encoder.encode('[1,2,\n{"a":x}]'), {}) as { error: Record<string, unknown> }).error);
  });

  test("a missing file is an IO error; bad chunkBytes is INVALID_OPTION", async () => {
    await expect(flattenDocumentStream("/nonexistent/x.json").next()).rejects.toMatchObject({ code: "IO" });
    await expect(flattenDocumentStream(encoder.encode("1"), { chunkBytes: 0 }).next()).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });

  test("no native memory is left behind, early exits included", async () => {
    const before = native().allocStats().liveBlocks;
    for (let i = 0; i < 20; i++) {
      for await (const _ of flattenDocumentStream(SAMPLE, { chunkBytes: 7 })) break;
      await streamed(encoder.encode("[1,{"), {}, [2]);
      await streamed(SAMPLE, { mode: "grouped" }, [9]);
    }
    Bun.gc(true);
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(before);
  });
});

test("a JSONPath query reads the whole document: a document stream refuses it with INVALID_OPTION", async () => {
  const run = async () => {
    for await (const _ of searchDocumentStream(new TextEncoder().encode(`{"a":[1,2]}`), { jsonpath: "$.a[0]" })) void _;
  };
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(JsonFlatError);
  expect((error as JsonFlatError).code).toBe("INVALID_OPTION");
  expect((error as JsonFlatError).message).toContain("JSONPath");
});
