#!/usr/bin/env bun
/**
 * @module soak — a million mixed native calls (valid, invalid, huge, tiny) from 2 Bun Workers, then proof
 * that nothing leaked: the library's process-wide live-block counter is back at its baseline and RSS is flat.
 *
 *   bun bench/soak.ts [--calls 1000000] [--workers 2]
 *
 * Each worker runs calls/workers calls in a fixed rotation over flatten (object, entries, bytes freed by
 * dispose() or left to the GC, grouped, schema), unflatten, search and NDJSON, on inputs from 2 bytes to
 * 1 MB, a third of them invalid (bad JSON, too deep, bad UTF-8, path conflicts, bad options). The main
 * thread samples RSS every second and prints the curve; at the end it prints live blocks before and after
 * and the RSS growth from the first 10% of the run to its end. Exit status 1 if blocks leaked or RSS grew
 * by more than 25% (and 64 MB) between the first and the last tenth of the run (after warm-up).
 * Not part of the CI suite: a million calls take minutes on a shared 2-core machine.
 */
import { parseArgs } from "node:util";
import { flatten, flattenBytes, flattenEntries, flattenLines, search, unflatten } from "../src/index";
import { native } from "../src/native";

const MB = 1 << 20;

/** The inputs of the rotation: [label, bytes]. */
function inputs(): [string, Uint8Array][] {
  const enc = new TextEncoder();
  const big = enc.encode(JSON.stringify({ items: Array.from({ length: 12_000 }, (_, i) => ({ id: i, name: `n${i}`, tags: ["a", "b"], v: i / 7 })) }));
  return [
    ["tiny", enc.encode("1")],
    ["small", enc.encode('{"a":{"b":[1,2,{"c":"d"}]},"e":12345678901234567890,"f":null}')],
    ["wide", enc.encode(JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]))))],
    ["huge", big],
    ["string", enc.encode(JSON.stringify("x".repeat(MB / 4)))],
    ["bad-json", enc.encode('{"a": [1, 2,, 3]}')],
    ["bad-utf8", Uint8Array.from([0x7b, 0x22, 0x61, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ["too-deep", enc.encode("[".repeat(20_000) + "]".repeat(20_000))],
    ["truncated", big.subarray(0, big.length >> 1)],
  ];
}

function work(calls: number, id: number): void {
  const list = inputs();
  const lines = new TextEncoder().encode('{"a":1}\n{"b":[2]}\n{bad\n\n{"c":{"d":3}}\n');
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < calls; i++) {
    let [label, input] = list[i % list.length]!;
    // The big inputs cost far more than the rest: one turn in 64 takes them, the others a tiny input.
    if ((label === "huge" || label === "string" || label === "truncated") && ((i >> 4) + id) % 64 !== 0) {
      [label, input] = list[0]!;
    }
    try {
      switch ((i >> 3) % 9) {
        case 0: flatten(input); break;
        case 1: flattenEntries(input, { style: "pointer" }); break;
        case 2: flattenBytes(input, { format: "entries" }).dispose(); break;
        case 3: flattenBytes(input, { style: "flat" }); break; // left to the garbage collector
        case 4: flatten(input, { mode: i & 1 ? "grouped" : "schema" }); break;
        case 5: unflatten(i & 1 ? '{"a[1].b":1,"c":"x"}' : '{"a":1,"a.b":2}'); break;
        case 6: search(input, { key: "id", limit: 5 }); break;
        case 7: flattenLines(lines, { onError: i & 1 ? "skip" : "emit" }).dispose(); break;
        case 8: flatten(input, { maxDepth: 2, delimiter: i & 1 ? "::" : "𝄞".repeat(9) }); break; // 36 bytes: INVALID_OPTION
      }
      ok++;
    } catch {
      failed++;
    }
  }
  postMessage({ done: true, ok, failed });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { calls: { type: "string", default: "1000000" }, workers: { type: "string", default: "2" } } });
  const calls = Number(values.calls);
  const workers = Number(values.workers);
  Bun.gc(true);
  const baseline = native().allocStats();
  const start = performance.now();
  const curve: { t: number; rssMb: number; live: number }[] = [];
  const sample = () => curve.push({ t: (performance.now() - start) / 1000, rssMb: process.memoryUsage.rss() / MB, live: native().allocStats().liveBlocks });
  sample();
  const timer = setInterval(sample, 1000);
  const results = await Promise.all(
    Array.from({ length: workers }, (_, id) => {
      const w = new Worker(import.meta.url, { env: { ...process.env, JF_SOAK_WORKER: String(id), JF_SOAK_CALLS: String(Math.ceil(calls / workers)) } });
      return new Promise<{ ok: number; failed: number }>((resolve, reject) => {
        w.onmessage = (e) => {
          resolve(e.data);
          w.terminate();
        };
        w.onerror = (e) => reject(e);
      });
    }),
  );
  clearInterval(timer);
  for (let i = 0; i < 50; i++) {
    Bun.gc(true);
    await Bun.sleep(20);
    if (native().allocStats().liveBlocks === baseline.liveBlocks) break;
  }
  sample();
  const after = native().allocStats();
  const seconds = (performance.now() - start) / 1000;
  const ok = results.reduce((n, r) => n + r.ok, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);

  console.log("t_s\trss_mb\tlive_blocks");
  const step = Math.max(1, Math.floor(curve.length / 40));
  for (let i = 0; i < curve.length; i += step) {
    const c = curve[i]!;
    console.log(`${c.t.toFixed(0)}\t${c.rssMb.toFixed(1)}\t${c.live}`);
  }
  const last = curve[curve.length - 1]!;
  console.log(`${last.t.toFixed(0)}\t${last.rssMb.toFixed(1)}\t${last.live}`);
  const tenth = Math.max(1, Math.floor(curve.length / 10));
  const early = Math.max(...curve.slice(tenth, 2 * tenth).map((c) => c.rssMb));
  const late = Math.max(...curve.slice(-tenth).map((c) => c.rssMb));
  const growth = late - early;
  console.log(
    `soak: ${ok + failed} calls (${ok} ok, ${failed} clear errors) from ${workers} workers in ${seconds.toFixed(0)} s; ` +
      `native blocks allocated ${after.totalBlocks - baseline.totalBlocks}; live blocks ${baseline.liveBlocks} before, ${after.liveBlocks} after; ` +
      `peak RSS in the second tenth ${early.toFixed(1)} MB, in the last tenth ${late.toFixed(1)} MB (growth ${growth.toFixed(1)} MB)`,
  );
  const leaked = after.liveBlocks !== baseline.liveBlocks;
  const grew = growth > Math.max(64, early * 0.25);
  if (leaked) console.log("soak: FAILED: native blocks leaked");
  if (grew) console.log("soak: FAILED: RSS grew");
  return leaked || grew ? 1 : 0;
}

if (process.env.JF_SOAK_WORKER !== undefined && !Bun.isMainThread) {
  work(Number(process.env.JF_SOAK_CALLS), Number(process.env.JF_SOAK_WORKER));
} else {
  process.exit(await main());
}
