/**
 * @module bench/compressed/decode-only — Bun's own decompression alone, as jsonflat's decoding thread runs it
 * (`decompressHere` from src/core/decompress.ts: node:zlib or zstd in this thread, no thread start and no batch
 * copy), counting the decoded bytes and doing nothing with them: the ceiling that flattening overlapped with
 * decoding is compared with.
 *
 * @example
 * bun bench/compressed/decode-only.ts /tmp/jsonflat-bench-compressed/editions.txt.gz   # prints the decoded bytes
 */
import { decompressHere } from "../../src/core/decompress";

const path = Bun.argv[2];
if (!path) throw new Error("usage: bun bench/compressed/decode-only.ts FILE");
let bytes = 0;
for await (const chunk of decompressHere(path)) bytes += chunk.byteLength;
console.log(bytes);
