/**
 * @module bench/jsonpath/shared — JSONPath over twitter.json end to end: `search()` (hits as one array sharing
 * containers) against the line output it replaced (`searchBytes` parsed line by line, every container whole)
 * and against JSON.parse + the fastest JavaScript libraries, in interleaved rounds; medians of wall and CPU time.
 *
 * `--lines-only` leaves `search()` out, for a library from before JF_FLAG_SHARED_HITS (`JSONFLAT_LIB=...`): its
 * line output parsed per line is what `search()` did then.
 *
 * @example
 * nice -n 10 bun bench/jsonpath/shared.ts --rounds 21
 * JSONFLAT_LIB=/tmp/before.so nice -n 10 bun bench/jsonpath/shared.ts --lines-only
 */
import { JSONPath } from "jsonpath-plus";
import { jsonpath as p3 } from "json-p3";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compileQuery, search, searchBytes } from "../../src/index";
import { stat } from "../harness/measure";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "21" }, budget: { type: "string", default: "60" }, "lines-only": { type: "boolean", default: false } },
});
const linesOnly = args["lines-only"];
const DATA = new URL("../../../shared/data/bench/", import.meta.url).pathname;
const bytes = readFileSync(`${DATA}twitter.json`);
const text = bytes.toString();

/** [RFC 9535 query, jsonpath-plus's spelling]: the queries of jsonpath.bench.ts. */
const QUERIES: [string, string][] = [
  ["$.statuses[*].user.screen_name", "$.statuses[*].user.screen_name"],
  ["$..screen_name", "$..screen_name"],
  ["$.statuses[?@.retweet_count > 10].id", "$.statuses[?(@.retweet_count > 10)].id"],
  ["$.statuses[?@.user.followers_count > 1000 && @.favorited == false].user.name", "$.statuses[?(@.user.followers_count > 1000 && @.favorited === false)].user.name"],
  ["$..*", "$..*"],
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const decoder = new TextDecoder();
console.log(`twitter.json, Bun ${Bun.version}; ${args.rounds} interleaved rounds; median ms per call, wall / CPU.`);
console.log("| query | hits | search() | line output, parsed per line (before) | JSON.parse + json-p3 | JSON.parse + jsonpath-plus | × best peer (CPU) | × before (CPU) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [rfc, plus] of QUERIES) {
  const compiled = compileQuery({ jsonpath: rfc });
  const p3Compiled = p3.compile(rfc);
  const contenders: [string, () => unknown][] = [
    ["search", () => (linesOnly ? undefined : search(bytes, compiled).hits)],
    ["lines", () => {
      const out = searchBytes(bytes, compiled);
      const hits: unknown[] = [];
      for (const line of decoder.decode(out).split("\n")) if (line) hits.push(JSON.parse(line));
      out.dispose();
      return hits;
    }],
    ["p3", () => p3Compiled.query(JSON.parse(text)).values()],
    ["plus", () => JSONPath({ path: plus, json: JSON.parse(text) })],
  ];
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) for (const [, fn] of contenders) fn();
    if (performance.now() - t0 > Number(args.budget)) break;
    n *= 2;
  }
  const wall = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => [] as number[]);
  for (let r = 0; r < Number(args.rounds); r++) {
    // Each round starts with the next contender, so none always pays for the garbage of the one before.
    for (let k = 0; k < contenders.length; k++) {
      const c = (r + k) % contenders.length;
      const fn = contenders[c]![1];
      const w0 = performance.now(), c0 = cpuMs();
      for (let i = 0; i < n; i++) fn();
      wall[c]!.push((performance.now() - w0) / n);
      cpu[c]!.push((cpuMs() - c0) / n);
    }
  }
  const w = wall.map((s) => stat(s).median), c = cpu.map((s) => stat(s).median);
  const cell = (i: number) => (linesOnly && i === 0 ? "–" : `${w[i]!.toFixed(3)} / ${c[i]!.toFixed(3)}`);
  const times = (x: number) => (linesOnly ? "–" : x.toFixed(2));
  const hits = searchBytes(bytes, compiled).leaves;
  compiled.dispose();
  console.log(`| \`${rfc}\` | ${hits} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${cell(3)} | ${times(Math.min(c[2]!, c[3]!) / c[0]!)} | ${times(c[1]! / c[0]!)} |`);
}
