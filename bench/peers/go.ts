/**
 * @module go — a Go program using encoding/json (bench/peers/go/, built by bench/peers/setup.sh into
 * build/bench/goflat): the classic alternative of a Go service doing the work itself.
 */
import { BUILD, firstLine, needs, runnerArgs, type Peer } from "./peer";

const BIN = `${BUILD}/goflat`;

export const go: Peer = {
  id: "go",
  label: "Go encoding/json",
  language: "Go",
  missing: () => needs(BIN, "bash bench/peers/setup.sh builds it with Go"),
  version: () => firstLine(["go", "version"]),
  file: ({ input, output, ndjson }) => ({ argv: [BIN, ...(ndjson ? ["--ndjson"] : []), input, output] }),
  memory: (job, form, runs, minSeconds) =>
    form === "bytes" ? { argv: [BIN, ...runnerArgs(job, form, runs, minSeconds).filter((a) => a !== "--form" && a !== "bytes")] } : undefined,
  note: "decodes into map[string]any (json.Number kept), so keys come out sorted, not in document order",
};
