/**
 * @module shard-engines.test — jsonflat as a plain command under the engines people shard with: GNU parallel
 * (`--pipepart` blocks, and `--shard {}/N` jobs through `-S :`), Apache Spark in local mode (`RDD.pipe`, then
 * `spark.read.json`), and the command lines of the Kubernetes Indexed Job and AWS Batch array job examples in
 * docs/examples (read out of the files, run with their index variable set). Each output must equal one run.
 * Needs `bash scripts/setup-engines.sh` (a stage of scripts/test.sh); skipped under emulation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, EMULATED } from "./fixtures/child-bun";
import { serveRanges } from "./fixtures/range-server";

const ROOT = new URL("..", import.meta.url).pathname;
const OL = "/work/shared/data/openlibrary";
const SPARK_PYTHON = join(ROOT, ".tools/spark-venv/bin/python");
const dir = mkdtempSync(join(tmpdir(), "jsonflat-engines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A `jsonflat` on PATH, as `bun add -g jsonflat` gives: this checkout's CLI run by this Bun. */
const BIN = join(dir, "bin");
const PATH = `${BIN}:${process.env.PATH}`;
/** Open Library lines (column 5), about 1.6 MB. */
const INPUT = join(dir, "ol.txt");
/** The same with two bad lines, for error records numbered as in the whole file. */
const WITH_ERRORS = join(dir, "ol-errors.txt");

beforeAll(() => {
  mkdirSync(BIN);
  // Spark's pipe starts the command in a worker's environment: the library path a musl Bun needs goes with it.
  const libraryPath = process.env.LD_LIBRARY_PATH ? `export LD_LIBRARY_PATH="${process.env.LD_LIBRARY_PATH}"\n` : "";
  writeFileSync(join(BIN, "jsonflat"), `#!/bin/sh\n${libraryPath}exec "${BUN}" "${join(ROOT, "src/cli/main.ts")}" "$@"\n`);
  chmodSync(join(BIN, "jsonflat"), 0o755);
  const text = ["authors-tail-n1000.txt", "editions-head-n1000.txt", "works-head-n1000.txt"].map((f) => readFileSync(join(OL, f), "utf8")).join("");
  writeFileSync(INPUT, text);
  const lines = text.split("\n");
  lines.splice(1200, 0, "/type/x\t/k/1\t1\t2020\t{bad");
  lines.splice(2500, 0, "only\ttwo");
  writeFileSync(WITH_ERRORS, lines.join("\n"));
});

function sh(script: string, env: Record<string, string> = {}): Buffer {
  const r = Bun.spawnSync(["sh", "-c", script], { env: { ...process.env, PATH, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${script}\n${r.stderr.toString()}`);
  return Buffer.from(r.stdout);
}

function oneRun(args: string, file: string): Buffer {
  return sh(`jsonflat ${args} "${file}"`);
}

describe.skipIf(EMULATED)("GNU parallel", () => {
  test("--pipepart blocks through jsonflat flatten - with --keep-order = one run", () => {
    const one = oneRun("flatten --ndjson --column 5", INPUT);
    const out = sh(`parallel --pipepart -a "${INPUT}" --block 200k --keep-order jsonflat flatten --ndjson --column 5 -`);
    expect(out.equals(one)).toBe(true);
  });

  test("-S : running --shard {}/4 jobs = one run, error records' line numbers included", () => {
    const one = oneRun("flatten --ndjson --column 5 --on-error emit", WITH_ERRORS);
    expect(one.toString()).toContain('"line":1201}');
    const out = sh(`parallel -S : --keep-order jsonflat flatten --ndjson --column 5 --on-error emit --shard {}/4 "${WITH_ERRORS}" ::: 0 1 2 3`);
    expect(out.equals(one)).toBe(true);
  });
});

/** The command line of a doc example: the YAML `- jsonflat …` argument, or the JSON job's `sh -c` command. */
function exampleCommand(file: string): string {
  const text = readFileSync(join(ROOT, "docs/examples", file), "utf8");
  if (file.endsWith(".json")) return (JSON.parse(text) as { jobDefinition: { containerProperties: { command: string[] } } }).jobDefinition.containerProperties.command[2]!;
  const line = /^\s*- (jsonflat .*)$/m.exec(text);
  if (!line) throw new Error(`no jsonflat command line in ${file}`);
  return line[1]!;
}

describe.skipIf(EMULATED)("batch systems: the doc examples' command lines with their index variable", () => {
  for (const [file, variable] of [
    ["k8s-indexed-job.yaml", "JOB_COMPLETION_INDEX"],
    ["aws-batch-array-job.json", "AWS_BATCH_JOB_ARRAY_INDEX"],
  ] as const) {
    test(`${file}: 4 tasks over a URL, parts concatenated in index order = one run`, async () => {
      const command = exampleCommand(file);
      expect(command).toContain("--shard env --shard-count 4");
      const one = oneRun("flatten --ndjson --column 5 --on-error emit", WITH_ERRORS);
      await using server = serveRanges(readFileSync(WITH_ERRORS));
      const out = join(dir, variable);
      mkdirSync(out);
      const tasks = [0, 1, 2, 3].map((i) =>
        Bun.spawn(["sh", "-c", command], { env: { ...process.env, PATH, INPUT: server.url, OUT_DIR: out, [variable]: String(i) }, stdout: "pipe", stderr: "pipe", stdin: "ignore" }),
      );
      for (const task of tasks) expect(await task.exited).toBe(0);
      const parts = [0, 1, 2, 3].map((i) => readFileSync(join(out, `part-${i}.ndjson`)));
      expect(Buffer.concat(parts).equals(one)).toBe(true);
      expect(server.sent).toBeLessThan(readFileSync(WITH_ERRORS).length * 3); // each task: its share, plus its prefix when it met a bad line
    });
  }
});

/** Members a Spark row drops: null, and an empty object (a struct with no fields, which Spark does not write). */
function droppedBySpark(value: unknown): boolean {
  return value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value as object).length === 0);
}

/** A flattened line as Spark's `toJSON` writes a row: members sorted by name, what Spark drops left out. */
function asSparkRow(line: string): string {
  const object = JSON.parse(line) as Record<string, unknown>;
  const kept = Object.keys(object)
    .filter((k) => !droppedBySpark(object[k]))
    .sort()
    .map((k) => [k, object[k]]);
  return JSON.stringify(Object.fromEntries(kept));
}

describe.skipIf(EMULATED)("Apache Spark (local[2])", () => {
  test("textFile(...).pipe('jsonflat flatten --ndjson --column 5 -') and spark.read.json = one run", () => {
    if (!existsSync(SPARK_PYTHON)) throw new Error("pyspark is missing: run bash scripts/setup-engines.sh");
    const small = join(dir, "small.txt");
    writeFileSync(small, readFileSync(INPUT, "utf8").split("\n").slice(0, 3000).join("\n") + "\n");
    const out = join(dir, "spark");
    mkdirSync(out);
    const r = Bun.spawnSync([SPARK_PYTHON, join(ROOT, "test/fixtures/spark_flatten.py"), "local[2]", small, out], { env: { ...process.env, PATH }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    if (r.exitCode !== 0) throw new Error(`spark exited ${r.exitCode}: ${r.stderr.toString().slice(-3000)}`);
    expect(Number(r.stdout.toString().trim())).toBeGreaterThanOrEqual(2); // really split
    const one = oneRun("flatten --ndjson --column 5", small);
    // textFile partitions are line-aligned blocks in file order, and collect() keeps partition order.
    expect(readFileSync(join(out, "piped.ndjson")).equals(one)).toBe(true);
    const rows = readFileSync(join(out, "frame.ndjson"), "utf8").split("\n").filter(Boolean).map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l)).sort())));
    const expected = one.toString().split("\n").filter(Boolean).map(asSparkRow);
    expect(rows.length).toBe(expected.length);
    expect(rows.sort()).toEqual(expected.sort());
  }, 180_000);
});
