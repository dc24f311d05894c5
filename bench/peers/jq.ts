/**
 * @module jq — jq (Debian) with the fastest flatten filter we found: `tostream` emits [path, leaf] events
 * (empty objects and arrays included), joined into `a.b.0` keys. File → file only: jq has no library form here.
 */
import { firstLine, which, type Peer } from "./peer";

/** Leaves as [path, value] events; `length == 2` drops the closing events of containers. */
export const JQ_FILTER = '[tostream | select(length == 2) | {key: (.[0] | map(tostring) | join(".")), value: .[1]}] | from_entries';

export const jq: Peer = {
  id: "jq",
  label: "jq",
  language: "C",
  missing: () => (which("jq") ? undefined : "jq is not installed (apt-get install jq)"),
  version: () => firstLine(["jq", "--version"]),
  file: ({ input }) => ({ argv: ["jq", "-c", JQ_FILTER, input], stdout: true }),
};
