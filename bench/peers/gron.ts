/**
 * @module gron — gron (Debian): flattens into `json.a.b[0] = 1;` assignment lines, its own format (not JSON).
 * File → file only; `--stream` for NDJSON.
 */
import { firstLine, which, type Peer } from "./peer";

export const gron: Peer = {
  id: "gron",
  label: "gron",
  language: "Go",
  missing: () => (which("gron") ? undefined : "gron is not installed (apt-get install gron)"),
  version: () => `gron ${firstLine(["gron", "--version"]).replace(/^gron version /, "")}`,
  file: ({ input, ndjson }) => ({ argv: ["gron", "--monochrome", ...(ndjson ? ["--stream"] : []), input], stdout: true }),
  note: "writes `json.a.b[0] = 1;` lines, not JSON",
};
