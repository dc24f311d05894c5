/**
 * @module core/decode-thread — a compressed file decoded on a thread of its own. Bun's zlib and zstd streams
 * decode on the thread that drives them, so a reader that flattens each chunk and the decoder would take turns
 * on one core; here a worker (`decode-thread-worker.ts`) decodes while the caller works, and hands the decoder's
 * pieces over in batches of about 1 MiB, moved, not copied. The worker may run at most `AHEAD_BATCHES`
 * batches ahead of the caller (back-pressure: memory stays bounded whatever the file's size), batches come in
 * order, and its failures (`CORRUPT`, `INPUT_TOO_LARGE`, `IO`) are thrown here as the same errors with the
 * same fields, after the batches before them.
 */
import { JsonFlatError, type ErrorCode } from "./errors";
import { CompressedInputError, type Compression } from "./decompress";

/** Decoded bytes per batch (one message) the worker sends: few messages, and small next to the memory bound. */
export const BATCH_BYTES = 1 << 20;
/** Batches the worker may send before the caller has taken them: 16 MiB of decoded bytes at most. */
export const AHEAD_BATCHES = 16;

/**
 * What starts a decoding worker.
 *
 * @example
 * const start: DecodeStart = { path: "dump.txt.gz", compression: "gzip", batchBytes: BATCH_BYTES, ahead: AHEAD_BATCHES };
 */
export interface DecodeStart {
  path: string;
  compression: Compression;
  /** The decoded-size limit; none when undefined. */
  maxDecompressedBytes?: number;
  batchBytes: number;
  ahead: number;
}

/**
 * What the worker sends: a batch of decoded pieces, in order, with the compressed bytes read so far; the end;
 * or a failure as plain data.
 *
 * @example
 * worker.postMessage({ batch: [piece], compressedBytes: 1 << 20 } satisfies DecodeMessage, [piece.buffer]);
 */
export type DecodeMessage =
  | { batch: Uint8Array[]; compressedBytes: number }
  | { end: true; compressedBytes: number }
  | { failure: DecodeFailure };

/**
 * A failure crossing from the worker: the `JsonFlatError` fields, and where a compressed input broke.
 *
 * @example
 * const f: DecodeFailure = { code: "CORRUPT", message: "the gzip data is cut short: it ends before its end marker", compressedOffset: 12, decompressedBytes: 0 };
 */
export interface DecodeFailure {
  code: ErrorCode;
  message: string;
  compressedOffset?: number;
  decompressedBytes?: number;
}

/**
 * The plain-data form of an error thrown while decoding, for `postMessage`.
 *
 * @example
 * self.postMessage({ failure: failureOf(error) });
 */
export function failureOf(error: unknown): DecodeFailure {
  if (error instanceof CompressedInputError) {
    return { code: error.code, message: error.message, compressedOffset: error.compressedOffset, decompressedBytes: error.decompressedBytes };
  }
  if (error instanceof JsonFlatError) return { code: error.code, message: error.message };
  return { code: "IO", message: `decoding failed: ${(error as Error)?.message ?? String(error)}` };
}

function errorOf(failure: DecodeFailure): JsonFlatError {
  if (failure.compressedOffset !== undefined && (failure.code === "CORRUPT" || failure.code === "INPUT_TOO_LARGE")) {
    return new CompressedInputError(failure.code, failure.message, { compressedOffset: failure.compressedOffset, decompressedBytes: failure.decompressedBytes ?? 0 });
  }
  return new JsonFlatError(failure.code, failure.message);
}

const WORKER_URL = new URL("./decode-thread-worker.ts", import.meta.url);

/**
 * The decoded bytes of the compressed file at `path`, decoded on a worker thread (see the module note), in the
 * decoder's pieces. `onCompressedBytes` is told the compressed bytes read so far with every batch. Stopping
 * early (`return()`) ends the worker.
 *
 * @example
 * for await (const batch of decodeInThread("dump.txt.gz", { compression: "gzip" })) parse(batch);
 */
export async function* decodeInThread(
  path: string,
  options: { compression: Compression; maxDecompressedBytes?: number },
  onCompressedBytes?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const worker = new Worker(WORKER_URL);
  const arrived: DecodeMessage[] = [];
  let wake: (() => void) | undefined;
  let crash: JsonFlatError | undefined;
  worker.onmessage = (event: MessageEvent<DecodeMessage>) => {
    arrived.push(event.data);
    wake?.();
  };
  worker.onerror = (event: ErrorEvent) => {
    crash = new JsonFlatError("WORKER_CRASHED", `the decoding thread failed: ${event.message}`);
    wake?.();
  };
  const start: DecodeStart = { path, ...options, batchBytes: BATCH_BYTES, ahead: AHEAD_BATCHES };
  worker.postMessage(start);
  try {
    for (;;) {
      while (arrived.length === 0 && !crash) await new Promise<void>((resolve) => (wake = resolve));
      const message = arrived.shift();
      if (!message) throw crash!;
      if ("failure" in message) throw errorOf(message.failure);
      onCompressedBytes?.(message.compressedBytes);
      if ("end" in message) return;
      yield* message.batch;
      worker.postMessage({ credit: 1 }); // the caller took this batch: the worker may send one more
    }
  } finally {
    worker.terminate();
  }
}
