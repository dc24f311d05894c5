/**
 * @module bench/objects/text-object — text → object: `flatten(text)` against the hand-written TypeScript flattener
 * (bench/peers/runners/hand.ts: `JSON.parse` and one walk) and against the native route alone (`JSON.parse` of the
 * native call's text), on documents of several sizes. Rounds interleave the contenders; each round times a batch of
 * calls per contender (wall clock and this process's CPU time); the table gives medians over rounds.
 *
 * @example
 * nice -n 10 bun bench/objects/text-object.ts                          # tiny documents, 64 B to 1 KB
 * nice -n 10 bun bench/objects/text-object.ts --file /tmp/big-10M.json --rounds 7
 */
import { parseArgs } from "node:util";
import { flatten } from "../../src/index";
import { resolveOptions } from "../../src/core/options";
import { native } from "../../src/native";
import { flattenToObject } from "../peers/runners/hand";
import { DOC64, doc1k } from "../harness/workloads";
import { stat } from "../harness/measure";

const { values: args } = parseArgs({
  options: { file: { type: "string" }, rounds: { type: "string", default: "21" }, budget: { type: "string", default: "40" } },
});
const rounds = Number(args.rounds);
/** Milliseconds of calls per contender per round. */
const budgetMs = Number(args.budget);

const docs: { name: string; text: string }[] = args.file
  ? [{ name: args.file.split("/").pop()!, text: await Bun.file(args.file).text() }]
  : [
      { name: "64 B", text: DOC64 },
      { name: "128 B", text: JSON.stringify({ id: 42, user: { name: "Ada Lovelace", tags: ["x", "y", "z"], admin: false }, ok: true, n: 1, ratio: 0.25, note: null }) },
      { name: "190 B", text: JSON.stringify({ id: 42, user: { name: "Ada Lovelace", email: "ada@example.org", tags: ["x", "y", "z"], admin: false }, ok: true, n: 1, ratio: 0.25, note: null, created: 1717171717, items: [{ a: 1 }] }) },
      { name: "256 B", text: JSON.stringify({ id: 42, user: { name: "Ada Lovelace", email: "ada@example.org", tags: ["x", "y", "z"], admin: false, langs: ["en", "fr"] }, ok: true, n: 1, ratio: 0.25, note: null, created: 1717171717, items: [{ sku: "A-1", qty: 2 }, { sku: "B-2", qty: 1 }] }) },
      { name: "1 KB", text: doc1k() },
    ];

const plain = resolveOptions(undefined);
const contenders: [string, (text: string) => unknown][] = [
  ["hand-written TS", (text) => flattenToObject(JSON.parse(text))],
  ["jsonflat flatten(text)", (text) => flatten(text)],
  ["native route only", (text) => JSON.parse(native().flattenText(new TextEncoder().encode(text), plain).text)],
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

console.log(`Bun ${Bun.version}; ${rounds} rounds, ~${budgetMs} ms of calls per contender per round; medians per call.`);
console.log("| document | bytes | " + contenders.map(([n]) => `${n} wall / CPU`).join(" | ") + " | flatten ÷ hand (wall, CPU) |");
console.log("|---|---:|" + contenders.map(() => "---:").join("|") + "|---:|");
for (const { name, text } of docs) {
  const bytes = Buffer.byteLength(text);
  // Calls per batch from a warm-up of the slowest contender, so that every batch is long enough to time.
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) for (const [, fn] of contenders) fn(text);
    if (performance.now() - t0 > budgetMs) break;
    n *= 2;
  }
  const wall = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach(([, fn], c) => {
      const w0 = performance.now(), c0 = cpuMs();
      for (let i = 0; i < n; i++) fn(text);
      wall[c]!.push((performance.now() - w0) / n);
      cpu[c]!.push((cpuMs() - c0) / n);
    });
  }
  const w = wall.map((s) => stat(s).median), c = cpu.map((s) => stat(s).median);
  const unit = (ms: number) => (ms < 0.01 ? `${(ms * 1e6).toFixed(0)} ns` : ms < 10 ? `${(ms * 1e3).toFixed(1)} µs` : `${ms.toFixed(0)} ms`);
  console.log(`| ${name} | ${bytes} | ${w.map((x, i) => `${unit(x)} / ${unit(c[i]!)}`).join(" | ")} | ${(w[0]! / w[1]!).toFixed(2)}×, ${(c[0]! / c[1]!).toFixed(2)}× |`);
}
