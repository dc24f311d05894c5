/**
 * @module jsonpath.bench — RFC 9535 JSONPath over twitter.json: jsonflat's native engine against the JavaScript
 * libraries jsonpath-plus and json-p3, the same queries in one mitata run. Prints a table and writes it to
 * bench/jsonpath/RESULTS.md with `--save`.
 *
 *   nice -n 10 node_modules/.bin/bun bench/jsonpath/jsonpath.bench.ts [--save]
 *
 * Every library is first checked to select the same values for every query. Rows:
 *  - jsonflat `search(bytes, compiled)`: bytes in, `[normalizedPath, value]` pairs out (parse included);
 *  - peer, end to end: `JSON.parse(text)` then the query, values only (no paths: the peers' cheapest answer);
 *  - peer, query only: the query over an already parsed object (the best case a JavaScript library can have).
 * Medians of mitata; on a shared machine they are lower bounds for every row alike.
 */
import { JSONPath } from "jsonpath-plus";
import { jsonpath as p3 } from "json-p3";
import { bench, do_not_optimize, run } from "mitata";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { compileQuery, search } from "../../src/index";

const { values: args } = parseArgs({ options: { save: { type: "boolean", default: false } } });
const DATA = new URL("../../../shared/data/bench/", import.meta.url).pathname;
const bytes = readFileSync(`${DATA}twitter.json`);
const text = bytes.toString();
const parsed = JSON.parse(text);

/** [name, RFC 9535 query (jsonflat, json-p3), jsonpath-plus's spelling of it]. */
const QUERIES: [string, string, string][] = [
  ["child path", "$.statuses[*].user.screen_name", "$.statuses[*].user.screen_name"],
  ["descendant name", "$..screen_name", "$..screen_name"],
  ["filter, comparison", "$.statuses[?@.retweet_count > 10].id", "$.statuses[?(@.retweet_count > 10)].id"],
  ["filter, nested path", "$.statuses[?@.user.followers_count > 1000 && @.favorited == false].user.name",
    "$.statuses[?(@.user.followers_count > 1000 && @.favorited === false)].user.name"],
  ["descendant wildcard", "$..*", "$..*"],
];

/** jsonpath-plus's values of `path` over `json` (its typings say `any`-ish `unknown`; it returns an array). */
function plusQuery(path: string, json: unknown): unknown[] {
  return JSONPath({ path, json: json as object }) as unknown[];
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && Bun.deepEquals(a, b);
}

for (const [name, rfc, plus] of QUERIES) {
  const ours = search(bytes, { jsonpath: rfc }).hits.map(([, v]) => v);
  const viaPlus = plusQuery(plus, parsed);
  const viaP3 = p3.query(rfc, parsed).values();
  // jsonpath-plus lists `..*` in another order (each node before its children's siblings): compare as sets there.
  const key = (v: unknown) => JSON.stringify(v);
  const sorted = (vs: unknown[]) => vs.map(key).sort();
  const plusAgrees = name === "descendant wildcard" ? sameValues(sorted(ours), sorted(viaPlus)) : sameValues(ours, viaPlus);
  if (!plusAgrees || !sameValues(ours, viaP3)) throw new Error(`${name}: libraries disagree (${ours.length} / ${viaPlus.length} / ${viaP3.length} values)`);
}

async function medianNs(name: string, fn: () => unknown): Promise<number> {
  bench(name, fn);
  const result = await run({ format: "quiet" });
  return result.benchmarks.at(-1)!.runs[0]!.stats!.p50;
}

const rows: string[] = [];
const load = loadavg()[0]!.toFixed(2);
rows.push(
  `twitter.json (${(bytes.byteLength / 1e6).toFixed(2)} MB), Bun ${Bun.version}, load ${load} at start; medians (µs) of mitata, one run.`,
  "",
  "| query | hits | jsonflat `search` | jsonpath-plus parse+query | json-p3 parse+query | jsonpath-plus query only | json-p3 query only | × best end to end | × best query only |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
);
for (const [name, rfc, plus] of QUERIES) {
  const compiled = compileQuery({ jsonpath: rfc });
  const p3Compiled = p3.compile(rfc);
  const hits = search(bytes, compiled).count;
  const tOurs = await medianNs(`jsonflat ${name}`, () => do_not_optimize(search(bytes, compiled).count));
  const tPlusE2E = await medianNs(`jsonpath-plus e2e ${name}`, () => do_not_optimize(plusQuery(plus, JSON.parse(text)).length));
  const tP3E2E = await medianNs(`json-p3 e2e ${name}`, () => do_not_optimize(p3Compiled.query(JSON.parse(text)).values().length));
  const tPlus = await medianNs(`jsonpath-plus ${name}`, () => do_not_optimize(plusQuery(plus, parsed).length));
  const tP3 = await medianNs(`json-p3 ${name}`, () => do_not_optimize(p3Compiled.query(parsed).values().length));
  compiled.dispose();
  const us = (ns: number) => (ns / 1000).toFixed(0);
  const cells = [
    `\`${rfc}\``, hits, us(tOurs), us(tPlusE2E), us(tP3E2E), us(tPlus), us(tP3),
    (Math.min(tPlusE2E, tP3E2E) / tOurs).toFixed(1), (Math.min(tPlus, tP3) / tOurs).toFixed(1),
  ];
  rows.push(`| ${cells.join(" | ")} |`);
  console.log(`${name}: jsonflat ${us(tOurs)} µs; best peer ${us(Math.min(tPlusE2E, tP3E2E))} µs end to end, ${us(Math.min(tPlus, tP3))} µs query only`);
}
console.log(rows.join("\n"));
if (args.save) {
  const head = "# JSONPath over twitter.json: jsonflat against JavaScript libraries\n\n`nice -n 10 node_modules/.bin/bun bench/jsonpath/jsonpath.bench.ts --save` writes this file.\n\n";
  writeFileSync(new URL("RESULTS.md", import.meta.url), head + rows.join("\n") + "\n");
}
