#!/usr/bin/env bun
/**
 * @module bench/giant/run — one giant JSON document through `jsonflat flatten` (streamed), against the
 * in-memory `flattenBytes` on the same records cut into 16 MiB array documents, and `jq --stream` on a small
 * one: throughput and peak RSS (`/usr/bin/time -v`), output to /dev/null so the disk does not decide.
 *
 * @example
 * bun bench/giant/run.ts --bytes 1G --shape array        # generates /tmp/jsonflat-giant-array-1G.json if missing
 * bun bench/giant/run.ts --bytes 10G --shape array --keep
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { flattenBytes } from "../../src/index";
import { parseSize } from "../gen/run";
import { generateGiant, piecesOf } from "./generate";

const { values } = parseArgs({
  options: {
    bytes: { type: "string", default: "1G" },
    shape: { type: "string", default: "array" },
    "baseline-bytes": { type: "string", default: "1G" },
    "jq-bytes": { type: "string", default: "20M" },
    "chunk-bytes": { type: "string" },
    workers: { type: "string" },
    keep: { type: "boolean" },
  },
});
const shape = values.shape === "deep" ? "deep" : "array";
const bytes = parseSize(values.bytes!);
const seed = 1;
const root = new URL("../..", import.meta.url).pathname;
const bun = process.execPath;

function file(size: string, kind: string): string {
  return `/tmp/jsonflat-giant-${kind}-${size}.json`;
}

function ensure(path: string, n: number, kind: "array" | "deep"): number {
  if (!existsSync(path) || statSync(path).size < n) generateGiant({ bytes: n, shape: kind, seed, out: path });
  return statSync(path).size;
}

/** Runs `argv` under /usr/bin/time -v: wall seconds and peak RSS in MiB. */
function timed(argv: string[]): { seconds: number; rssMiB: number; status: number; stderr: string } {
  const report = `/tmp/jsonflat-giant-time-${process.pid}.txt`;
  const start = performance.now();
  // The report goes to a file: read from a pipe, it came back cut short.
  const p = Bun.spawnSync(["/usr/bin/time", "-o", report, "-v", ...argv], { stdout: "inherit", stderr: "inherit" });
  const seconds = (performance.now() - start) / 1000;
  const stderr = readFileSync(report, "utf8");
  rmSync(report, { force: true });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, status: p.exitCode ?? -1, stderr };
}

/** flattenBytes over the same records in 16 MiB array documents: MB/s of input, native time only. */
function baseline(total: number): number {
  let ns = 0;
  let done = 0;
  for (const piece of piecesOf(seed, 16 << 20, total)) {
    const t = Bun.nanoseconds();
    flattenBytes(piece).dispose();
    ns += Bun.nanoseconds() - t;
    done += piece.length;
  }
  return done / 1e6 / (ns / 1e9);
}

const path = file(values.bytes!, shape);
const size = ensure(path, bytes, shape);
const mb = (n: number) => (n / 1e6).toFixed(0);
const rows: string[] = [];

const inMemory = baseline(Math.min(size, parseSize(values["baseline-bytes"]!)));
rows.push(`| flattenBytes, same records in 16 MiB array documents (first ${values["baseline-bytes"]}) | ${inMemory.toFixed(0)} | | |`);

const cli = [bun, `${root}src/cli/main.ts`, "flatten", path, "-o", "/dev/null"];
if (values["chunk-bytes"]) cli.push("--chunk-bytes", values["chunk-bytes"]);
const streamed = timed(cli);
if (streamed.status !== 0) throw new Error(`jsonflat failed: ${streamed.stderr}`);
const streamedRate = size / 1e6 / streamed.seconds;
rows.push(`| jsonflat flatten ${values.bytes} ${shape} document, streamed (CLI, whole process) | ${streamedRate.toFixed(0)} | ${streamed.rssMiB.toFixed(0)} | ${((100 * streamedRate) / inMemory).toFixed(0)} % |`);

if (shape === "array") {
  const small = parseSize(values["jq-bytes"]!);
  const jqPath = file(values["jq-bytes"]!, shape);
  const jqSize = ensure(jqPath, small, shape);
  const jq = timed(["jq", "-c", "--stream", "select(length==2)", jqPath]);
  const ours = timed([bun, `${root}src/cli/main.ts`, "flatten", "--stream", jqPath, "-o", "/dev/null"]);
  rows.push(`| jq -c --stream 'select(length==2)', ${mb(jqSize)} MB | ${(jqSize / 1e6 / jq.seconds).toFixed(1)} | ${jq.rssMiB.toFixed(0)} | |`);
  rows.push(`| jsonflat flatten --stream, same ${mb(jqSize)} MB | ${(jqSize / 1e6 / ours.seconds).toFixed(0)} | ${ours.rssMiB.toFixed(0)} | |`);
}

console.log(`\n${path}: ${size} bytes\n`);
console.log("| run | MB/s | peak RSS MiB | of in-memory |\n|---|---:|---:|---:|");
for (const row of rows) console.log(row);
if (!values.keep) rmSync(path, { force: true });
