/**
 * @module flat — npm `flat` 6.0.1 (the package jsonflat/flat replaces) over `JSON.parse`, in Bun and in Node:
 * the same runner file (runners/flat.mjs) in both runtimes.
 */
import { BUN, RUNNERS, firstLine, needs, runnerArgs, which, ROOT, type Peer } from "./peer";

const RUNNER = `${RUNNERS}/flat.mjs`;
const FLAT = `${ROOT}/node_modules/flat/package.json`;

function flatIn(runtime: "bun" | "node"): Peer {
  const program = () => (runtime === "bun" ? BUN : which("node"));
  return {
    id: `flat-${runtime}`,
    label: `npm flat (${runtime === "bun" ? "Bun" : "Node"})`,
    language: runtime === "bun" ? "JS, Bun" : "JS, Node",
    missing: () => needs(FLAT, "npm ci installs it") ?? (program() ? undefined : "node is not installed (apt-get install nodejs)"),
    version: () => `flat ${require(FLAT).version}, ${runtime} ${firstLine([program() ?? runtime, "--version"])}`,
    file: ({ input, output, ndjson }) => ({ argv: [program()!, RUNNER, ...(ndjson ? ["--ndjson"] : []), input, output] }),
    memory: (job, form, runs, minSeconds) => ({ argv: [program()!, RUNNER, ...runnerArgs(job, form, runs, minSeconds)] }),
  };
}

export const flatBun = flatIn("bun");
export const flatNode = flatIn("node");
