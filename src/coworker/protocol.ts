/**
 * @module coworker/protocol — the messages between the pool and its workers, how errors cross threads,
 * and `serve()`, the loop that runs tasks inside a worker.
 */
import { JsonFlatError, type ErrorInfo } from "../core/errors";
import { native } from "../native";
import type { NativeBytes } from "../native";
import { transferList } from "./transfer";
import type { TaskContext, TaskRegistry } from "./tasks";

/**
 * Pool → worker, first message: a shared cell through which the pool asks the running task to stop.
 * `cell[1]` holds the reason (1: aborted, 2: timed out) and `cell[0]` the id of the task to stop; a task
 * sees it at its next `checkpoint()`.
 *
 * @example
 * worker.postMessage({ type: "init", cancel: new Int32Array(new SharedArrayBuffer(8)) } satisfies InitMessage);
 */
export interface InitMessage {
  type: "init";
  cancel: Int32Array;
}

/**
 * Reason written to the cancel cell: the task's signal fired (or the pool was closed with `abort`).
 *
 * @example
 * Atomics.store(cancel, 1, CANCEL_ABORTED); Atomics.store(cancel, 0, taskId);
 */
export const CANCEL_ABORTED = 1;
/**
 * Reason written to the cancel cell: the task ran past its `timeoutMs`.
 *
 * @example
 * Atomics.load(cancel, 1) === CANCEL_TIMEOUT // the task throws TIMEOUT rather than ABORTED
 */
export const CANCEL_TIMEOUT = 2;

/**
 * Pool → worker: run one task.
 *
 * @example
 * worker.postMessage({ type: "run", id: 7, task: "flatten", params: { input } } satisfies RunMessage, transfer);
 */
export interface RunMessage {
  type: "run";
  id: number;
  task: string;
  params: unknown;
}

/**
 * Worker → pool: the worker has loaded and is waiting for tasks.
 *
 * @example
 * postMessage({ type: "ready" } satisfies ReadyMessage);
 */
export interface ReadyMessage {
  type: "ready";
}

/**
 * Worker → pool: bytes done out of a total, for the running task.
 *
 * @example
 * postMessage({ type: "progress", id: 7, done: 4 << 20, total: 32 << 20 } satisfies ProgressMessage);
 */
export interface ProgressMessage {
  type: "progress";
  id: number;
  done: number;
  total: number;
}

/**
 * Worker → pool: the task's value (its buffers transferred) or its error, and its run time.
 *
 * @example
 * postMessage({ type: "result", id: 7, ok: true, value, ms: 12.5 } satisfies ResultMessage, transferList(value));
 */
export type ResultMessage =
  | { type: "result"; id: number; ok: true; value: unknown; ms: number }
  | { type: "result"; id: number; ok: false; error: SerializedError; ms: number };

/**
 * Everything a worker posts.
 *
 * @example
 * worker.onmessage = (event: MessageEvent<WorkerMessage>) => { if (event.data.type === "result") settle(event.data); };
 */
export type WorkerMessage = ReadyMessage | ProgressMessage | ResultMessage;

/**
 * An error as plain data: a `JsonFlatError`'s fields, or any other error's name, message and stack.
 *
 * @example
 * const data: SerializedError = { kind: "error", name: "TypeError", message: "x is not a function" };
 */
export type SerializedError =
  | { kind: "jsonflat"; info: ErrorInfo }
  | { kind: "error"; name: string; message: string; stack?: string };

/**
 * A worker that died while running a task: it threw outside the task (an uncaught error or rejection in a
 * callback), called `process.exit`, or failed to load. Only the task it was running is rejected; the pool
 * replaces the worker.
 *
 * @example
 * try { await pool.run("flatten", { input }); }
 * catch (e) { if (e instanceof WorkerCrashError) console.error("worker died:", e.message, e.exitCode); }
 */
export class WorkerCrashError extends Error {
  /** Stable code, next to `JsonFlatError`'s codes. */
  readonly code = "WORKER_CRASHED";
  /** The worker's exit code, when it exited. */
  readonly exitCode?: number;

  constructor(message: string, exitCode?: number) {
    super(message);
    this.name = "WorkerCrashError";
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}

/**
 * Turns anything a task threw into plain data for `postMessage`.
 *
 * @example
 * serializeError(new JsonFlatError("IO", "gone")) // { kind: "jsonflat", info: { code: "IO", message: "gone" } }
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof JsonFlatError) return { kind: "jsonflat", info: error.toJSON() };
  if (error instanceof Error) return { kind: "error", name: error.name, message: error.message, stack: error.stack };
  return { kind: "error", name: "Error", message: String(error) };
}

/**
 * Rebuilds an error from `serializeError`'s data: a `JsonFlatError` through `JsonFlatError.from`, any
 * other error as an `Error` with the same name, message and the worker's stack.
 *
 * @example
 * throw deserializeError(message.error);
 */
export function deserializeError(data: SerializedError): Error {
  if (data.kind === "jsonflat") return JsonFlatError.from(data.info);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}

/** In a worker, native bytes become a plain buffer (one copy) that can be transferred; the native block is freed. */
function ownInWorker(bytes: NativeBytes | Uint8Array): Uint8Array {
  // ArrayBuffer.slice: one memcpy into a plain buffer (a typed-array slice would keep a subclass's species).
  const copy = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  (bytes as Partial<NativeBytes>).dispose?.();
  return copy;
}

/**
 * Runs tasks from `registry` inside a Bun Worker, one at a time, for a `Pool`. The library is loaded once,
 * when the worker starts. Results' buffers are transferred to the pool, never cloned; a task's error is
 * sent back as data and rejects only that task. A task asked to stop (abort, timeout) throws at its next
 * `context.checkpoint()`; its reply tells the pool the worker is free again.
 *
 * @example
 * // my-worker.ts, used as new Pool({ workerUrl: new URL("./my-worker.ts", import.meta.url) })
 * import { serve } from "jsonflat/src/coworker/protocol";
 * import { TASKS } from "jsonflat/src/coworker/tasks";
 * serve({ ...TASKS, upper: (p: { text: string }) => p.text.toUpperCase() });
 */
export function serve(registry: TaskRegistry): void {
  if (Bun.isMainThread) throw new Error("serve() runs inside a Worker");
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
    onmessage: ((event: MessageEvent<RunMessage | InitMessage>) => void) | null;
  };
  let cancel: Int32Array | undefined;
  try {
    native(); // load the library once per worker, up front; a failure surfaces again in the first task
  } catch {
    // reported by the task that needs it
  }

  scope.onmessage = async (event) => {
    const message = event.data;
    if (message?.type === "init") {
      cancel = message.cancel;
      return;
    }
    if (message?.type !== "run") return;
    const { id, task, params } = message;
    const start = performance.now();
    const context: TaskContext = {
      inWorker: true,
      progress: (done, total) => scope.postMessage({ type: "progress", id, done, total } satisfies ProgressMessage),
      checkpoint: () => {
        if (cancel && Atomics.load(cancel, 0) === id) {
          const timeout = Atomics.load(cancel, 1) === CANCEL_TIMEOUT;
          throw new JsonFlatError(timeout ? "TIMEOUT" : "ABORTED", `task ${task} was ${timeout ? "timed out" : "aborted"}`);
        }
      },
      own: ownInWorker,
    };
    try {
      const run = Object.hasOwn(registry, task) ? registry[task] : undefined;
      if (!run) throw new JsonFlatError("INVALID_OPTION", `unknown task "${task}"`);
      const value = await run(params, context);
      const reply: ResultMessage = { type: "result", id, ok: true, value, ms: performance.now() - start };
      scope.postMessage(reply, transferList(value));
    } catch (error) {
      scope.postMessage({ type: "result", id, ok: false, error: serializeError(error), ms: performance.now() - start } satisfies ResultMessage);
    }
  };
  scope.postMessage({ type: "ready" } satisfies ReadyMessage);
}
