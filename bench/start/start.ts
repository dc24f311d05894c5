/**
 * @module bench/start — process start, the whole of a small run: `jsonflat flatten` of a 64 B file end to end
 * beside the Go encoding/json peer (build/bench/goflat, from bench/peers/setup.sh), Bun running an empty file
 * (the floor no Bun program goes below) and `jsonflat --version`. Rounds are interleaved (one run of each
 * command per round) so that a busy machine slows every command alike; medians of wall time and of CPU time
 * (user + system, from the child's rusage: what the process itself spent, less sensitive to other load).
 *
 *   bun bench/start/start.ts [--runs 40] [--before DIR] [--bytecode]
 *
 * --before DIR   also time DIR/src/cli/main.ts (an older checkout, e.g. `git archive REV | tar -x -C DIR`,
 *                with zig-out and node_modules linked in) for a before/after table from one run
 * --bytecode     also time a `bun build --bytecode` bundle of the CLI (JSONFLAT_LIB pointing at zig-out): what
 *                a bytecode-compiled bin would start in (the package's bin stays the TypeScript source: see
 *                docs/decisions.md, "Start time and worker planning")
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median, runOnce, type Sample } from "./sample";
import { DOC64 } from "../harness/workloads";

const ROOT = resolve(import.meta.dir, "..", "..");
const BUN = process.execPath;
const CLI = join(ROOT, "src", "cli", "main.ts");
const GO = join(ROOT, "build", "bench", "goflat");
const LIB = join(ROOT, "zig-out", "lib", process.platform === "darwin" ? "libjsonflat.dylib" : "libjsonflat.so");

interface Command {
  label: string;
  argv: string[];
  env?: Record<string, string>;
}

/** A bytecode bundle of the CLI in `dir`, or why there is none. */
function bytecodeBundle(dir: string): string {
  const build = Bun.spawnSync([BUN, "build", "--target=bun", "--bytecode", "--minify", "--outdir", dir, CLI], { stderr: "pipe", stdout: "pipe" });
  if (build.exitCode !== 0) throw new Error(`bun build --bytecode failed: ${build.stderr.toString()}`);
  return join(dir, "main.js");
}

function commands(scratch: string, values: { before?: string; bytecode?: boolean }): Command[] {
  const tiny = join(scratch, "tiny-64B.json");
  const empty = join(scratch, "empty.js");
  writeFileSync(tiny, DOC64);
  writeFileSync(empty, "");
  const out = join(scratch, "out.json");
  const flatten = ["flatten", "--style", "flat", "-o", out, tiny];
  const list: Command[] = [];
  if (Bun.file(GO).size > 0) list.push({ label: "Go encoding/json (goflat), 64 B file → file", argv: [GO, tiny, out] });
  else console.error(`no ${GO}: run bash bench/peers/setup.sh for the Go row`);
  list.push({ label: "bun empty.js (Bun's own start)", argv: [BUN, empty] });
  if (values.before) {
    const before = join(resolve(values.before), "src", "cli", "main.ts");
    list.push({ label: "jsonflat --version (before)", argv: [BUN, before, "--version"] });
    list.push({ label: "jsonflat flatten 64 B (before)", argv: [BUN, before, ...flatten] });
  }
  list.push({ label: "jsonflat --version", argv: [BUN, CLI, "--version"] });
  list.push({ label: "jsonflat flatten 64 B", argv: [BUN, CLI, ...flatten] });
  if (values.bytecode) {
    const bundle = bytecodeBundle(join(scratch, "bytecode"));
    list.push({ label: "jsonflat flatten 64 B (bytecode bundle)", argv: [BUN, bundle, ...flatten], env: { JSONFLAT_LIB: LIB } });
  }
  return list;
}

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "40" }, before: { type: "string" }, bytecode: { type: "boolean" } },
  });
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number ≥ 1, got ${values.runs}`);
  const scratch = mkdtempSync(join(tmpdir(), "jsonflat-start-"));
  try {
    const list = commands(scratch, values);
    for (const command of list) runOnce(command.argv, command.env, command.label); // warm the page cache and Bun's own caches
    const samples = list.map(() => [] as Sample[]);
    for (let round = 0; round < runs; round++) list.forEach((command, i) => samples[i]!.push(runOnce(command.argv, command.env, command.label)));
    const load = loadavg();
    console.log(`${runs} interleaved rounds; load average ${load.map((l) => l.toFixed(1)).join(" ")} on ${navigator.hardwareConcurrency} cores; Bun ${Bun.version}\n`);
    console.log("| command | median wall (ms) | median CPU user+sys (ms) |");
    console.log("|---|---:|---:|");
    list.forEach((command, i) => {
      const s = samples[i]!;
      console.log(`| ${command.label} | ${median(s.map((x) => x.wallMs)).toFixed(1)} | ${median(s.map((x) => x.cpuMs)).toFixed(1)} |`);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
