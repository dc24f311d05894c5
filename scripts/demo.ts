/**
 * @module demo — the README's first command: flatten a bundled sample and show what came out.
 */
import { flattenBytes, flatten } from "../src/index";
import { native } from "../src/native";

const file = new URL("../../shared/data/bench/citm_catalog.json", import.meta.url);
const input = await Bun.file(file).bytes();

flattenBytes(input).dispose(); // load the library and warm the allocator; the demo reports a warm call
const start = performance.now();
const out = flattenBytes(input);
const ms = performance.now() - start;

const grouped = flatten(input, { mode: "grouped" });
const firstLines = new TextDecoder()
  .decode(out.subarray(0, 4096))
  .split(/,(?=")/)
  .slice(0, 8);

console.log(`jsonflat ${native().version()} (native library: ${native().path})`);
console.log(`input   ${file.pathname}: ${(input.byteLength / 1e6).toFixed(2)} MB`);
console.log(`output  ${out.leaves.toLocaleString()} leaves, ${(out.byteLength / 1e6).toFixed(2)} MB of flattened JSON`);
console.log(`time    ${ms.toFixed(2)} ms (${(input.byteLength / 1e6 / (ms / 1000)).toFixed(0)} MB/s, warm call)`);
console.log(`groups  ${Object.keys(grouped).length.toLocaleString()} grouped paths`);
console.log("first leaves:");
for (const line of firstLines) console.log(`  ${line.replace(/^\{/, "")}`);
out.dispose();
