/**
 * @module jsonflat — jsonflat itself: the CLI for file → file (one worker, and two coworkers for NDJSON), the
 * library (runners/jsonflat.ts) for the in-memory forms. Paths are `flat`-style (`a.b.0`), as most peers write.
 */
import { BUN, ROOT, RUNNERS, firstLine, needs, runnerArgs, type Peer } from "./peer";

const CLI = `${ROOT}/src/cli/main.ts`;
const LIB = `${ROOT}/zig-out/lib/libjsonflat.so`;

function cli(workers: number): Peer["file"] {
  return ({ input, output, ndjson }) =>
    workers > 1 && !ndjson
      ? undefined
      : { argv: [BUN, CLI, "flatten", "--style", "flat", ...(ndjson ? ["--ndjson", "--workers", String(workers)] : []), "-o", output, input] };
}

export const jsonflat: Peer = {
  id: "jsonflat",
  label: "jsonflat",
  language: "C core, Bun",
  ours: true,
  missing: () => needs(LIB, "bash scripts/setup.sh builds it"),
  version: () => `jsonflat ${require(`${ROOT}/package.json`).version}, Bun ${firstLine([BUN, "--version"])}`,
  file: cli(1),
  memory: (job, form, runs, minSeconds) => ({ argv: [BUN, `${RUNNERS}/jsonflat.ts`, ...runnerArgs(job, form, runs, minSeconds)] }),
};

export const jsonflat2: Peer = {
  id: "jsonflat-2w",
  label: "jsonflat, 2 workers",
  language: "C core, Bun",
  ours: true,
  missing: jsonflat.missing,
  version: jsonflat.version,
  file: cli(2),
  note: "the CLI with `--workers 2` (NDJSON only): two Bun Workers on ranges of the file",
};
