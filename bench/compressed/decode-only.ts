/**
 * @module bench/compressed/decode-only — Bun's own decompression alone, as jsonflat runs it (`decompress` from
 * src/core/decompress.ts: node:zlib on its thread pool), counting the decoded bytes and doing nothing with them:
 * the ceiling that flattening overlapped with decoding is compared with.
 *
 * @example
 * bun bench/compressed/decode-only.ts /tmp/jsonflat-bench-compressed/editions.txt.gz   # prints the decoded bytes
 */
import { decompress } from "../../src/core/decompress";

const path = Bun.argv[2];
if (!path) throw new Error("usage: bun bench/compressed/decode-only.ts FILE");
let bytes = 0;
for await (const chunk of decompress(path)) bytes += chunk.byteLength;
console.log(bytes);
