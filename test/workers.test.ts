/**
 * @module workers.test — the library loads in fresh Bun Workers at once and gives the main thread's results.
 */
import { expect, test } from "bun:test";
import { flattenBytes } from "../src/index";
import { native } from "../src/native";

const docs = [
  '{"a":{"b":[1,2,{"c":"d"}]},"e":"\\u00e9"}',
  await Bun.file(new URL("../../shared/data/bench/twitter.json", import.meta.url)).text(),
  "[".repeat(500) + "1" + "]".repeat(500),
];

function runWorker(): Promise<{ outputs: string[]; path: string }> {
  const worker = new Worker(new URL("./fixtures/flatten-worker.ts", import.meta.url).href);
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      resolve(event.data);
      worker.terminate();
    };
    worker.onerror = (event) => reject(event.error ?? new Error(String(event.message)));
    worker.postMessage({ docs, rounds: 20 });
  });
}

test("four workers load the library concurrently and agree with the main thread", async () => {
  const expected = docs.map((doc) => new TextDecoder().decode(flattenBytes(doc)));
  const baseline = native().allocStats().liveBlocks;
  const results = await Promise.all([runWorker(), runWorker(), runWorker(), runWorker()]);
  for (const result of results) {
    expect(result.path).toBe(native().path);
    expect(result.outputs).toEqual(expected);
  }
  Bun.gc(true);
  expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(baseline);
}, 60_000);
