/**
 * @module table.bench — CSV out against NDJSON flatten on the same Open Library dump lines (JSON in column 5),
 * both through the library's file streams (8 MiB chunks, output consumed and freed, nothing written), measured
 * side by side in interleaved rounds so that the load of a shared machine hits both alike. Prints input MB/s
 * per variant by wall time and by this process's CPU time (user + system: on a shared machine the time this
 * process was not running does not count), medians of the rounds, and each CSV variant as a share of NDJSON.
 *
 *   node_modules/.bin/bun bench/table/table.bench.ts [--bytes 64M] [--rounds 5] [--seed 42]
 *
 * Variants: NDJSON flatten; CSV with index columns (`tags[0]`, …) given (the writer alone); CSV with
 * `join: ";"` (arrays of scalars in one cell) given; CSV with the first pass that finds the columns (reads the
 * file twice). The lines come from bench/gen/openlibrary.ts (kept in /tmp between runs).
 */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { flattenStream, tableColumns, tableStream, type TableOptions } from "../../src/index";
import { generate } from "../gen/openlibrary";

const { values } = parseArgs({ options: { bytes: { type: "string" }, rounds: { type: "string" }, seed: { type: "string" } } });
const SIZES: Record<string, number> = { K: 1 << 10, M: 1 << 20, G: 1 << 30 };
const sizeText = values.bytes ?? "64M";
const bytes = Number.parseInt(sizeText, 10) * (SIZES[sizeText.slice(-1).toUpperCase()] ?? 1);
const rounds = Number(values.rounds ?? 5);
const seed = BigInt(values.seed ?? 42);

const file = `/tmp/jsonflat-table-bench-${sizeText}-${seed}.txt`;
if (!existsSync(file)) await generate({ bytes, seed, out: file, kinds: ["editions", "works", "authors"] });
const size = statSync(file).size;

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let out = 0;
  for await (const chunk of chunks) out += chunk.byteLength;
  return out;
}

const lines = { column: 5, chunkBytes: 8 << 20 } as const;
const indexColumns = await tableColumns(file, lines);
const joinedColumns = await tableColumns(file, { ...lines, join: ";" });
const variants: [string, () => AsyncIterable<Uint8Array>][] = [
  ["NDJSON flatten", () => flattenStream(file, lines)],
  [`CSV, ${indexColumns.length} index columns given`, () => tableStream(file, { ...lines, columns: indexColumns } satisfies TableOptions)],
  [`CSV, join ";", ${joinedColumns.length} columns given`, () => tableStream(file, { ...lines, join: ";", columns: joinedColumns })],
  ["CSV, columns by a first pass", () => tableStream(file, lines)],
];

const times = variants.map(() => [] as number[]);
const cpu = variants.map(() => [] as number[]);
const outputs = variants.map(() => 0);
await drain(variants[0]![1]()); // warm the page cache and the library
for (let round = 0; round < rounds; round++) {
  for (const [i, [, run]] of variants.entries()) {
    const started = performance.now();
    const usage = process.cpuUsage();
    outputs[i] = await drain(run());
    const used = process.cpuUsage(usage);
    times[i]!.push((performance.now() - started) / 1000);
    cpu[i]!.push((used.user + used.system) / 1e6);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbs = times.map((t) => size / 1e6 / median(t));
const cpuMbs = cpu.map((t) => size / 1e6 / median(t));
console.log(`input: ${file}, ${(size / 1e6).toFixed(1)} MB of Open Library dump lines; ${rounds} interleaved rounds, median`);
for (const [i, [name]] of variants.entries()) {
  const share = (x: number[]) => (i === 0 ? "" : ` (${((x[i]! / x[0]!) * 100).toFixed(0)} %)`);
  console.log(
    `${name.padEnd(40)} wall ${mbs[i]!.toFixed(0).padStart(4)} MB/s${share(mbs).padEnd(7)}  cpu ${cpuMbs[i]!.toFixed(0).padStart(4)} MB/s${share(cpuMbs).padEnd(7)}  output ${(outputs[i]! / 1e6).toFixed(1)} MB`,
  );
}
