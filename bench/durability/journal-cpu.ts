#!/usr/bin/env bun
/**
 * @module journal-cpu — the journal's own cost, in one process: `flattenFile` of generated Open Library lines to
 * a file, with and without `journal`, alternating, ROUNDS times each; wall and CPU time (user + system of the
 * whole process, workers included) per run, medians and minimums. Put OUT_DIR on a tmpfs (default /dev/shm) to
 * leave the disk out: what remains is the journal's work (CRC-32C of every output byte, records, fdatasync calls
 * that return at once).
 *
 *   bun bench/durability/journal-cpu.ts [SIZE=256M] [ROUNDS=7] [WORKERS=1]
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { flattenFile } from "../../src/durable/jobs";

const [size = "256M", rounds = "7", workers = "1"] = process.argv.slice(2);
const dir = process.env.OUT_DIR ?? "/dev/shm/jsonflat-journal-cpu";
mkdirSync(dir, { recursive: true });
const input = join(dir, "input.txt");
const output = join(dir, "out.ndjson");
const journal = join(dir, "out.wal");
const gen = Bun.spawnSync([process.execPath, new URL("../gen/openlibrary.ts", import.meta.url).pathname, "--bytes", size, "--seed", "42", "--out", input]);
if (gen.exitCode !== 0) throw new Error(gen.stderr.toString());
const bytes = Bun.file(input).size;

async function once(journaled: boolean): Promise<{ wall: number; cpu: number }> {
  rmSync(output, { force: true });
  rmSync(journal, { recursive: true, force: true });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await flattenFile(input, output, { column: 5, workers: Number(workers), journal: journaled ? journal : undefined });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const results = { plain: { wall: [] as number[], cpu: [] as number[] }, journal: { wall: [] as number[], cpu: [] as number[] } };
await once(false); // warm up: page cache, native library, workers' code
for (let r = 0; r < Number(rounds); r++) {
  for (const kind of r % 2 ? (["journal", "plain"] as const) : (["plain", "journal"] as const)) {
    const m = await once(kind === "journal");
    results[kind].wall.push(m.wall);
    results[kind].cpu.push(m.cpu);
  }
}
rmSync(dir, { recursive: true, force: true });
const line = (kind: "plain" | "journal") => {
  const { wall, cpu } = results[kind];
  return `| ${kind} | ${median(wall).toFixed(3)} (${(bytes / 1e6 / median(wall)).toFixed(0)} MB/s) | ${Math.min(...wall).toFixed(3)} | ${median(cpu).toFixed(3)} | ${Math.min(...cpu).toFixed(3)} |`;
};
const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)} %`;
console.log(`${(bytes / 1e6).toFixed(0)} MB, ${workers} worker(s), ${rounds} rounds each, output in ${dir}, load ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
console.log("| run | wall s median | wall s min | CPU s median | CPU s min |\n|---|---:|---:|---:|---:|");
console.log(line("plain"));
console.log(line("journal"));
console.log(
  `journal vs plain: wall ${pct(median(results.journal.wall), median(results.plain.wall))} (median), ${pct(Math.min(...results.journal.wall), Math.min(...results.plain.wall))} (min); ` +
    `CPU ${pct(median(results.journal.cpu), median(results.plain.cpu))} (median), ${pct(Math.min(...results.journal.cpu), Math.min(...results.plain.cpu))} (min)`,
);
