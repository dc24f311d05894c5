/**
 * @module coworker.test — the worker pool: sync (size 0) and async modes agree, errors reject one task,
 * cancellation, timeouts, dead workers, stats, close, and buffer transfer.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Pool, WorkerCrashError } from "../src/coworker";
import { JsonFlatError, flattenBytes, flattenLines, unflattenBytes } from "../src/index";
import { native } from "../src/native";
import { TEST_TASKS } from "./fixtures/coworker-worker";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const FIXTURE = new URL("./fixtures/coworker-worker.ts", import.meta.url);
const OPENLIBRARY = new URL("../../shared/data/openlibrary/works-head-n1000.txt", import.meta.url).pathname;

const pools: Pool[] = [];
/**
 * A pool closed (abort) after the file's tests, serving the fixture tasks unless `fixture` is false.
 * `graceMs` is long by default (a task that checks is always given time to stop, however busy the machine)
 * and short in the tests of hung tasks.
 */
function pool(size: number, { fixture = true, timeoutMs, graceMs = 10_000 }: { fixture?: boolean; timeoutMs?: number; graceMs?: number } = {}): Pool {
  const p = new Pool({ size, workerUrl: fixture ? FIXTURE : undefined, tasks: fixture ? TEST_TASKS : undefined, timeoutMs, graceMs });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close({ mode: "abort" })));
});

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** Waits until `check()` holds (polling), for state that changes when a worker event arrives. */
async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(5);
  }
}

describe("sync (size 0) and async modes", () => {
  const sync = pool(0, { fixture: false });
  const async = pool(2, { fixture: false });
  const doc = '{"a":{"b c":[1,2.50,{"d":"\\u00e9"}]},"big":12345678901234567890,"e":[],"f":{}}';
  const ndjson = `${doc}\n\n{"x":1}\r\nnot json\n{"y":[true,null]}`;

  test("flatten, unflatten and flattenLines give the library's bytes and counters", async () => {
    for (const p of [sync, async]) {
      const flat = await p.run("flatten", { input: doc, options: { style: "pointer", format: "entries" } });
      const direct = flattenBytes(doc, { style: "pointer", format: "entries", bigint: "string" });
      const viaPool = await p.run("flatten", { input: doc, options: { style: "pointer", format: "entries", bigint: "string" } });
      expect(decode(viaPool.bytes)).toBe(decode(direct));
      expect(viaPool.leaves).toBe(6);
      expect(viaPool.unsafeIntegers).toBe(direct.unsafeIntegers);
      expect(decode(flat.bytes)).toBe(decode(flattenBytes(doc, { style: "pointer", format: "entries" })));

      const back = await p.run("unflatten", { input: decode(flattenBytes(doc)) });
      expect(decode(back.bytes)).toBe(decode(unflattenBytes(flattenBytes(doc))));

      const lines = await p.run("flattenLines", { input: ndjson, options: { onError: "emit", firstLine: 10, baseOffset: 100 } });
      const expected = flattenLines(ndjson, { onError: "emit", firstLine: 10, baseOffset: 100 });
      expect(decode(lines.bytes)).toBe(decode(expected));
      expect({ ...lines, bytes: undefined }).toEqual({
        bytes: undefined,
        lines: 5,
        documents: 3,
        errors: 1,
        leaves: expected.leaves,
        unsafeIntegers: expected.unsafeIntegers,
        firstError: expected.firstError!.toJSON(),
      });
      expect(lines.firstError!.line).toBe(13);
    }
  });

  test("flattenRange reads the file itself; both modes agree", async () => {
    const size = Bun.file(OPENLIBRARY).size;
    const params = { path: OPENLIBRARY, start: 0, end: size, options: { column: 5 }, readBytes: 50_000 };
    const here = await sync.run("flattenRange", params);
    const there = await async.run("flattenRange", params);
    const text = (r: typeof here) => r.chunks.map((c) => decode(c.bytes)).join("");
    expect(text(there)).toBe(text(here));
    expect(there.chunks.length).toBe(here.chunks.length);
    expect({ ...there, chunks: 0 }).toEqual({ ...here, chunks: 0 });
    expect(here.lines).toBe(1000);
    expect(here.documents).toBe(1000);
    expect(here.bytesRead).toBe(size);
  });

  test("a task's JsonFlatError crosses threads with its code and position", async () => {
    for (const p of [sync, async]) {
      const error = await rejection(p.run("flatten", { input: '{"a":[1,}' }));
      expect(error).toBeInstanceOf(JsonFlatError);
      let expected: JsonFlatError | undefined;
      try {
        flattenBytes('{"a":[1,}');
      } catch (e) {
        expected = e as JsonFlatError;
      }
      expect(error.toJSON()).toEqual(expected!.toJSON());

      const option = await rejection(p.run("flatten", { input: "{}", options: { style: "nope" as never } }));
      expect(option.code).toBe("INVALID_OPTION");

      const unknown = await rejection(p.run("nope", {}));
      expect(unknown.code).toBe("INVALID_OPTION");
      expect(unknown.message).toContain("unknown task");

      const io = await rejection(p.run("flattenRange", { path: "/nonexistent/file", start: 0 }));
      expect(io.code).toBe("IO");
    }
  });

  test("size 0 runs the task synchronously inside run()", async () => {
    const p = pool(0);
    let ran = false;
    const promise = p.run("block", { ms: 1 }, { onProgress: () => (ran = true) });
    expect(ran).toBe(true); // before any await
    expect(await promise).toEqual({ ms: 1, inWorker: false });
  });

  test("size 0: abort and timeout are checked between a task's steps", async () => {
    const p = pool(0);
    const controller = new AbortController();
    const aborted = await rejection(p.run("block", { ms: 5_000 }, { signal: controller.signal, onProgress: () => controller.abort() }));
    expect(aborted.code).toBe("ABORTED");
    const timedOut = await rejection(p.run("block", { ms: 5_000 }, { timeoutMs: 30 }));
    expect(timedOut.code).toBe("TIMEOUT");
    expect(p.stats()).toMatchObject({ done: 0, failed: 1, aborted: 1, timedOut: 1, workers: 0 });
  });
});

describe("errors reject one task only", () => {
  test("a task that throws rejects with its error; the worker stays", async () => {
    const p = pool(1);
    const error = await rejection(p.run("throws", { message: "bad input" }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TypeError");
    expect(error.message).toBe("bad input");
    expect(await p.run("sleep", { ms: 1, value: "next" })).toBe("next");
    expect(p.stats()).toMatchObject({ failed: 1, done: 1, crashed: 0, replaced: 0, workers: 1 });
  });

  test("values that cannot cross threads reject the task, in either direction", async () => {
    const p = pool(1);
    const back = await rejection(p.run("uncloneable", {}));
    expect(back).toBeInstanceOf(Error);
    const out = await rejection(p.run("sleep", { ms: 1, value: () => 1 }));
    expect(out).toBeInstanceOf(Error);
    expect(await p.run("sleep", { ms: 1, value: "fine" })).toBe("fine");
    expect(p.stats()).toMatchObject({ failed: 2, done: 1, crashed: 0, running: 0 });
  });

  test("a worker that exits rejects its task; others finish; the worker is replaced", async () => {
    const p = pool(2);
    const others = [p.run("sleep", { ms: 200, value: 1 }), p.run("sleep", { ms: 10, value: 2 }), p.run("sleep", { ms: 10, value: 3 })];
    const error = await rejection(p.run("exit", { code: 3 }));
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error.code).toBe("WORKER_CRASHED");
    expect(error.exitCode).toBe(3);
    expect(await Promise.all(others)).toEqual([1, 2, 3]);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => p.run("sleep", { ms: 1, value: i })));
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.stats()).toMatchObject({ crashed: 1, failed: 1, done: 9, workers: 2 });
    expect(p.stats().replaced).toBeGreaterThanOrEqual(1);
  });

  test("an uncaught error thrown later inside the worker rejects the running task", async () => {
    const p = pool(1);
    const error = await rejection(p.run("throwLater", {}));
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error.message).toContain("uncaught in worker");
    const out = await p.run("flatten", { input: '{"a":1}' });
    expect(decode(out.bytes)).toBe('{"a":1}');
  });

  test("a worker script that cannot load fails each task instead of looping", async () => {
    const p = new Pool({ size: 1, workerUrl: new URL("./fixtures/coworker-missing.ts", import.meta.url) });
    pools.push(p);
    const error = await rejection(p.run("flatten", { input: "{}" }));
    expect(error).toBeInstanceOf(WorkerCrashError);
    const again = await rejection(p.run("flatten", { input: "{}" }));
    expect(again).toBeInstanceOf(WorkerCrashError);
    await Bun.sleep(100);
    expect(p.stats().workers).toBeLessThanOrEqual(1);
  });
});

describe("cancellation and timeouts", () => {
  test("aborting a queued task removes it; the running one goes on", async () => {
    const p = pool(1);
    const running = p.run("sleep", { ms: 300, value: "first" });
    const controller = new AbortController();
    const queued = p.run("sleep", { ms: 1, value: "second" }, { signal: controller.signal });
    const third = p.run("sleep", { ms: 1, value: "third" });
    expect(p.stats().queued).toBe(2);
    controller.abort();
    const error = await rejection(queued);
    expect(error).toBeInstanceOf(JsonFlatError);
    expect(error.code).toBe("ABORTED");
    expect(p.stats().queued).toBe(1);
    expect(await running).toBe("first");
    expect(await third).toBe("third");
    expect(p.stats()).toMatchObject({ aborted: 1, done: 2, replaced: 0 });
  });

  test("aborting a running task: it stops at its next checkpoint and the worker is reused", async () => {
    const p = pool(1);
    const controller = new AbortController();
    const blocked = p.run("block", { ms: 30_000 }, { signal: controller.signal, onProgress: () => controller.abort() });
    const next = p.run("flatten", { input: '{"b":[2]}' });
    const error = await rejection(blocked);
    expect(error).toBeInstanceOf(JsonFlatError);
    expect(error.code).toBe("ABORTED");
    expect(decode((await next).bytes)).toBe('{"b[0]":2}');
    expect(p.stats()).toMatchObject({ aborted: 1, done: 1, replaced: 0, crashed: 0, workers: 1, stopping: 0 });
  });

  test("aborting a running task that does not stop: its worker is ended after the grace period", async () => {
    const p = pool(1, { graceMs: 150 });
    const controller = new AbortController();
    const hung = p.run("hang", {}, { signal: controller.signal });
    const next = p.run("flatten", { input: '{"b":[2]}' });
    await until(() => p.stats().running === 1);
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(hung);
    expect(error.code).toBe("ABORTED");
    expect(p.stats()).toMatchObject({ stopping: 1, running: 0, queued: 1 }); // rejected at once; the worker is still busy
    expect(decode((await next).bytes)).toBe('{"b[0]":2}');
    expect(p.stats()).toMatchObject({ aborted: 1, done: 1, replaced: 1, workers: 1, stopping: 0 });
  });

  test("graceMs: 0 ends the worker at once", async () => {
    const p = new Pool({ size: 1, workerUrl: FIXTURE, graceMs: 0 });
    pools.push(p);
    const error = await rejection(p.run("block", { ms: 30_000 }, { timeoutMs: 50 }));
    expect(error.code).toBe("TIMEOUT");
    expect(p.stats()).toMatchObject({ replaced: 1, stopping: 0, workers: 1 });
    expect(await p.run("sleep", { ms: 1, value: "ok" })).toBe("ok");
  });

  test("an already aborted signal rejects at once", async () => {
    const p = pool(1);
    const error = await rejection(p.run("sleep", { ms: 1 }, { signal: AbortSignal.abort() }));
    expect(error.code).toBe("ABORTED");
    expect(p.stats().queued).toBe(0);
  });

  test("a timeout frees the worker: a task that checks stops and keeps its worker", async () => {
    const p = pool(1);
    const started = performance.now();
    const error = await rejection(p.run("block", { ms: 30_000 }, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(JsonFlatError);
    expect(error.code).toBe("TIMEOUT");
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(decode((await p.run("flatten", { input: "[1]" })).bytes)).toBe('{"[0]":1}');
    expect(p.stats()).toMatchObject({ timedOut: 1, failed: 1, done: 1, replaced: 0, workers: 1 });
  });

  test("a timeout ends a hung worker and the pool keeps working", async () => {
    const p = pool(1, { graceMs: 150 });
    const error = await rejection(p.run("hang", {}, { timeoutMs: 100 }));
    expect(error.code).toBe("TIMEOUT");
    expect(decode((await p.run("flatten", { input: "[1]" })).bytes)).toBe('{"[0]":1}');
    expect(await p.run("sleep", { ms: 1, value: 2 })).toBe(2);
    expect(p.stats()).toMatchObject({ timedOut: 1, failed: 1, done: 2, replaced: 1, workers: 1, crashed: 0 });
  });

  test("aborted native calls leave no native memory behind", async () => {
    const p = new Pool({ size: 2, graceMs: 30_000 }); // the workers finish their native calls, however busy the machine
    pools.push(p);
    const doc = JSON.stringify({ rows: Array.from({ length: 100_000 }, (_, i) => ({ i, s: `v${i}` })) });
    Bun.gc(true);
    const baseline = native().allocStats().liveBlocks;
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      const task = p.run("flatten", { input: doc }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 2 + i * 5);
      await task.catch(() => {});
    }
    await until(() => p.stats().stopping === 0 && p.stats().running === 0);
    const s = p.stats();
    expect(s.aborted + s.done).toBe(6); // a task may finish before its abort
    expect(s.replaced).toBe(0);
    Bun.gc(true);
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(baseline);
  });

  test("the pool's default timeout applies; queue time does not count", async () => {
    const p = pool(1, { timeoutMs: 2_000, graceMs: 150 });
    const first = p.run("sleep", { ms: 300, value: 1 });
    const second = p.run("sleep", { ms: 300, value: 2 }); // waits ~300 ms, runs ~300 ms: under 2 s each
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    const error = await rejection(p.run("hang", {}));
    expect(error.code).toBe("TIMEOUT");
  });

  test("progress and timing are reported per task", async () => {
    const p = pool(1);
    const progress: number[] = [];
    let timing: any;
    await p.run("block", { ms: 100 }, { onProgress: (x) => progress.push(x.done / x.total), onTiming: (t) => (timing = t) });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((v, i) => i === 0 || v >= progress[i - 1]!)).toBe(true);
    expect(timing).toMatchObject({ task: "block", ok: true, worker: expect.any(Number) });
    expect(timing.runMs).toBeGreaterThanOrEqual(90);
    expect(timing.queuedMs).toBeGreaterThanOrEqual(0);
  });

  test("invalid options are rejected", async () => {
    expect(() => new Pool({ size: -1 })).toThrow(JsonFlatError);
    const p = pool(1);
    expect((await rejection(p.run("sleep", { ms: 1 }, { timeoutMs: -5 }))).code).toBe("INVALID_OPTION");
  });
});

describe("stats and close", () => {
  test("many mixed tasks: every one settles once and the counters add up", async () => {
    const p = pool(2);
    const next = (() => {
      let seed = 7;
      return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    })();
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const r = next();
        const controller = new AbortController();
        let task: Promise<unknown>;
        if (r < 0.1) task = p.run("throws", { message: `t${i}` });
        else if (r < 0.2) {
          task = p.run("block", { ms: 50 }, { signal: controller.signal });
          setTimeout(() => controller.abort(), next() * 20);
        } else if (r < 0.25) task = p.run("block", { ms: 1_000 }, { timeoutMs: 5 + next() * 10 });
        else if (r < 0.3) task = p.run("flatten", { input: `{"i":${i}}` });
        else task = p.run("sleep", { ms: Math.floor(next() * 3), value: i });
        return task.then(
          () => "done",
          (e) => (e.code === "ABORTED" ? "aborted" : e.code === "TIMEOUT" ? "timeout" : "failed"),
        );
      }),
    );
    const count = (what: string) => outcomes.filter((o) => o === what).length;
    await until(() => p.stats().stopping === 0);
    const s = p.stats();
    expect(s.done).toBe(count("done"));
    expect(s.aborted).toBe(count("aborted"));
    expect(s.timedOut).toBe(count("timeout"));
    expect(s.failed).toBe(count("failed") + count("timeout"));
    expect(s.done + s.failed + s.aborted).toBe(300);
    expect(s).toMatchObject({ queued: 0, running: 0, workers: 2, crashed: 0 });
    expect(await p.run("sleep", { ms: 1, value: "still works" })).toBe("still works");
  });

  test("stats count tasks and give ordered percentiles", async () => {
    const p = pool(2);
    const tasks = Array.from({ length: 20 }, (_, i) => p.run("sleep", { ms: i % 4 === 0 ? 40 : 2, value: i }));
    tasks.push(p.run("throws", { message: "x" }).catch(() => -1));
    expect(p.stats().queued).toBeGreaterThan(0);
    expect(p.stats().running).toBe(2);
    await Promise.all(tasks);
    const s = p.stats();
    expect(s).toMatchObject({ size: 2, workers: 2, queued: 0, running: 0, done: 20, failed: 1 });
    expect(s.ms.count).toBe(21);
    expect(s.ms.p50).toBeGreaterThan(0);
    expect(s.ms.p50).toBeLessThanOrEqual(s.ms.p90);
    expect(s.ms.p90).toBeLessThanOrEqual(s.ms.p99);
    expect(s.ms.p99).toBeLessThanOrEqual(s.ms.max);
    expect(s.ms.p99).toBeGreaterThanOrEqual(35);
  });

  test("close() drains: queued and running tasks finish, then the workers end", async () => {
    const p = pool(2);
    const tasks = Array.from({ length: 6 }, (_, i) => p.run("sleep", { ms: 30, value: i }));
    const closed = p.close();
    expect((await rejection(p.run("sleep", { ms: 1 }))).code).toBe("ABORTED");
    await closed;
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.stats()).toMatchObject({ workers: 0, done: 6, queued: 0, running: 0 });
    await p.close(); // again: fine
  });

  test("close({ mode: 'abort' }) rejects queued and running tasks at once", async () => {
    const p = pool(2, { graceMs: 150 });
    const running = p.run("hang", {});
    const checking = p.run("block", { ms: 30_000 });
    const queued = p.run("sleep", { ms: 1 });
    await until(() => p.stats().running === 2);
    const closed = p.close({ mode: "abort" });
    expect((await rejection(running)).code).toBe("ABORTED");
    expect((await rejection(checking)).code).toBe("ABORTED");
    expect((await rejection(queued)).code).toBe("ABORTED");
    await closed; // after the hung worker's grace period
    expect(p.stats()).toMatchObject({ workers: 0, aborted: 3, running: 0, queued: 0, stopping: 0 });
  });

  test("abort cuts a drain short", async () => {
    const p = pool(1, { graceMs: 150 });
    const running = rejection(p.run("hang", {}));
    await until(() => p.stats().running === 1);
    const drained = p.close();
    await p.close({ mode: "abort" });
    await drained;
    expect((await running).code).toBe("ABORTED");
  });
});

describe("transfer", () => {
  test("default: the caller's bytes are copied (only the view's bytes) and stay usable", async () => {
    const p = pool(1);
    const big = new Uint8Array(1 << 20).fill(1);
    const view = big.subarray(10, 110);
    const r: any = await p.run("inspect", { bytes: view, size: 1000 });
    expect(r).toMatchObject({ length: 100, bufferLength: 100, offset: 0, sum: 100, inWorker: true });
    expect(big.buffer.detached).toBe(false);
    expect(view.length).toBe(100);
    expect(r.out.length).toBe(1000);
    expect(r.out[999]).toBe(7);
  });

  test("transfer: true moves the caller's buffer without a copy (it becomes detached)", async () => {
    const p = pool(1);
    const buffer = new ArrayBuffer(4096);
    new Uint8Array(buffer).fill(2);
    const view = new Uint8Array(buffer, 96, 1000);
    const r: any = await p.run("inspect", { bytes: view }, { transfer: true });
    expect(r).toMatchObject({ length: 1000, bufferLength: 4096, offset: 96, sum: 2000 });
    expect(buffer.detached).toBe(true);
    expect(view.length).toBe(0);

    const input = new TextEncoder().encode('{"a":{"b":true}}');
    const out = await p.run("flatten", { input }, { transfer: true });
    expect(decode(out.bytes)).toBe('{"a.b":true}');
    expect(input.buffer.detached).toBe(true);
  });

  test("size 0 borrows buffers: nothing is detached", async () => {
    const p = pool(0);
    const input = new TextEncoder().encode('{"a":1}');
    const out = await p.run("flatten", { input }, { transfer: true });
    expect(decode(out.bytes)).toBe('{"a":1}');
    expect(input.buffer.detached).toBe(false);
  });

  test("results arrive as plain buffers; the workers' native blocks are freed", async () => {
    const p = pool(2, { fixture: false });
    const doc = JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ i, s: `v${i}` })) });
    Bun.gc(true);
    const baseline = native().allocStats().liveBlocks;
    const results = await Promise.all(Array.from({ length: 8 }, () => p.run("flatten", { input: doc })));
    for (const r of results) {
      expect(r.bytes.buffer.byteLength).toBe(r.bytes.length);
      expect(r.leaves).toBe(4000);
    }
    expect(native().allocStats().liveBlocks).toBeLessThanOrEqual(baseline);
  });
});
