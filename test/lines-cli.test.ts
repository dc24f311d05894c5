/**
 * @module lines-cli.test — the NDJSON table through the `jsonflat` command, one process per row and way: the
 * bytes on standard input with the default chunk size, and a file with `--chunk-bytes 7` (chunk boundaries
 * everywhere). Output is standard
 * output; a failure is a non-zero exit with one human line on standard error, read back into fields.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN } from "./fixtures/child-bun";
import { cliFlags } from "./fixtures/cli-flags";
import { libraryReference, runLinesCases, type ErrorFields, type LinesCall, type LinesImpl, type LinesOutcome } from "./lines-cases";

/** The command's entry, from package.json "bin" (resolved at run time: the file is being moved). */
const ROOT = new URL("..", import.meta.url).pathname;
const pkg = (await Bun.file(join(ROOT, "package.json")).json()) as { bin: string | Record<string, string> };
const CLI = join(ROOT, typeof pkg.bin === "string" ? pkg.bin : pkg.bin.jsonflat!);

const dir = mkdtempSync(join(tmpdir(), "jsonflat-lines-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The flags of a call: the options as every CLI test spells them, then the query. */
function flags(call: LinesCall): string[] {
  const args = ["--ndjson", ...cliFlags(call.options)];
  const add = (flag: string, value: unknown) => value !== undefined && args.push(`--${flag}=${String(value)}`);
  if (call.query) {
    add("path", call.query.path);
    add("key", call.query.key);
    if (call.query.value !== undefined) add("value", JSON.stringify(call.query.value));
    add("limit", call.query.limit);
  }
  return args;
}

const CODE = /\b(INVALID_JSON|NESTING_TOO_DEEP|INPUT_TOO_LARGE|INVALID_OPTION|PATH_CONFLICT|INVALID_PATH|IO|SHAPE_MISMATCH)\b/;

/**
 * The fields of the human error line, whatever its layout: `FILE:LINE:COLUMN:` or `line L, column C`, and
 * `(byte O)` or `offset O`.
 */
function parseError(stderr: string): ErrorFields {
  const fields: ErrorFields = { code: CODE.exec(stderr)?.[1] ?? `(no code in: ${stderr})` };
  const pair = /:(\d+):(\d+):/.exec(stderr);
  const line = /\bline (\d+)/.exec(stderr)?.[1] ?? pair?.[1];
  const column = /\bcolumn (\d+)/.exec(stderr)?.[1] ?? pair?.[2];
  const offset = /\b(?:byte|offset) (\d+)/.exec(stderr)?.[1];
  if (line !== undefined) fields.line = Number(line);
  if (column !== undefined) fields.column = Number(column);
  if (offset !== undefined) fields.offset = Number(offset);
  return fields;
}

async function run(call: LinesCall, way: "stdin" | "file"): Promise<LinesOutcome> {
  const args = [BUN, CLI, call.operation, ...flags(call)];
  let stdin: Uint8Array | "ignore" = call.input;
  if (way === "stdin") args.push("-");
  else {
    const path = join(dir, `input-${files++}.ndjson`);
    writeFileSync(path, call.input);
    args.push("--chunk-bytes=7", path);
    stdin = "ignore";
  }
  const proc = Bun.spawn(args, { stdin, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  // search is grep-like: 1 is "no hit", a success with no output.
  if (status === 0 || (call.operation === "search" && status === 1 && stderr === "")) return { ok: true, text: stdout };
  return { ok: false, error: parseError(stderr), human: stderr };
}

function cliImpl(name: string, way: "stdin" | "file"): LinesImpl {
  return { name, operations: ["flatten", "search", "schema", "unflatten"], errors: "human", concurrency: 8, run: (call) => run(call, way) };
}

runLinesCases(cliImpl("cli: standard input, default chunk size", "stdin"), { reference: libraryReference });
runLinesCases(cliImpl("cli: a file, --chunk-bytes 7", "file"), { reference: libraryReference });
