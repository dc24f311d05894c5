/**
 * @module leak.test — proves that no path through the public API leaks native memory.
 */
import { expect, test } from "bun:test";
import { flatten, flattenBytes, flattenEntries, unflatten, unflattenBytes } from "../src/index";
import { native } from "../src/native";

const inputs = [
  '{"a":{"b":[1,2,{"c":"d"}]},"e":12345678901234567890}',
  '{"a":[{"b":1},{"b":2,"c":null}]}',
  "[]",
  "42",
  '{"a": tru}',
  '{"a":',
  "[".repeat(50) + "]".repeat(50),
];

function churn(rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    const input = inputs[i % inputs.length]!;
    try {
      flatten(input, { mode: i % 2 ? "grouped" : "leaf", bigint: i % 3 ? "bigint" : "number", maxNesting: 40 });
    } catch {}
    try {
      flattenEntries(input, { style: "pointer" });
    } catch {}
    try {
      const bytes = flattenBytes(input, { style: "flat" });
      if (i % 2) bytes.dispose(); // the other half is left to the garbage collector
    } catch {}
    try {
      unflatten('{"a[1].b":1,"c":"x"}');
      unflattenBytes(i % 5 ? '{"a":1}' : '{"a":1,"a.b":2}');
    } catch {}
  }
}

test("live native blocks return to the baseline after 20,000 mixed calls", async () => {
  Bun.gc(true);
  const baseline = native().allocStats().liveBlocks;
  churn(5_000);
  for (let i = 0; i < 5 && native().allocStats().liveBlocks !== baseline; i++) {
    Bun.gc(true);
    await Bun.sleep(5);
  }
  const stats = native().allocStats();
  expect(stats.totalBlocks).toBeGreaterThan(20_000);
  expect(stats.liveBlocks).toBe(baseline);
});
