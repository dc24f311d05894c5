/**
 * @module bench/start/workers — when workers repay their start: `jsonflat flatten --ndjson --column 5` file → file
 * with 1 and 2 workers on generated Open Library lines of several sizes (bench/gen/openlibrary.ts, seed 42).
 * Rounds are interleaved (each command once per round), medians of wall time and of CPU time (user + system).
 *
 *   bun bench/start/workers.ts [--sizes 1M,8M,30M,100M,200M] [--runs 5] [--before DIR]
 *
 * --before DIR   also time DIR/src/cli/main.ts (an older checkout, zig-out and node_modules linked in)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median, runOnce, type Sample } from "./sample";

const ROOT = resolve(import.meta.dir, "..", "..");
const BUN = process.execPath;
const CLI = join(ROOT, "src", "cli", "main.ts");

function generate(size: string, file: string): void {
  const gen = Bun.spawnSync([BUN, join(ROOT, "bench", "gen", "openlibrary.ts"), "--bytes", size, "--seed", "42", "--out", file], { stdout: "ignore", stderr: "pipe" });
  if (gen.exitCode !== 0) throw new Error(`generating ${size} failed: ${gen.stderr.toString()}`);
}

function main(): void {
  const { values } = parseArgs({
    options: { sizes: { type: "string", default: "1M,8M,30M,100M,200M" }, runs: { type: "string", default: "5" }, before: { type: "string" } },
  });
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number ≥ 1, got ${values.runs}`);
  const clis: [string, string][] = [["", CLI]];
  if (values.before) clis.unshift([" (before)", join(resolve(values.before), "src", "cli", "main.ts")]);
  const scratch = mkdtempSync(join(tmpdir(), "jsonflat-workers-"));
  try {
    console.log(`${runs} interleaved rounds per size; load average at start ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${navigator.hardwareConcurrency} cores\n`);
    console.log("| input | CLI | 1 thread: wall ms (CPU ms) | 2 workers: wall ms (CPU ms) | 1 thread / 2 workers (wall) |");
    console.log("|---|---|---:|---:|---:|");
    for (const size of values.sizes!.split(",")) {
      const input = join(scratch, `ol-${size}.txt`);
      const output = join(scratch, "out.ndjson");
      generate(size, input);
      const commands = clis.flatMap(([, cli]) =>
        [1, 2].map((workers) => [BUN, cli, "flatten", "--ndjson", "--column", "5", "--workers", String(workers), "-o", output, input]),
      );
      commands.forEach((argv) => runOnce(argv)); // page cache and Bun's caches warm
      const samples = commands.map(() => [] as Sample[]);
      for (let round = 0; round < runs; round++) commands.forEach((argv, i) => samples[i]!.push(runOnce(argv)));
      const mb = Bun.file(input).size / 1e6;
      clis.forEach(([label], c) => {
        const [one, two] = [samples[2 * c]!, samples[2 * c + 1]!];
        const cell = (s: Sample[]) => `${median(s.map((x) => x.wallMs)).toFixed(0)} (${median(s.map((x) => x.cpuMs)).toFixed(0)})`;
        const ratio = median(one.map((x) => x.wallMs)) / median(two.map((x) => x.wallMs));
        console.log(`| ${size} (${mb.toFixed(0)} MB) | jsonflat${label} | ${cell(one)} | ${cell(two)} | ${ratio.toFixed(2)}× |`);
      });
      rmSync(input, { force: true });
      rmSync(output, { force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
