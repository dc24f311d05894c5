/**
 * @module log-bench-worker — one writer of log.bench.ts: `count` records through the native logger or through
 * console.log, then reports the time taken.
 */
import { log } from "../../src/core/log";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ mode: "native" | "console"; count: number; worker: number }>) => {
  const { mode, count, worker } = event.data;
  const start = performance.now();
  if (mode === "native") {
    for (let i = 0; i < count; i++) log.info(`record ${i} from worker ${worker}: the quick brown fox jumps over the lazy dog`);
  } else {
    for (let i = 0; i < count; i++) console.log(`record ${i} from worker ${worker}: the quick brown fox jumps over the lazy dog`);
  }
  self.postMessage({ ms: performance.now() - start });
};
