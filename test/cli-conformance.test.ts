/**
 * @module cli-conformance.test — the shared conformance suite through the `jsonflat` command, one process per
 * call: bytes on stdin, options as flags, output on stdout, errors parsed back from the one-line message.
 */
import type { UnflattenOptions } from "../src/core/options";
import { runCases, type FlattenCallOptions, type Impl, type Outcome } from "./cases";
import { BUN } from "./fixtures/child-bun";
import { cliFlags } from "./fixtures/cli-flags";

const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
const ERROR_LINE = /^jsonflat: .*?(?::(\d+):(\d+))?: ([A-Z_]+) (.*?)(?: \(byte (\d+)\))?\n/;

function run(command: string, input: Uint8Array, options: FlattenCallOptions | UnflattenOptions): Outcome {
  const proc = Bun.spawnSync([BUN, CLI, command, ...cliFlags(options), "-"], { stdin: input });
  const stdout = proc.stdout.toString();
  if (proc.exitCode === 0) return { ok: true, text: stdout.replace(/\n$/, "") };
  const stderr = proc.stderr.toString();
  if (proc.exitCode === 2) return { ok: false, error: { code: "INVALID_OPTION", message: stderr } };
  const match = ERROR_LINE.exec(stderr);
  if (!match) throw new Error(`unexpected CLI failure (exit ${proc.exitCode}): ${stderr}`);
  const [, line, column, code, message, offset] = match;
  return {
    ok: false,
    error: {
      code: code!,
      message: message!,
      ...(line ? { line: Number(line), column: Number(column) } : {}),
      ...(offset ? { offset: Number(offset) } : {}),
    },
  };
}

/** The CLI as a conformance implementation. */
const cliImpl: Impl = {
  name: "cli",
  flatten: (input, options) => run("flatten", input, options),
  unflatten: (input, options) => run("unflatten", input, options),
};

runCases(cliImpl);
