#!/usr/bin/env bun
/**
 * @module bench/giant/split — one giant array document flattened in this thread (`flattenDocumentStream`, what
 * the CLI streams) against `flattenDocumentParallel` (`--split`) on 1 and 2 coworkers, rounds interleaved so
 * that the machine's load hits every variant alike; the structural scan alone besides. Wall time and the
 * process's CPU time (every thread) per variant, outputs discarded; the split outputs are checked byte for
 * byte against the one-thread output by length and a running hash.
 *
 * @example
 * bun bench/giant/split.ts --bytes 1G --rounds 3      # generates /tmp/jsonflat-giant-array-1G.json if missing
 */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { flattenDocumentParallel } from "../../src/coworker/split";
import { SplitPlanner } from "../../src/document/split";
import { documentCallOptions, documentOutputs } from "../../src/document/stream";
import { parseSize } from "../gen/run";
import { generateGiant } from "./generate";

const { values } = parseArgs({
  options: {
    bytes: { type: "string", default: "1G" },
    rounds: { type: "string", default: "3" },
    "range-bytes": { type: "string", default: "4M" },
    file: { type: "string" },
  },
});
const bytes = parseSize(values.bytes!);
const rangeBytes = parseSize(values["range-bytes"]!);
const path = values.file ?? `/tmp/jsonflat-giant-array-${values.bytes}.json`;
if (!existsSync(path) || statSync(path).size < bytes) generateGiant({ bytes, shape: "array", seed: 1, out: path });
const size = statSync(path).size;

interface Run {
  seconds: number;
  cpuSeconds: number;
  length: number;
  hash: bigint;
}

async function measure(chunks: () => AsyncIterable<Uint8Array>): Promise<Run> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let length = 0;
  let hash = 0n;
  for await (const chunk of chunks()) {
    length += chunk.byteLength;
    hash = (hash * 31n + BigInt(Bun.hash(chunk))) & 0xffff_ffff_ffff_ffffn;
  }
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6, length, hash };
}

/** The stream's output re-cut into 1 MiB pieces, so its hash matches the split's however each cuts its chunks. */
async function* evenly(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(1 << 20);
  let held = 0;
  for await (const chunk of source) {
    for (let at = 0; at < chunk.byteLength; ) {
      const n = Math.min(piece.length - held, chunk.byteLength - at);
      piece.set(chunk.subarray(at, at + n), held);
      held += n;
      at += n;
      if (held === piece.length) {
        yield piece;
        held = 0;
      }
    }
  }
  if (held) yield piece.subarray(0, held);
}

const { o, flags } = documentCallOptions({});
const variants: [string, () => AsyncIterable<Uint8Array>][] = [
  ["one thread (flattenDocumentStream)", () => evenly(documentOutputs(path, o, flags, null, { reuseOutput: true }))],
  ["split, 1 coworker", () => evenly(flattenDocumentParallel(path, { split: "", workers: 1, rangeBytes }))],
  ["split, 2 coworkers", () => evenly(flattenDocumentParallel(path, { split: "", workers: 2, rangeBytes }))],
];

function scanAlone(): Run {
  const cpu = process.cpuUsage();
  const start = performance.now();
  using planner = new SplitPlanner(path, [], rangeBytes);
  let ranges = 0;
  while (planner.next()) ranges++;
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6, length: ranges, hash: 0n };
}

const results = new Map<string, Run[]>();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, chunks] of variants) {
    const run = await measure(chunks);
    results.set(name, [...(results.get(name) ?? []), run]);
    console.error(`round ${round + 1}: ${name}: ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU`);
  }
  const scan = scanAlone();
  results.set("scan alone", [...(results.get("scan alone") ?? []), scan]);
}

const mb = size / 1e6;
const best = (runs: Run[], key: "seconds" | "cpuSeconds") => Math.min(...runs.map((r) => r[key]));
const base = results.get(variants[0]![0])!;
console.log(`${path}: ${mb.toFixed(0)} MB, ranges of ${rangeBytes} bytes, ${values.rounds} rounds (best of each); load ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
console.log("| variant | wall s | MB/s | CPU s (all threads) | output same as one thread |");
console.log("|---|---:|---:|---:|---|");
for (const [name, runs] of results) {
  const same = name === "scan alone" ? "" : runs.every((r) => r.length === base[0]!.length && r.hash === base[0]!.hash) ? "yes" : "NO";
  console.log(`| ${name} | ${best(runs, "seconds").toFixed(2)} | ${(mb / best(runs, "seconds")).toFixed(0)} | ${best(runs, "cpuSeconds").toFixed(2)} | ${same} |`);
}
const two = results.get(variants[2]![0])!;
console.log(
  `\nwall ratio, 2 coworkers / one thread: ${(best(base, "seconds") / best(two, "seconds")).toFixed(2)}x; ` +
    `bound on 2 idle cores (one thread's CPU / half the split's CPU): ${(best(base, "cpuSeconds") / (best(two, "cpuSeconds") / 2)).toFixed(2)}x`,
);
