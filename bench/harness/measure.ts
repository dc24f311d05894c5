/**
 * @module measure — spawns a peer's command, times it from outside (wall clock) and reads its peak RSS with
 * GNU time, or runs its in-memory runner and reads the times it prints. Nothing here knows about any one tool.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "../peers";

/** Median, min and max of a sample. */
export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** One finished process: wall seconds, peak RSS in KiB (undefined without GNU time), what it printed. */
export interface Spawned {
  seconds: number;
  rssKiB?: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/**
 * Runs a command once with a time limit; its standard output goes to `outputFile` when the command asks.
 *
 * @example
 * const run = await spawnMeasured({ argv: ["jq", "-c", ".", "in.json"], stdout: true }, "out.json", scratch, 60);
 */
export async function spawnMeasured(command: Command, outputFile: string, scratch: string, timeoutSeconds: number): Promise<Spawned> {
  const timeFile = join(scratch, "peak-rss.txt");
  rmSync(timeFile, { force: true });
  const argv = GNU_TIME ? [GNU_TIME, "-f", "%M", "-o", timeFile, ...command.argv] : command.argv;
  const start = performance.now();
  const child = Bun.spawn(argv, {
    stdout: command.stdout ? Bun.file(outputFile) : "pipe",
    stderr: "pipe",
    env: { ...process.env, JSONFLAT_BENCH_TMP: scratch, ...command.env },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutSeconds * 1000);
  const [stdout, stderr] = await Promise.all([
    command.stdout ? Promise.resolve("") : new Response(child.stdout as ReadableStream).text(),
    new Response(child.stderr).text(),
  ]);
  const exitCode = await child.exited;
  const seconds = (performance.now() - start) / 1000;
  clearTimeout(timer);
  const rss = existsSync(timeFile) ? Number.parseInt(readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "", 10) : Number.NaN;
  return { seconds, rssKiB: Number.isFinite(rss) ? rss : undefined, stdout, stderr, exitCode, timedOut };
}

/** Size of a file, or 0 when it is absent. */
export function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The runner protocol's line: seconds per pass of each run, and the size of the last output. */
export function runnerReport(stdout: string): { times: number[]; outBytes: number } {
  const line = stdout.trim().split("\n").pop() ?? "";
  const parsed = JSON.parse(line) as { times: number[]; outBytes: number };
  if (!Array.isArray(parsed.times) || parsed.times.length === 0) throw new Error(`runner printed no times: ${line}`);
  return parsed;
}
