/**
 * @module bench/objects/where — where the time of `flatten(text)` → object goes on one large document, next to the
 * hand-written flattener's parts and to other ways of building the same object from native output (entries, one
 * array of alternating keys and values, separate key and value arrays, keys already atomized). Each line is the
 * median of `--runs` calls after a full GC, wall and CPU milliseconds.
 *
 * @example
 * bun bench/gen/big-document.ts --bytes 10M --seed 1 --out /tmp/big-10M.json
 * nice -n 10 bun bench/objects/where.ts /tmp/big-10M.json --runs 5
 */
import { parseArgs } from "node:util";
import { flatten, flattenBytes } from "../../src/index";
import { flattenToObject } from "../peers/runners/hand";
import { stat } from "../harness/measure";

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string", default: "5" } } });
const file = positionals[0];
if (!file) throw new Error("usage: bun bench/objects/where.ts FILE [--runs N]");
const runs = Number(args.runs);
const bytes = new Uint8Array(await Bun.file(file).arrayBuffer());
const text = new TextDecoder().decode(bytes);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(name: string, fn: () => unknown): void {
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    Bun.gc(true);
    const w0 = performance.now(), c0 = cpuMs();
    fn();
    wall.push(performance.now() - w0);
    cpu.push(cpuMs() - c0);
  }
  console.log(`| ${name} | ${stat(wall).median.toFixed(0)} | ${stat(cpu).median.toFixed(0)} |`);
}

const out = flattenBytes(bytes);
const objectText = new TextDecoder().decode(out);
const entriesText = new TextDecoder().decode(flattenBytes(bytes, { format: "entries" }));
const entries = JSON.parse(entriesText) as [string, unknown][];
const alternating = JSON.stringify(entries.flat());
const keysText = JSON.stringify(entries.map(([k]) => k));
const valuesText = JSON.stringify(entries.map(([, v]) => v));
const parsed = JSON.parse(text);
const atomizedKeys = JSON.parse(keysText) as string[];
const values = JSON.parse(valuesText) as unknown[];
for (let i = 0; i < atomizedKeys.length; i++) ({})[atomizedKeys[i]!]; // property lookups atomize the keys in place

console.log(`${file}: ${bytes.byteLength} bytes in, ${out.byteLength} bytes of flattened text, ${out.leaves} leaves; Bun ${Bun.version}`);
console.log("| step | wall ms | CPU ms |\n|---|---:|---:|");
time("jsonflat flatten(text), all", () => flatten(text));
time("… native flatten (flattenBytes)", () => flattenBytes(bytes).dispose());
time("… decode the output (TextDecoder)", () => new TextDecoder().decode(out));
time("… JSON.parse of the output", () => JSON.parse(objectText));
time("hand-written, all", () => flattenToObject(JSON.parse(text)));
time("… JSON.parse(text)", () => JSON.parse(text));
time("… walk (paths, object)", () => flattenToObject(parsed));
time("entries text: JSON.parse", () => JSON.parse(entriesText));
time("entries text: JSON.parse, then an object by assignment", () => {
  const o: Record<string, unknown> = {};
  for (const [k, v] of JSON.parse(entriesText) as [string, unknown][]) o[k] = v;
  return o;
});
time("alternating keys and values: JSON.parse", () => JSON.parse(alternating));
time("alternating: JSON.parse, then an object", () => {
  const a = JSON.parse(alternating) as unknown[];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < a.length; i += 2) o[a[i] as string] = a[i + 1];
  return o;
});
time("keys and values arrays: JSON.parse of both", () => [JSON.parse(keysText), JSON.parse(valuesText)]);
time("keys and values arrays: JSON.parse, then an object", () => {
  const k = JSON.parse(keysText) as string[], v = JSON.parse(valuesText) as unknown[];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < k.length; i++) o[k[i]!] = v[i];
  return o;
});
time("an object from keys already atomized (assignment only)", () => {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < atomizedKeys.length; i++) o[atomizedKeys[i]!] = values[i];
  return o;
});
out.dispose();
