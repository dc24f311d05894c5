/**
 * @module yyjson — the practical ceiling: yyjson's own parse + write in C (bench/ceiling/yyjson_cli.c, built by
 * bench/ceiling/build.sh), the least work any flatten must do. Flattening writes more than it reads (a path
 * before every leaf), so jsonflat reaching 100 % of it is out of reach by design.
 */
import { BUILD, ROOT, needs, runnerArgs, type Peer } from "./peer";
import { readFileSync } from "node:fs";

const CLI = `${BUILD}/yyjson_cli`;

export const yyjson: Peer = {
  id: "yyjson",
  label: "yyjson parse+write (ceiling)",
  language: "C",
  ceiling: true,
  missing: () => needs(CLI, "bash bench/ceiling/build.sh builds it"),
  version: () => {
    const header = readFileSync(`${ROOT}/c/vendor/yyjson/yyjson.h`, "utf8");
    return `yyjson ${header.match(/#define YYJSON_VERSION_STRING\s+"([^"]+)"/)?.[1] ?? "unknown"}`;
  },
  file: ({ input, output, ndjson }) => ({ argv: [CLI, ...(ndjson ? ["--ndjson"] : []), input, output] }),
  memory: (job, form, runs, minSeconds) =>
    form === "bytes" ? { argv: [CLI, ...runnerArgs(job, form, runs, minSeconds).filter((a) => a !== "--form" && a !== "bytes")] } : undefined,
  note: "parses and writes the document back unflattened: no paths written",
};
