/**
 * @module coworker/pool — a pool of Bun Workers, each loading the native library once, that runs named
 * tasks with progress, timing, cancellation and timeouts. With `size: 0` the same tasks run synchronously
 * in the caller's thread.
 */
import { JsonFlatError } from "../core/errors";
import { CANCEL_ABORTED, CANCEL_TIMEOUT, deserializeError, WorkerCrashError, type InitMessage, type RunMessage, type WorkerMessage } from "./protocol";
import { TASKS, type TaskContext, type TaskName, type TaskParams, type TaskRegistry, type TaskResult } from "./tasks";
import { Timings, type TimingSummary } from "./timings";
import { prepareTransfer } from "./transfer";

/**
 * Options of `new Pool()`.
 *
 * @example
 * const pool = new Pool({ size: 4, timeoutMs: 60_000 });
 */
export interface PoolOptions {
  /** Number of workers; 0 runs every task synchronously in the caller's thread. Default: `navigator.hardwareConcurrency`. */
  size?: number;
  /** The worker script; default the built-in one (`./worker.ts`, serving `TASKS`). Point it at a script that calls `serve()` with more tasks. */
  workerUrl?: string | URL;
  /** The tasks a pool of size 0 runs in the caller's thread; default `TASKS`. */
  tasks?: TaskRegistry;
  /** Default per-task timeout in milliseconds (see `RunOptions.timeoutMs`); default none. */
  timeoutMs?: number;
  /**
   * After an abort or a timeout, how long a worker may take to stop on its own (at the task's next
   * checkpoint, or when its native call returns) before it is ended; default 2000 ms. A worker that stops
   * on its own frees its native memory and is reused; ending one in the middle of a native call loses
   * that call's output block. 0 ends the worker at once.
   */
  graceMs?: number;
}

/**
 * Progress of one task: bytes (or other units) done out of a total, as reported by the task.
 *
 * @example
 * await pool.run("flattenRange", params, { onProgress: (p) => console.log(`${p.done}/${p.total}`) });
 */
export interface TaskProgress {
  task: string;
  done: number;
  total: number;
  /** Milliseconds since the task started running. */
  elapsedMs: number;
}

/**
 * How long one task waited and ran, reported when it settles (successfully or not).
 *
 * @example
 * await pool.run("flatten", params, { onTiming: (t) => console.log(t.queuedMs, t.runMs) });
 */
export interface TaskTiming {
  task: string;
  ok: boolean;
  /** Milliseconds in the queue before a worker took it. */
  queuedMs: number;
  /** Milliseconds from the start of the run to its end (0 if it never ran). */
  runMs: number;
  /** Index of the worker that ran it; -1 in the caller's thread or when it never ran. */
  worker: number;
}

/**
 * Options of one `run()`.
 *
 * @example
 * await pool.run("flatten", { input }, { signal: AbortSignal.timeout(5_000), timeoutMs: 1_000 });
 */
export interface RunOptions {
  /** Cancels the task: rejects with `ABORTED` at once; a queued task leaves the queue, a running one is stopped as on a timeout. */
  signal?: AbortSignal;
  /**
   * Running time allowed (queue time not counted). When it passes the task rejects with `TIMEOUT` at once;
   * the worker is asked to stop and, if it has not within `graceMs` (a hung task, a long native call,
   * which nothing can interrupt), it is ended and replaced. In the caller's thread (size 0) the limit is
   * checked only between a task's steps.
   */
  timeoutMs?: number;
  /** Progress reports of the task (range tasks report after every native call). */
  onProgress?: (progress: TaskProgress) => void;
  /** The task's timing, once it settles. */
  onTiming?: (timing: TaskTiming) => void;
  /**
   * `true`: the buffers in `params` (plain objects and arrays, 4 levels deep) are moved to the worker
   * without a copy, and the caller's `ArrayBuffer`s are detached at once, whole, whichever view of them was
   * passed. `false` (default): the bytes each view covers are copied once and the copy is moved. With
   * size 0 nothing crosses threads and buffers are only borrowed for the call.
   */
  transfer?: boolean;
}

/**
 * Counters and timing of a pool.
 *
 * @example
 * const { done, failed, queued, ms } = pool.stats();
 * console.log(`${done} done, p99 ${ms.p99.toFixed(1)} ms`);
 */
export interface PoolStats {
  size: number;
  /** Workers alive now. */
  workers: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks running. */
  running: number;
  /** Workers finishing a task that was aborted or timed out (not yet free). */
  stopping: number;
  /** Tasks that succeeded. */
  done: number;
  /** Tasks that failed (their own error, a timeout or a dead worker); aborted tasks are not counted. */
  failed: number;
  /** Tasks cancelled by their signal or by `close({ mode: "abort" })`. */
  aborted: number;
  /** Failed tasks that timed out. */
  timedOut: number;
  /** Workers that died unexpectedly. */
  crashed: number;
  /** Workers started to replace ended ones. */
  replaced: number;
  /** Running time per task (succeeded and failed ones), ms. */
  ms: TimingSummary;
}

/**
 * How `close()` ends the pool: `drain` finishes the queued and running tasks first; `abort` rejects them
 * with `ABORTED` and ends the workers now.
 *
 * @example
 * await pool.close({ mode: "abort" });
 */
export interface CloseOptions {
  mode?: "drain" | "abort";
}

interface Slot {
  index: number;
  worker: Worker;
  job?: Job;
  alive: boolean;
  ready: boolean;
  /** Shared with the worker: [id of the task to stop, reason]. */
  cancel: Int32Array;
  /** A task that was aborted or timed out and that the worker is still finishing. */
  stopping?: { id: number; timer: ReturnType<typeof setTimeout> };
}

type Outcome = "done" | "failed" | "aborted" | "timeout" | "crashed";

interface Job {
  id: number;
  task: string;
  params: unknown;
  transfer: ArrayBuffer[];
  options: RunOptions;
  timeoutMs?: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  queuedAt: number;
  startedAt?: number;
  slot?: Slot;
  timer?: ReturnType<typeof setTimeout>;
  onAbort?: () => void;
  settled: boolean;
}

const DEFAULT_WORKER = new URL("./worker.ts", import.meta.url);

function aborted(task: string, why = "was aborted"): JsonFlatError {
  return new JsonFlatError("ABORTED", `task ${task} ${why}`);
}

function checkTimeout(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value > 0)) throw new JsonFlatError("INVALID_OPTION", `${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

/** Calls a user callback; if it throws, the error is reported as uncaught without breaking the pool. */
function notify<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * A pool of Bun Workers running named tasks (see `TASKS`), one task per worker at a time, in FIFO order.
 * An error in a task, a timeout, or a worker that dies rejects that task only; the pool replaces the
 * worker and keeps going. Idle workers do not keep the process alive.
 *
 * @example
 * const pool = new Pool({ size: 2 });
 * const { bytes } = await pool.run("flatten", { input: '{"a":{"b":[1,2]}}' }, { timeoutMs: 10_000 });
 * new TextDecoder().decode(bytes) // '{"a.b[0]":1,"a.b[1]":2}'
 * console.log(pool.stats().ms.p50);
 * await pool.close();
 */
export class Pool {
  /** Number of workers (0: the caller's thread). */
  readonly size: number;
  private readonly workerUrl: string | URL;
  private readonly registry: TaskRegistry;
  private readonly timeoutMs?: number;
  private readonly graceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly timings = new Timings();
  private readonly counts = { done: 0, failed: 0, aborted: 0, timedOut: 0, crashed: 0, replaced: 0 };
  private state: "open" | "draining" | "closed" = "open";
  private running = 0;
  private nextId = 1;
  private nextWorker = 0;
  private closed?: Promise<void>;
  private resolveClosed?: () => void;

  constructor(options: PoolOptions = {}) {
    const size = options.size ?? navigator.hardwareConcurrency;
    if (!Number.isInteger(size) || size < 0) throw new JsonFlatError("INVALID_OPTION", `size must be a whole number ≥ 0, got ${size}`);
    this.size = size;
    this.workerUrl = options.workerUrl ?? DEFAULT_WORKER;
    this.registry = options.tasks ?? TASKS;
    this.timeoutMs = checkTimeout(options.timeoutMs, "timeoutMs");
    this.graceMs = options.graceMs === 0 ? 0 : (checkTimeout(options.graceMs, "graceMs") ?? 2_000);
    for (let i = 0; i < size; i++) this.spawn();
  }

  /**
   * Runs a task and resolves with its result (buffers in it are transferred from the worker, not cloned),
   * or rejects with its error (`JsonFlatError` codes, including `ABORTED` and `TIMEOUT`, or
   * `WorkerCrashError`). With size 0 the task runs synchronously inside this call.
   *
   * @example
   * const out = await pool.run("flattenLines", { input: ndjsonChunk, options: { onError: "skip" } });
   * console.log(out.documents, out.errors);
   */
  run<K extends string, R = K extends TaskName ? TaskResult<K> : unknown>(
    task: K,
    params: K extends TaskName ? TaskParams<K> : unknown,
    options?: RunOptions,
  ): Promise<R>;
  run(task: string, params: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.state !== "open") return Promise.reject(aborted(task, "was not run: the pool is closed"));
    let timeoutMs: number | undefined;
    try {
      timeoutMs = checkTimeout(options.timeoutMs, "timeoutMs") ?? this.timeoutMs;
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.signal?.aborted) return Promise.reject(aborted(task));
    if (this.size === 0) return this.runHere(task, params, options, timeoutMs);
    let prepared: [unknown, ArrayBuffer[]];
    try {
      prepared = prepareTransfer(params, options.transfer ? "move" : "copy");
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        task,
        params: prepared[0],
        transfer: prepared[1],
        options,
        timeoutMs,
        resolve,
        reject,
        queuedAt: performance.now(),
        settled: false,
      };
      if (options.signal) {
        job.onAbort = () => this.cancel(job);
        options.signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * Counters, queue length and per-task time percentiles.
   *
   * @example
   * pool.stats() // { size: 2, workers: 2, queued: 0, running: 1, done: 41, failed: 1, ..., ms: { p50: 3.1, ... } }
   */
  stats(): PoolStats {
    return {
      size: this.size,
      workers: this.slots.length,
      queued: this.queue.length,
      running: this.running,
      stopping: this.slots.filter((slot) => slot.stopping).length,
      ...this.counts,
      ms: this.timings.summary(),
    };
  }

  /**
   * Stops accepting tasks (later `run()` calls reject with `ABORTED`) and ends the workers: after the queued
   * and running tasks finish (`drain`, the default) or at once, rejecting them with `ABORTED` (`abort`).
   * Resolves when every worker has been ended. Calling it again is safe; `abort` cuts a drain short.
   *
   * @example
   * await pool.close();                   // finish what was submitted
   * await pool.close({ mode: "abort" });  // or stop now
   */
  close(options: CloseOptions = {}): Promise<void> {
    const mode = options.mode ?? "drain";
    if (mode !== "drain" && mode !== "abort") return Promise.reject(new JsonFlatError("INVALID_OPTION", `mode must be drain or abort, got ${mode}`));
    if (this.state === "open") this.state = "draining";
    this.closed ??= new Promise((resolve) => (this.resolveClosed = resolve));
    if (mode === "abort") {
      for (const job of this.queue.splice(0)) this.settle(job, "aborted", aborted(job.task, "was aborted: the pool was closed"));
      for (const slot of [...this.slots]) {
        if (slot.job) this.stop(slot.job, "aborted", aborted(slot.job.task, "was aborted: the pool was closed"));
      }
    }
    this.checkDrained();
    return this.closed;
  }

  /** `await using pool = new Pool()` drains and closes the pool at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /*----------------------------------------------------------------------------
   * The caller's thread (size 0)
   *--------------------------------------------------------------------------*/

  private async runHere(task: string, params: unknown, options: RunOptions, timeoutMs: number | undefined): Promise<unknown> {
    const start = performance.now();
    const deadline = timeoutMs === undefined ? Infinity : start + timeoutMs;
    const context: TaskContext = {
      inWorker: false,
      progress: (done, total) => options.onProgress?.({ task, done, total, elapsedMs: performance.now() - start }),
      checkpoint: () => {
        if (options.signal?.aborted) throw aborted(task);
        if (performance.now() > deadline) throw new JsonFlatError("TIMEOUT", `task ${task} timed out after ${timeoutMs} ms`);
      },
      own: (bytes) => bytes,
    };
    this.running++;
    let outcome: Outcome = "failed";
    try {
      const fn = Object.hasOwn(this.registry, task) ? this.registry[task] : undefined;
      if (!fn) throw new JsonFlatError("INVALID_OPTION", `unknown task "${task}"`);
      const value = await fn(params, context);
      outcome = "done";
      return value;
    } catch (error) {
      const code = (error as { code?: string })?.code;
      if (code === "ABORTED") outcome = "aborted";
      else if (code === "TIMEOUT") outcome = "timeout";
      throw error;
    } finally {
      this.running--;
      const runMs = performance.now() - start;
      this.count(outcome, runMs);
      this.checkDrained();
      notify(options.onTiming, { task, ok: outcome === "done", queuedMs: 0, runMs, worker: -1 });
    }
  }

  /*----------------------------------------------------------------------------
   * Workers
   *--------------------------------------------------------------------------*/

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl);
    const cancel = new Int32Array(new SharedArrayBuffer(8));
    const slot: Slot = { index: this.nextWorker++, worker, alive: true, ready: false, cancel };
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.onMessage(slot, event.data);
    worker.onmessageerror = () => {
      const job = slot.job;
      if (slot.alive && job) {
        this.settle(job, "failed", new JsonFlatError("INVALID_OPTION", `the result of task ${job.task} could not be received`));
        this.dispatch();
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.onDeath(slot, new WorkerCrashError(`worker ${slot.index} failed: ${event.message}`));
    };
    worker.addEventListener("close", (event: Event) => {
      const code = (event as Event & { code?: number }).code;
      this.onDeath(slot, new WorkerCrashError(`worker ${slot.index} exited${code === undefined ? "" : ` with code ${code}`}`, code));
    });
    worker.postMessage({ type: "init", cancel } satisfies InitMessage);
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** Ends a worker the pool no longer uses (its messages and events are ignored from now on). */
  private retire(slot: Slot): void {
    if (!slot.alive) return;
    slot.alive = false;
    if (slot.stopping) clearTimeout(slot.stopping.timer);
    slot.stopping = undefined;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.terminate();
  }

  /** After ending a busy worker: start another now, unless the pool is closing or the worker never started. */
  private replace(ended: Slot, deliberate: boolean): void {
    if (this.state === "open" && (ended.ready || deliberate) && this.slots.length < this.size) {
      this.spawn();
      this.counts.replaced++;
    }
  }

  private onDeath(slot: Slot, error: WorkerCrashError): void {
    if (!slot.alive) return;
    const wasStopping = slot.stopping !== undefined;
    this.retire(slot);
    this.counts.crashed++;
    const job = slot.job;
    if (job) this.settle(job, "crashed", error);
    this.replace(slot, wasStopping);
    this.dispatch();
    this.checkDrained();
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (!slot.alive) return;
    if (message.type === "ready") {
      slot.ready = true;
      return;
    }
    if (message.type === "result" && slot.stopping?.id === message.id) {
      // The worker has stopped the task it was asked to stop: it is free again.
      clearTimeout(slot.stopping.timer);
      slot.stopping = undefined;
      this.dispatch();
      this.checkDrained();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    if (message.type === "progress") {
      notify(job.options.onProgress, { task: job.task, done: message.done, total: message.total, elapsedMs: performance.now() - job.startedAt! });
      return;
    }
    if (message.ok) this.settle(job, "done", message.value);
    else this.settle(job, "failed", deserializeError(message.error));
    this.dispatch();
  }

  /*----------------------------------------------------------------------------
   * Jobs
   *--------------------------------------------------------------------------*/

  private dispatch(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job && !s.stopping);
      if (!slot) {
        if (this.state === "closed" || this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    job.startedAt = performance.now();
    this.running++;
    slot.worker.ref();
    if (job.timeoutMs !== undefined) job.timer = setTimeout(() => this.expire(job), job.timeoutMs);
    const message: RunMessage = { type: "run", id: job.id, task: job.task, params: job.params };
    job.params = undefined;
    try {
      slot.worker.postMessage(message, job.transfer);
    } catch (error) {
      this.settle(job, "failed", error);
    }
    job.transfer = [];
  }

  private expire(job: Job): void {
    if (job.settled || !job.slot) return;
    this.stop(job, "timeout", new JsonFlatError("TIMEOUT", `task ${job.task} timed out after ${job.timeoutMs} ms`));
    this.dispatch();
  }

  /**
   * Rejects a running task now and asks its worker to stop: the task throws at its next checkpoint (or ends
   * on its own) and the worker is reused; after `graceMs` without a reply the worker is ended and replaced.
   */
  private stop(job: Job, outcome: "aborted" | "timeout", error: JsonFlatError): void {
    const slot = job.slot!;
    if (this.graceMs === 0) {
      this.retire(slot);
      this.settle(job, outcome, error);
      this.replace(slot, true);
      return;
    }
    Atomics.store(slot.cancel, 1, outcome === "timeout" ? CANCEL_TIMEOUT : CANCEL_ABORTED);
    Atomics.store(slot.cancel, 0, job.id);
    const timer = setTimeout(() => {
      if (slot.stopping?.id !== job.id) return;
      this.retire(slot);
      this.replace(slot, true);
      this.dispatch();
      this.checkDrained();
    }, this.graceMs);
    timer.unref();
    slot.stopping = { id: job.id, timer };
    this.settle(job, outcome, error);
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const slot = job.slot;
    if (slot) {
      this.stop(job, "aborted", aborted(job.task));
      this.dispatch();
    } else {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
      this.settle(job, "aborted", aborted(job.task));
    }
  }

  private count(outcome: Outcome, runMs: number | undefined): void {
    if (outcome === "done") this.counts.done++;
    else if (outcome === "aborted") this.counts.aborted++;
    else {
      this.counts.failed++;
      if (outcome === "timeout") this.counts.timedOut++;
    }
    if (runMs !== undefined && outcome !== "aborted") this.timings.add(runMs);
  }

  private settle(job: Job, outcome: Outcome, result: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    if (job.onAbort) job.options.signal?.removeEventListener("abort", job.onAbort);
    const slot = job.slot;
    if (slot) {
      if (slot.job === job) {
        slot.job = undefined;
        if (slot.alive) slot.worker.unref();
      }
      this.running--;
    }
    const now = performance.now();
    const runMs = job.startedAt === undefined ? undefined : now - job.startedAt;
    this.count(outcome, runMs);
    if (outcome === "done") job.resolve(result);
    else job.reject(result);
    this.checkDrained();
    notify(job.options.onTiming, {
      task: job.task,
      ok: outcome === "done",
      queuedMs: (job.startedAt ?? now) - job.queuedAt,
      runMs: runMs ?? 0,
      worker: slot?.index ?? -1,
    });
  }

  private checkDrained(): void {
    if (this.state !== "draining" || this.queue.length || this.running || this.slots.some((slot) => slot.stopping)) return;
    this.state = "closed";
    for (const slot of [...this.slots]) this.retire(slot);
    this.resolveClosed?.();
  }
}
