/**
 * @module hand — a tight hand-written TypeScript flattener over `JSON.parse` (runners/hand.ts), in Bun: the best
 * a JavaScript user could do without a native library.
 */
import { BUN, RUNNERS, firstLine, runnerArgs, type Peer } from "./peer";

const RUNNER = `${RUNNERS}/hand.ts`;

export const hand: Peer = {
  id: "hand-ts",
  label: "hand-written TS (Bun)",
  language: "TS, Bun",
  missing: () => undefined,
  version: () => `Bun ${firstLine([BUN, "--version"])}`,
  file: ({ input, output, ndjson }) => ({ argv: [BUN, RUNNER, ...(ndjson ? ["--ndjson"] : []), input, output] }),
  memory: (job, form, runs, minSeconds) => ({ argv: [BUN, RUNNER, ...runnerArgs(job, form, runs, minSeconds)] }),
  note: "numbers go through JS doubles (big integers lose digits)",
};
