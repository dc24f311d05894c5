/**
 * @module peer — what every benchmark peer is: one adapter file per tool in bench/peers/, behind this signature.
 *
 * A peer turns a job (an input file, an output file, one document or NDJSON) into the command that does it, for
 * the file → file form (what a user at a shell runs; process start included), and, where the tool has one, into
 * a runner command for the in-memory forms (the input read once, then the flatten repeated in the tool's own
 * runtime; see runners/protocol.mjs). The suite (bench/suite.ts) spawns these commands, times them and reads
 * their peak RSS; a peer never measures itself except inside its runner.
 *
 * @example
 * export const jq: Peer = {
 *   id: "jq", label: "jq -c (tostream)", language: "C",
 *   missing: () => which("jq") ? undefined : "jq is not installed (apt-get install jq)",
 *   version: () => firstLine(["jq", "--version"]),
 *   file: ({ input, ndjson }) => ({ argv: ["jq", "-c", FILTER, input], stdout: true }),
 * };
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** One flatten to do. */
export interface Job {
  /** Input file: one JSON document, or NDJSON (one document per line). */
  input: string;
  /** Where the file → file form writes its output. */
  output: string;
  ndjson: boolean;
}

/** A command to spawn; `stdout: true` sends its standard output to the job's output file. */
export interface Command {
  argv: string[];
  stdout?: boolean;
  env?: Record<string, string>;
}

/** The in-memory forms: bytes → bytes, and text → the runtime's own flattened object. */
export type MemoryForm = "bytes" | "object";

export interface Peer {
  /** Short stable id, used in results files and on the command line (`--peers`). */
  id: string;
  /** What the tables and charts call it. */
  label: string;
  /** The language the work runs in (for readers of the tables). */
  language: string;
  /** jsonflat itself: the rows the report compares from. */
  ours?: boolean;
  /** The practical ceiling (yyjson parse + write): reported beside the peers, never "the nearest peer". */
  ceiling?: boolean;
  /** Why this peer cannot run here (not installed, not built), or undefined when it can. */
  missing(): string | undefined;
  /** The tool's version, for the results header. */
  version(): string;
  /** The file → file command, or undefined when the tool cannot take this kind of input. */
  file?(job: Job): Command | undefined;
  /** The in-memory runner command for a form; it must print the runner protocol's JSON line. */
  memory?(job: Job, form: MemoryForm, runs: number, minSeconds: number): Command | undefined;
  /** Does less than a full flatten (why): shown, but never taken as "the nearest peer". */
  partial?: string;
  /** A sentence on what differs from a jsonflat flatten (output shape, arrays...), shown under the tables. */
  note?: string;
}

/*------------------------------------------------------------------------------
 * Helpers shared by the adapters
 *----------------------------------------------------------------------------*/

/** The repository root. */
export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
/** Where the benchmark builds its own programs (gitignored). */
export const BUILD = join(ROOT, "build/bench");
/** The benchmark's Python virtual environment (gitignored), made by bench/peers/setup.sh. */
export const VENV_PYTHON = join(ROOT, "bench/.venv/bin/python");
/**
 * Bun: the one running the benchmark (the project's pinned one under `bun run bench`), so that another
 * build, the musl one say, measures itself with its own library.
 */
export const BUN = process.execPath;
/** The runners' folder. */
export const RUNNERS = join(ROOT, "bench/peers/runners");

/** The absolute path of a program on PATH, or undefined. */
export function which(program: string): string | undefined {
  return Bun.which(program) ?? undefined;
}

/** The first line a command prints (stdout, else stderr), or "unknown". */
export function firstLine(argv: string[]): string {
  try {
    const done = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
    const text = `${done.stdout.toString()}\n${done.stderr.toString()}`.trim();
    return text.split("\n")[0]?.trim() || "unknown";
  } catch {
    return "unknown";
  }
}

/** A runner command line (protocol.mjs / protocol.py) for the in-memory forms. */
export function runnerArgs(job: Job, form: MemoryForm, runs: number, minSeconds: number): string[] {
  return [...(job.ndjson ? ["--ndjson"] : []), "--form", form, "--runs", String(runs), "--min-seconds", String(minSeconds), job.input];
}

/** "missing" for a file the benchmark builds or installs. */
export function needs(path: string, how: string): string | undefined {
  return existsSync(path) ? undefined : `${path.replace(`${ROOT}/`, "")} is missing (${how})`;
}
