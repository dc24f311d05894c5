/**
 * @module wal.bench — write-ahead log throughput from Bun: 1, 2 and 8 Workers each calling appendAndSync with
 * 200-byte records (records/s, fsyncs/s, records per fsync: group commit across Workers), and appends without
 * sync from the main thread (MB/s).
 *
 *   bun bench/durability/wal.bench.ts [dir] [seconds per case]
 *
 * The directory should be on the disk being measured (default bench/results/tmp/wal-bench, gitignored).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { log } from "../../src/core/log";
import { Wal } from "../../src/durable/wal";

const dir = process.argv[2] || join(import.meta.dir, "..", "results", "tmp", "wal-bench");
const seconds = Number(process.argv[3] ?? 3);
const BYTES = 200;
log.configure({ nativeLevel: "off" });

function fresh(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

const rows: string[] = [];
for (const workers of [1, 2, 8]) {
  fresh();
  const holder = Wal.open(dir); // keeps the log open between the workers' opens and closes
  const before = holder.stats().syncs;
  const until = Date.now() + 300 + seconds * 1000; // workers start within 300 ms
  const results = await Promise.all(
    Array.from({ length: workers }, () => {
      const worker = new Worker(new URL("./wal-bench-worker.ts", import.meta.url).href);
      return new Promise<{ records: number; started: number }>((resolve) => {
        worker.onmessage = (e) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.postMessage({ dir, bytes: BYTES, until });
      });
    }),
  );
  // From the first worker's start to the deadline (Worker start-up is not counted).
  const took = (until - Math.min(...results.map((r) => r.started))) / 1000;
  const records = results.reduce((n, r) => n + r.records, 0);
  const syncs = holder.stats().syncs - before;
  holder.close();
  const line = `| appendAndSync, ${workers} Worker${workers > 1 ? "s" : ""} | ${(records / took).toFixed(0)} | ${(syncs / took).toFixed(0)} | ${(records / syncs).toFixed(1)} | ${((records * BYTES) / took / 1e6).toFixed(2)} |`;
  console.log(line);
  rows.push(line);
}

fresh();
{
  const wal = Wal.open(dir);
  const record = new Uint8Array(BYTES).fill(0x6e);
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while ((n & 1023) !== 0 || performance.now() < until) {
    wal.append(record);
    n++;
  }
  const appended = (performance.now() - start) / 1000;
  wal.sync();
  const synced = (performance.now() - start) / 1000;
  wal.close();
  const line = `| append (no sync), main thread | ${(n / appended).toFixed(0)} | - | - | ${((n * BYTES) / appended / 1e6).toFixed(1)} (${((n * BYTES) / synced / 1e6).toFixed(1)} with the final sync) |`;
  console.log(line);
  rows.push(line);
}
rmSync(dir, { recursive: true, force: true });

console.log(`\n| case | records/s | fsyncs/s | records per fsync | payload MB/s |\n|---|---:|---:|---:|---:|\n${rows.join("\n")}`);
console.log(`\n(${BYTES}-byte records, ${seconds} s per case, Bun ${Bun.version}, directory ${dir})`);
