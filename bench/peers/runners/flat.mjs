/**
 * @module flat — the npm `flat` peer (6.0.1, the package jsonflat/flat replaces) as a runner of the benchmark
 * protocol (protocol.mjs). Plain JavaScript so that the same file runs in Bun and in Node.
 *
 * @example
 * node bench/peers/runners/flat.mjs --runs 5 --min-seconds 0.2 ../shared/data/bench/twitter.json
 */
import { flatten } from "flat";
import { bytesOf, eachLine, runRunner, textOf } from "./protocol.mjs";

const flatLine = (text) => JSON.stringify(flatten(JSON.parse(text)));

runRunner({
  bytes: (input) => bytesOf(flatLine(textOf(input))),
  object: (text) => flatten(JSON.parse(text)),
  lines: (chunk) => bytesOf(eachLine(chunk, flatLine)),
});
