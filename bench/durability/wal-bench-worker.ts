/**
 * @module wal-bench-worker — one writer of wal.bench.ts: appendAndSync of fixed-size records until the deadline,
 * then reports how many.
 */
import { Wal } from "../../src/durable/wal";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ dir: string; bytes: number; until: number }>) => {
  const { dir, bytes, until } = event.data;
  const wal = Wal.open(dir);
  const record = new Uint8Array(bytes).fill(0x72);
  let records = 0;
  const started = Date.now();
  while (Date.now() < until) {
    wal.appendAndSync(record);
    records++;
  }
  const stats = wal.stats();
  wal.close();
  self.postMessage({ records, syncs: stats.syncs, started });
};
