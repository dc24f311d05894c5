/**
 * @module lookup.bench — search for one short key, typed decode of Open Library lines, and the path index,
 * against jq and pure-JS peers. Prints a table and writes it to bench/lookup/RESULTS.md with `--save`.
 *
 *   bun bench/gen/openlibrary.ts --bytes 1G --seed 42 --out /dev/shm/jf-ol-1g.txt
 *   cut -f5 /dev/shm/jf-ol-1g.txt > /dev/shm/jf-ol-1g.ndjson
 *   nice -n 10 bun bench/lookup/lookup.bench.ts --ndjson /dev/shm/jf-ol-1g.ndjson --jq-bytes 100000000 [--save]
 *
 * In-memory rows (twitter.json, decode, index) use mitata and report its median; the 1 GB rows stream the
 * file once per tool and report wall time. Numbers from a shared machine are lower bounds.
 */
import { bench, do_not_optimize, run } from "mitata";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { bind, compileQuery, pathIndex, search, searchBytes, searchStream } from "../../src/index";
import { walkKey } from "./walk";

const { values: args } = parseArgs({
  options: { ndjson: { type: "string" }, save: { type: "boolean", default: false }, "jq-bytes": { type: "string", default: "0" } },
});
const DATA = new URL("../../../shared/data/", import.meta.url).pathname;
const twitter = readFileSync(`${DATA}bench/twitter.json`);
const twitterText = twitter.toString();
const rows: string[] = [];
const load = [loadavg()[0]!.toFixed(2)];
const MB = 1e6;

function row(...cells: (string | number)[]): void {
  rows.push(`| ${cells.join(" | ")} |`);
  console.log(cells.join("  "));
}

async function medianNs(name: string, fn: () => unknown): Promise<number> {
  bench(name, fn);
  const result = await run({ format: "quiet" });
  const stats = result.benchmarks.at(-1)!.runs[0]!.stats!;
  return stats.p50;
}

function jqSeconds(file: string, key: string): number {
  const start = performance.now();
  const p = Bun.spawnSync(["jq", "-c", `.. | .${key}? // empty`, file], { stdout: "ignore", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`jq failed: ${p.stderr.toString().slice(0, 200)}`);
  return (performance.now() - start) / 1000;
}

/*------------------------------------------------------------------------------
 * Search for one short key in twitter.json
 *----------------------------------------------------------------------------*/

const KEY = "screen_name";
const query = compileQuery({ key: KEY });
const expectedHits = search(twitter, query).count;
const jsHits: [string, unknown][] = [];
walkKey(JSON.parse(twitterText), KEY, jsHits);
if (jsHits.length !== expectedHits) throw new Error(`walk found ${jsHits.length}, search ${expectedHits}`);

rows.push("### Search for one short key (`screen_name`) in twitter.json (0.63 MB, " + expectedHits + " hits)", "", "| row | MB/s | × |", "|---|---:|---:|");
const tSearchBytes = await medianNs("searchBytes", () => {
  const out = searchBytes(twitter, query);
  do_not_optimize(out.length);
  out.dispose();
});
const tSearch = await medianNs("search", () => do_not_optimize(search(twitter, query).count));
const tWalk = await medianNs("JSON.parse + walk", () => {
  const hits: [string, unknown][] = [];
  walkKey(JSON.parse(twitterText), KEY, hits);
  do_not_optimize(hits.length);
});
const tWalkBytes = await medianNs("TextDecoder + JSON.parse + walk", () => {
  const hits: [string, unknown][] = [];
  walkKey(JSON.parse(new TextDecoder().decode(twitter)), KEY, hits);
  do_not_optimize(hits.length);
});
let jqBest = Infinity;
for (let i = 0; i < 5; i++) jqBest = Math.min(jqBest, jqSeconds(`${DATA}bench/twitter.json`, KEY));
const mbps = (ns: number) => twitter.byteLength / MB / (ns / 1e9);
row("jsonflat `searchBytes` (hits as JSON lines)", mbps(tSearchBytes).toFixed(0), "1");
row("jsonflat `search` (hits as JS pairs)", mbps(tSearch).toFixed(0), (tSearch / tSearchBytes).toFixed(2));
row("`JSON.parse(text)` + JS walk", mbps(tWalk).toFixed(0), (tWalk / tSearchBytes).toFixed(1));
row("`JSON.parse(TextDecoder(bytes))` + JS walk", mbps(tWalkBytes).toFixed(0), (tWalkBytes / tSearchBytes).toFixed(1));
row(`\`jq -c '.. | .${KEY}? // empty'\` (process, best of 5)`, (twitter.byteLength / MB / jqBest).toFixed(1), ((jqBest * 1e9) / tSearchBytes).toFixed(0));
rows.push("", "× = time of the row / time of `searchBytes` (higher: jsonflat is that many times faster).", "");

/*------------------------------------------------------------------------------
 * Typed decode of 5 fields per Open Library line, and search over ~1 GB of lines
 *----------------------------------------------------------------------------*/

if (args.ndjson) {
  const file = args.ndjson;
  const size = statSync(file).size;
  // In memory for the decode rows: the first 64 MB of whole lines.
  const head = readFileSync(file).subarray(0, 64 << 20);
  const cut = head.lastIndexOf(0x0a) + 1;
  const chunk = head.subarray(0, cut);
  const chunkText = new TextDecoder().decode(chunk);
  const lineStrings = chunkText.split("\n").filter(Boolean);
  const lines = lineStrings.length;
  const Record5 = bind({
    key: "string",
    type: { path: "type.key", type: "string" },
    revision: "integer",
    modified: { path: "last_modified.value", type: "string" },
    title: { type: "string", optional: true },
  });
  const viaJs = (line: string) => {
    const o = JSON.parse(line);
    return { key: o.key, type: o.type.key, revision: o.revision, modified: o.last_modified.value, title: o.title };
  };
  const check = Record5.decodeLines(chunk);
  if (check.length !== lines) throw new Error(`decodeLines gave ${check.length} of ${lines} lines`);
  if (JSON.stringify(check[123]) !== JSON.stringify(viaJs(lineStrings[123]!))) throw new Error("decode and JSON.parse disagree");
  const lineBytes = lineStrings.slice(0, 20_000).map((l) => new TextEncoder().encode(l));

  rows.push(
    `### Typed decode of 5 fields per Open Library line (${lines.toLocaleString("en")} lines, ${(chunk.byteLength / MB).toFixed(0)} MB in memory)`,
    "",
    "| row | lines/s | MB/s | × |",
    "|---|---:|---:|---:|",
  );
  // Every row keeps all decoded records, as decodeLines returns them all.
  const slices: Uint8Array[] = [];
  for (let at = 0; at < chunk.byteLength; ) {
    const end = Math.min(chunk.byteLength, at + (1 << 20));
    const cutAt = end === chunk.byteLength ? end : chunk.lastIndexOf(0x0a, end - 1) + 1;
    slices.push(chunk.subarray(at, cutAt));
    at = cutAt;
  }
  const tLines = await medianNs("decodeLines", () => do_not_optimize(Record5.decodeLines(chunk).length));
  const tSlices = await medianNs("decodeLines per 1 MiB", () => {
    const all: unknown[] = [];
    for (const slice of slices) for (const value of Record5.decodeLines(slice)) all.push(value);
    do_not_optimize(all.length);
  });
  const tParseText = await medianNs("split + JSON.parse + access", () => {
    const all: unknown[] = [];
    for (const line of chunkText.split("\n")) if (line) all.push(viaJs(line));
    do_not_optimize(all.length);
  });
  const tParseBytes = await medianNs("TextDecoder + split + JSON.parse + access", () => {
    const all: unknown[] = [];
    for (const line of new TextDecoder().decode(chunk).split("\n")) if (line) all.push(viaJs(line));
    do_not_optimize(all.length);
  });
  const tOne = await medianNs("decode per line (20,000)", () => {
    let n = 0;
    for (const line of lineBytes) n += Record5.decode(line).revision;
    do_not_optimize(n);
  });
  const tOneJs = await medianNs("JSON.parse per line (20,000)", () => {
    let n = 0;
    for (let i = 0; i < 20_000; i++) n += viaJs(lineStrings[i]!).revision;
    do_not_optimize(n);
  });
  const perSecond = (ns: number, count: number) => Math.round(count / (ns / 1e9)).toLocaleString("en");
  const mb = (ns: number) => (chunk.byteLength / MB / (ns / 1e9)).toFixed(0);
  row("jsonflat `decodeLines(bytes)` (one native call for 64 MB)", perSecond(tLines, lines), mb(tLines), "1");
  row("jsonflat `decodeLines` per 1 MiB slice (as `decodeStream` with `chunkBytes: 1 << 20`)", perSecond(tSlices, lines), mb(tSlices), (tSlices / tLines).toFixed(2));
  row("`text.split` + `JSON.parse` + 5 property reads", perSecond(tParseText, lines), mb(tParseText), (tParseText / tLines).toFixed(2));
  row("`TextDecoder` + split + `JSON.parse` + reads", perSecond(tParseBytes, lines), mb(tParseBytes), (tParseBytes / tLines).toFixed(2));
  row("jsonflat `decode(lineBytes)` per line (20,000 lines)", perSecond(tOne, 20_000), "", "");
  row("`JSON.parse(line)` + reads per line (20,000 lines)", perSecond(tOneJs, 20_000), "", (tOneJs / tOne).toFixed(2) + " vs per-line decode");
  rows.push("");

  // ~1 GB: one pass per tool, wall time.
  const NDJSON_KEY = "title";
  rows.push(
    `### Search for one short key (\`${NDJSON_KEY}\`) in ${(size / MB).toFixed(0)} MB of Open Library lines (streamed from /dev/shm)`,
    "",
    "| row | MB/s | seconds | hits | × |",
    "|---|---:|---:|---:|---:|",
  );
  let start = performance.now();
  let hits = 0; // a leaf under an index has no short key (SPEC section 1): isbn_13[0] is not found by "isbn_13"
  const stream = searchStream(file, { key: NDJSON_KEY });
  for await (const out of stream) for (let at = out.indexOf(0x0a); at >= 0; at = out.indexOf(0x0a, at + 1)) hits++;
  const tFlat = (performance.now() - start) / 1000;
  start = performance.now();
  let jsCount = 0;
  const decoder = new TextDecoder();
  let carry = "";
  for await (const part of Bun.file(file).stream()) {
    const text = carry + decoder.decode(part, { stream: true });
    const lastNl = text.lastIndexOf("\n");
    carry = text.slice(lastNl + 1);
    for (const line of text.slice(0, lastNl).split("\n")) {
      if (!line) continue;
      const found: [string, unknown][] = [];
      walkKey(JSON.parse(line), NDJSON_KEY, found);
      jsCount += found.length;
    }
  }
  const tJs = (performance.now() - start) / 1000;
  if (jsCount !== hits) throw new Error(`walk found ${jsCount}, searchStream ${hits}`);
  const jqBytes = Number(args["jq-bytes"]) || size;
  let jqFile = file;
  if (jqBytes < size) {
    const part = readFileSync(file).subarray(0, jqBytes);
    jqFile = `${file}.jq-part`;
    writeFileSync(jqFile, part.subarray(0, part.lastIndexOf(0x0a) + 1));
  }
  const tJq = jqSeconds(jqFile, NDJSON_KEY);
  const jqMb = statSync(jqFile).size / MB;
  if (jqFile !== file) Bun.spawnSync(["rm", "-f", jqFile]);
  row("jsonflat `searchStream` (one native call per 8 MiB chunk)", (size / MB / tFlat).toFixed(0), tFlat.toFixed(1), hits, "1");
  row("stream + split + `JSON.parse` + JS walk per line", (size / MB / tJs).toFixed(0), tJs.toFixed(1), jsCount, (tJs / tFlat).toFixed(1));
  row(`\`jq -c '.. | .${NDJSON_KEY}? // empty'\`${jqFile === file ? "" : ` (first ${jqMb.toFixed(0)} MB)`}`, (jqMb / tJq).toFixed(1), tJq.toFixed(1), "", ((size / MB / tFlat) / (jqMb / tJq)).toFixed(0));
  rows.push("");
}

/*------------------------------------------------------------------------------
 * Path index
 *----------------------------------------------------------------------------*/

rows.push("### Path index: build once, then look up", "", "| document | build ms | nodes | get/s | byKey/s | byValue/s | search (re-parse) per lookup/s |", "|---|---:|---:|---:|---:|---:|---:|");
for (const name of ["twitter", "citm_catalog", "canada"]) {
  const bytes = readFileSync(`${DATA}bench/${name}.json`);
  const tBuild = await medianNs(`index ${name}`, () => pathIndex(bytes).dispose());
  const idx = pathIndex(bytes);
  const paths = search(bytes, { path: "**", limit: 5000 }).hits.map(([p]) => p);
  const keys = [...new Set(paths.map((p) => /(?:\.|^)([A-Za-z_$][\w$]*)(?:\[\d+\])*$/.exec(p)?.[1]).filter(Boolean))] as string[];
  let i = 0;
  const tGet = await medianNs(`get ${name}`, () => do_not_optimize(idx.get(paths[i++ % paths.length]!)));
  const tKey = await medianNs(`byKey ${name}`, () => do_not_optimize(idx.byKey(keys[i++ % keys.length]!, { limit: 10 })));
  const values = [true, false, null, 0, 1, "en"];
  const tValue = await medianNs(`byValue ${name}`, () => do_not_optimize(idx.byValue(values[i++ % values.length], { limit: 10 })));
  const q = compileQuery({ key: keys[0]!, limit: 10 });
  const tReparse = await medianNs(`search ${name}`, () => do_not_optimize(search(bytes, q).count));
  const per = (ns: number) => Math.round(1e9 / ns).toLocaleString("en");
  row(`${name}.json (${(bytes.byteLength / MB).toFixed(2)} MB)`, (tBuild / 1e6).toFixed(2), idx.nodes.toLocaleString("en"), per(tGet), per(tKey), per(tValue), per(tReparse));
  idx.dispose();
}
rows.push("", "byKey and byValue return at most 10 hits each; `search` re-parses the whole document for each lookup.");

load.push(loadavg()[0]!.toFixed(2));
const header = `Bun ${Bun.version} · ${cpus()[0]?.model} (${cpus().length} cores, load ${load.join(" → ")}, shared with other jobs: lower bounds) · ${new Date().toISOString().slice(0, 16)}Z`;
console.log(header);
if (args.save) {
  const path = new URL("./RESULTS.md", import.meta.url).pathname;
  const intro = `# Lookup benchmarks (search, typed decode, path index)\n\n${header}\n\nCommand: \`nice -n 10 node_modules/.bin/bun bench/lookup/lookup.bench.ts --ndjson /dev/shm/jf-ol-1g.ndjson --jq-bytes 100000000 --save\` (see the top of lookup.bench.ts for generating the file).\n\n`;
  writeFileSync(path, intro + rows.join("\n") + "\n");
  console.log(`saved ${path}`);
}
