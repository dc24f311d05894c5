/**
 * @module hostile-globs.bench — how long hostile globs take to be answered: long runs of `**` over a ~3 MB
 * document and a 1 MB glob over twitter.json, through the library and through the HTTP handler's `/search`.
 * Prints one line per case: the outcome (hit count or error code) and the wall time of one call.
 *
 *   nice -n 10 node_modules/.bin/bun bench/search/hostile-globs.ts
 *
 * Not a test: times on a shared machine vary; the point is the order of magnitude (seconds before the limits
 * of docs/decisions.md "Search limits", milliseconds after).
 */
import { readFileSync } from "node:fs";
import { JsonFlatError, search } from "../../src/index";
import { createHandler } from "../../src/server/index";

const DATA = new URL("../../../shared/data/bench/", import.meta.url).pathname;
const twitter = readFileSync(`${DATA}twitter.json`, "utf8");
const canada = readFileSync(`${DATA}canada.json`, "utf8");
/** ~2.8 MB: canada's deep number arrays and twitter's wide objects under one root. */
const threeMb = `{"canada":${canada},"twitter":${twitter}}`;

/** `**` segments joined by dots, ending in a name no leaf has (the matcher's worst case: every leaf fails late). */
function stars(count: number, tail = "nope"): string {
  return `${Array.from({ length: count }, () => "**").join(".")}.${tail}`;
}

/** `**.*` repeated: nothing to collapse, every `**` stays live (the automaton's widest state). */
function alternating(segments: number): string {
  return Array.from({ length: segments }, (_, i) => (i % 2 ? "*" : "**")).join(".");
}

/** 2.8 MB nested 9,000 deep with 1.4 M leaves at the bottom: every leaf path is 9,000 segments long. */
const deep = `${"[".repeat(9000)}${Array(1_400_000).fill("0").join(",")}${"]".repeat(9000)}`;
const oneMbGlob = stars(Math.floor((1 << 20) / 3), "id");
const cases: [string, string, string][] = [
  ["10,000 ** + name over 2.8 MB", threeMb, stars(10_000)],
  ["1 MB of ** + id over twitter.json", twitter, oneMbGlob],
  ["60 KB of ** + id over twitter.json", twitter, stars(20_000, "id")],
  ["1,024 segments **.*.**.* over 2.8 MB", threeMb, alternating(1024)],
  ["1,025 segments **.*.**.* (over the limit)", threeMb, alternating(1025)],
  ["**.x over 9,000-deep 2.8 MB", deep, "**.x"],
  ["20 ** + [1]x12 + [2] over 9,000-deep", deep, `${Array(20).fill("**").join(".")}${"[1]".repeat(12)}[2]`],
  ["**.user.**.id over twitter.json (usual)", twitter, "**.user.**.id"],
];

function timed(run: () => string): [string, number] {
  const started = performance.now();
  const outcome = run();
  return [outcome, performance.now() - started];
}

function library(doc: string, path: string): string {
  try {
    return `${search(doc, { path }).count} hits`;
  } catch (error) {
    if (error instanceof JsonFlatError) return `${error.code}: ${error.message.slice(0, 90)}`;
    throw error;
  }
}

const handler = createHandler({ page: false });
async function http(doc: string, path: string): Promise<[string, number]> {
  const url = `http://bench.invalid/search?path=${encodeURIComponent(path)}`;
  const started = performance.now();
  const response = await handler(new Request(url, { method: "POST", body: doc, headers: { "content-type": "application/json" } }));
  const body = await response.text();
  return [`HTTP ${response.status} ${body.slice(0, 90)}`, performance.now() - started];
}

for (const [name, doc, path] of cases) {
  const [outcome, ms] = timed(() => library(doc, path));
  console.log(`library  ${name.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms  ${outcome}`);
  const [status, httpMs] = await http(doc, path);
  console.log(`http     ${name.padEnd(40)} ${httpMs.toFixed(0).padStart(7)} ms  ${status}`);
}
