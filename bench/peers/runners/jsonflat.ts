/**
 * @module jsonflat — jsonflat's library as a runner of the benchmark protocol (protocol.mjs): `flattenBytes`
 * (bytes → bytes, zero copy, disposed by the protocol at once), `flatten` (text → object) and `flattenLines` (NDJSON chunk →
 * lines). Paths are `flat`-style so the output matches the peers'; the file → file row is the CLI (peers/jsonflat.ts).
 *
 * @example
 * bun bench/peers/runners/jsonflat.ts --runs 5 --min-seconds 0.2 ../shared/data/bench/twitter.json
 */
import { flatten, flattenBytes, flattenLines } from "../../../src/index";
import { runRunner } from "./protocol.mjs";

const STYLE = { style: "flat" } as const;

runRunner({
  bytes: (input: Uint8Array) => flattenBytes(input, STYLE),
  object: (text: string) => flatten(text, STYLE),
  lines: (chunk: Uint8Array) => flattenLines(chunk, STYLE),
});
