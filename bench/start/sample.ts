/**
 * @module bench/start/sample — one timed run of a command (wall clock and the child's CPU time) and the median
 * of many, shared by the process-start and the worker-planning benchmarks.
 */
import { stat } from "../harness/measure";

/** One run: wall milliseconds and the child's user + system CPU milliseconds. */
export interface Sample {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs `argv` once, output discarded; throws with its standard error if it fails.
 *
 * @example
 * const { wallMs, cpuMs } = runOnce(["bun", "src/cli/main.ts", "--version"]);
 */
export function runOnce(argv: string[], env?: Record<string, string>, label = argv.join(" ")): Sample {
  const started = performance.now();
  const run = Bun.spawnSync(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  const wallMs = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`${label} failed (${run.exitCode}): ${run.stderr.toString()}`);
  const cpu = run.resourceUsage.cpuTime;
  return { wallMs, cpuMs: Number(cpu.user + cpu.system) / 1000 }; // microseconds, as bigints
}

/**
 * The median of `values`.
 *
 * @example
 * median(samples.map((s) => s.wallMs))
 */
export function median(values: number[]): number {
  return stat(values).median;
}
