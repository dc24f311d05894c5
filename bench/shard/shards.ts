/**
 * @module bench/shard/shards — N shards of one file as N processes on one machine against one run: is the
 * concatenation identical, and what do the shards cost in CPU (user+sys summed over the processes) and wall
 * time? Also the price of counting the newlines before a shard (what a shard pays when an output needs line
 * numbers), per GB, and the same file through Spark local[2] against `--workers 2` when pyspark is set up.
 *
 * usage: bun bench/shard/shards.ts [FILE] [--counts 1,2,4,8] [--jobs 2] [--repeat 3] [--spark]
 * FILE defaults to /tmp/jsonflat-shard-bench/ol-1g.txt, built from /work/shared/data/openlibrary/*.txt.
 * Shards run `--jobs` at a time (default 2, this machine's cores); outputs go to a temporary folder next to FILE.
 * The one run and each shard count are measured `--repeat` times, interleaved (one round after another, so
 * load from other work on the machine falls on all of them alike); the least CPU and wall time are reported.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { lineNumberAt } from "../../src/lines/index";

const ROOT = new URL("../..", import.meta.url).pathname;
const CLI = join(ROOT, "src/cli/main.ts");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { counts: { type: "string", default: "1,2,4,8" }, jobs: { type: "string", default: "2" }, repeat: { type: "string", default: "3" }, spark: { type: "boolean", default: false } },
});
const file = positionals[0] ?? "/tmp/jsonflat-shard-bench/ol-1g.txt";
const counts = values.counts!.split(",").map(Number);
const jobs = Number(values.jobs);

function buildInput(path: string, bytes: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  mkdirSync(dirname(path), { recursive: true });
  const dir = "/work/shared/data/openlibrary";
  const sample = Buffer.concat(readdirSync(dir).filter((f) => f.endsWith(".txt")).sort().map((f) => readFileSync(join(dir, f))));
  const fd = openSync(path, "w");
  for (let written = 0; written < bytes; written += sample.length) writeSync(fd, sample);
  closeSync(fd);
}

interface Run {
  wall: number;
  cpu: number;
  hash: string;
}

/** Runs the commands `jobs` at a time; CPU is user+sys summed over them; the hash is of their outputs concatenated in order. */
async function runAll(commands: string[][], outputs: string[]): Promise<Run> {
  const t0 = performance.now();
  let cpu = 0;
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const cmd = commands[next++]!;
      const child = Bun.spawn(cmd, { stdout: "ignore", stderr: "inherit" });
      if ((await child.exited) !== 0) throw new Error(`failed: ${cmd.join(" ")}`);
      const usage = child.resourceUsage()!;
      cpu += Number(usage.cpuTime.user + usage.cpuTime.system) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, commands.length) }, worker));
  const wall = (performance.now() - t0) / 1000;
  const hash = createHash("sha256");
  for (const out of outputs) {
    for await (const chunk of Bun.file(out).stream()) hash.update(chunk);
    rmSync(out, { recursive: true, force: true });
  }
  return { wall, cpu, hash: hash.digest("hex").slice(0, 16) };
}

buildInput(file, 1 << 30);
const size = statSync(file).size;
const work = join(dirname(file), "out");
mkdirSync(work, { recursive: true });
const flags = ["flatten", "--ndjson", "--column", "5"];
console.log(`input ${file}: ${(size / 1e9).toFixed(3)} GB; shards run ${jobs} at a time; ${new Date().toISOString()}`);

const best = new Map<number, Run>(); // 0: the one run
const keep = (key: number, r: Run) => {
  const b = best.get(key);
  best.set(key, b ? { wall: Math.min(b.wall, r.wall), cpu: Math.min(b.cpu, r.cpu), hash: b.hash === r.hash ? b.hash : "DIFFERENT" } : r);
};
for (let round = 0; round < Number(values.repeat); round++) {
  keep(0, await runAll([[process.execPath, CLI, ...flags, file, "-o", join(work, "one.ndjson")]], [join(work, "one.ndjson")]));
  for (const n of counts) {
    const outs = Array.from({ length: n }, (_, i) => join(work, `part-${i}.ndjson`));
    keep(n, await runAll(outs.map((out, i) => [process.execPath, CLI, ...flags, "--shard", `${i}/${n}`, file, "-o", out]), outs));
  }
}
const one = best.get(0)!;
console.log(`one run        wall ${one.wall.toFixed(2)} s  cpu ${one.cpu.toFixed(2)} s  sha ${one.hash}  (least of ${values.repeat})`);
for (const n of counts) {
  const r = best.get(n)!;
  const same = r.hash === one.hash ? "identical" : "DIFFERENT";
  console.log(`${String(n).padStart(2)} shards      wall ${r.wall.toFixed(2)} s  cpu ${r.cpu.toFixed(2)} s (${((r.cpu / one.cpu - 1) * 100).toFixed(1)} % vs one run)  ${same}`);
}

// The fixed price of one more process: start-up over an empty file (Bun, the native library, the CLI modules).
const empty = join(work, "empty.txt");
writeFileSync(empty, "");
let startup = Infinity;
for (let round = 0; round < Number(values.repeat); round++) {
  startup = Math.min(startup, (await runAll([[process.execPath, CLI, ...flags, "--shard", "0/1", empty, "-o", join(work, "e.out")]], [join(work, "e.out")])).cpu);
}
console.log(`start-up of one process: cpu ${startup.toFixed(3)} s (least of ${values.repeat}); N shards cost about N × that more than one run`);

// What a shard pays when an output needs line numbers: the newlines before it, counted natively.
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const lines = await lineNumberAt(file, size);
const used = process.cpuUsage(cpu0);
console.log(`newline count of all ${(size / 1e9).toFixed(3)} GB (${lines - 1} lines): wall ${((performance.now() - t0) / 1000).toFixed(2)} s, cpu ${((used.user + used.system) / 1e6).toFixed(2)} s`);

if (values.spark) {
  const python = join(ROOT, ".tools/spark-venv/bin/python");
  const pooled = await runAll([[process.execPath, CLI, ...flags, "--workers", "2", file, "-o", join(work, "pooled.ndjson")]], [join(work, "pooled.ndjson")]);
  console.log(`--workers 2    wall ${pooled.wall.toFixed(2)} s  cpu ${pooled.cpu.toFixed(2)} s  ${pooled.hash === one.hash ? "identical" : "DIFFERENT"}`);
  const bin = join(work, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "jsonflat"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const sparkOut = join(work, "spark");
  const t = performance.now();
  const spark = Bun.spawnSync([python, join(ROOT, "bench/shard/spark_flatten.py"), "local[2]", file, sparkOut], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    stderr: "ignore",
  });
  if (spark.exitCode !== 0) throw new Error("spark failed");
  const wall = (performance.now() - t) / 1000;
  const parts = readdirSync(sparkOut).filter((f) => f.startsWith("part-")).sort().map((f) => join(sparkOut, f));
  const r = await runAll([], parts);
  rmSync(sparkOut, { recursive: true, force: true });
  console.log(`spark local[2] wall ${wall.toFixed(2)} s (${(wall / pooled.wall).toFixed(2)}x --workers 2), ${parts.length} partitions  ${r.hash === one.hash ? "identical" : "DIFFERENT"}`);
}
