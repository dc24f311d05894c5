/**
 * @module bench/types/run — does collecting types from data cost the per-path schema anything? Runs
 * bench/types/once.ts in fresh processes, alternating a baseline library (built from the commit before types
 * from data) and this tree's, round after round, so both see the same machine load; prints the median MB/s of
 * each and their ratio.
 *
 * @example
 * // bun bench/types/run.ts /tmp/base/zig-out/lib/libjsonflat.so zig-out/lib/libjsonflat.so /tmp/ol200.txt 5 5
 */
const [baseLib, newLib, file, column = "0", roundsText = "5"] = process.argv.slice(2);
if (!baseLib || !newLib || !file) throw new Error("usage: run.ts BASE_LIB NEW_LIB FILE [COLUMN] [ROUNDS]");
const once = new URL("./once.ts", import.meta.url).pathname;
const LABELS = ["schema, baseline", "schema, this tree", "types, this tree"] as const;
const wall: Record<string, number[]> = Object.fromEntries(LABELS.map((l) => [l, []]));
const cpu: Record<string, number[]> = Object.fromEntries(LABELS.map((l) => [l, []]));

function pass(lib: string, mode: string): { seconds: number; cpuSeconds: number; bytes: number } {
  const child = Bun.spawnSync([process.execPath, once, mode, file!, column], { env: { ...process.env, JSONFLAT_LIB: lib }, stdout: "pipe", stderr: "inherit" });
  if (child.exitCode !== 0) throw new Error(`once.ts ${mode} with ${lib} failed`);
  return JSON.parse(child.stdout.toString());
}

for (let round = 0; round < Number(roundsText); round++) {
  for (const [label, lib, mode] of [["schema, baseline", baseLib, "schema"], ["schema, this tree", newLib, "schema"], ["types, this tree", newLib, "types"]] as const) {
    const { seconds, cpuSeconds, bytes } = pass(lib, mode);
    wall[label]!.push(bytes / 1e6 / seconds);
    cpu[label]!.push(bytes / 1e6 / cpuSeconds);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [what, runs] of [["wall", wall], ["CPU", cpu]] as const) {
  const base = median(runs["schema, baseline"]!);
  for (const label of LABELS) {
    const mbs = runs[label]!;
    console.log(`${what.padEnd(4)} ${label.padEnd(18)} median ${median(mbs).toFixed(0).padStart(5)} MB/s  (${(median(mbs) / base).toFixed(3)}× baseline schema; runs ${mbs.map((x) => x.toFixed(0)).join(" ")})`);
  }
}
