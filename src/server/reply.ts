/**
 * @module server/reply — builds responses: native result bytes written straight from native memory to the
 * socket, NDJSON streamed chunk by chunk with backpressure, and errors as the SPEC error object.
 */
import { JsonFlatError, type ErrorCode, type ErrorInfo } from "../core/errors";
import type { NativeBytes } from "../native";

/** Content types of the bodies the server reads and writes. */
export const JSON_TYPE = "application/json";
export const NDJSON_TYPE = "application/x-ndjson";

/**
 * Called once a response body is completely written (or abandoned): its status and the bytes sent.
 *
 * @example
 * const done: Finish = (status, bytesOut) => metrics.observe("/flatten", status, bytesOut);
 */
export type Finish = (status: number, bytesOut: number) => void;

/** Results up to this size are copied into the response (cheaper than a stream); larger ones are not. */
const COPY_BELOW = 16 << 10;

const STATUS: Partial<Record<ErrorCode, number>> = {
  INPUT_TOO_LARGE: 413,
  TIMEOUT: 503,
  OUT_OF_MEMORY: 503,
  WORKER_CRASHED: 503,
  NOT_SUPPORTED: 501,
};

/**
 * The HTTP status of a failure: 400 for bad input, 413 over the limit, 503 when the server lacks resources,
 * 501 for a feature this platform lacks, 500 only for something that is not a `JsonFlatError` (a bug).
 *
 * @example
 * statusOf(new JsonFlatError("INVALID_JSON", "x")) // 400
 */
export function statusOf(error: unknown): number {
  if (!(error instanceof JsonFlatError)) return 500;
  return STATUS[error.code] ?? 400;
}

/**
 * The SPEC error object of a failure; a non-jsonflat error is reported without its internals.
 *
 * @example
 * errorInfo(new JsonFlatError("INVALID_JSON", "bad", { offset: 3 })) // { code: "INVALID_JSON", message: "bad", offset: 3 }
 */
export function errorInfo(error: unknown): ErrorInfo | { code: "INTERNAL"; message: string } {
  if (error instanceof JsonFlatError) return error.toJSON();
  return { code: "INTERNAL", message: "internal server error" };
}

/**
 * A response whose body is `parts` written in order: native result bytes go to the socket without a copy
 * (what the socket cannot take at once is buffered by the server) and are freed as soon as they are written,
 * with the `owners` of any views among them.
 * Small bodies are copied into a plain response instead, which is cheaper than a stream.
 *
 * @example
 * return bytesResponse([flattenBytes(body)], "application/json", finish);
 */
export function bytesResponse(
  parts: (Uint8Array | NativeBytes)[],
  contentType: string,
  finish: Finish,
  headers: Record<string, string> = {},
  owners: NativeBytes[] = [],
): Response {
  const release = () => {
    for (const part of parts) free(part);
    for (const owner of owners) owner.dispose();
  };
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const init = { headers: { "content-type": contentType, ...headers } };
  if (total <= COPY_BELOW) {
    // The response takes its own copy of the bytes, so the native blocks can be freed right away.
    const response = new Response(parts.length === 1 ? parts[0]! : Bun.concatArrayBuffers(parts, Infinity, true), init);
    release();
    finish(200, total);
    return response;
  }
  let sent = 0;
  const stream = new ReadableStream({
    type: "direct",
    pull(controller) {
      for (const part of parts) {
        controller.write(part);
        sent += part.byteLength;
      }
      // A write returns once the socket took the bytes or the server buffered the rest: they may go now.
      release();
      controller.close();
      finish(200, sent);
    },
    cancel() {
      release();
      finish(200, sent);
    },
  } as DirectSource);
  return new Response(stream, init);
}

/**
 * A streamed response: each chunk `next()` gives is written as it comes, and the next is asked for only when the
 * socket has taken it (a slow client slows the producer; memory stays bounded). `next()` returns undefined at
 * the end; when it throws, `onError` gives the bytes to write last (an error record). `stop` ends the producer
 * when the client goes away.
 *
 * @example
 * const next = () => chunks.next().then((r) => (r.done ? undefined : r.value));
 * return streamResponse(first, next, errorRecord, () => chunks.return(undefined), NDJSON_TYPE, finish);
 */
export function streamResponse(
  first: Uint8Array | undefined,
  next: () => Promise<Uint8Array | undefined>,
  onError: (error: unknown) => Uint8Array,
  stop: () => Promise<void>,
  contentType: string,
  finish: Finish,
): Response {
  let sent = 0;
  let finished = false;
  const end = () => {
    if (!finished) finish(200, sent);
    finished = true;
  };
  const stream = new ReadableStream({
    type: "direct",
    async pull(controller) {
      try {
        for (let chunk = first; chunk; chunk = await next()) {
          sent += chunk.byteLength;
          const wrote = controller.write(chunk);
          if (typeof wrote !== "number") await wrote;
          // Wait for the socket to drain before producing more: the chunk is freed on the next `next()`.
          await controller.flush(true);
        }
      } catch (error) {
        const record = onError(error);
        sent += record.byteLength;
        controller.write(record);
      } finally {
        controller.close();
        end();
      }
    },
    async cancel() {
      await stop();
      end();
    },
  } as DirectSource);
  return new Response(stream, { headers: { "content-type": contentType } });
}

function free(part: Uint8Array | NativeBytes): void {
  if ("dispose" in part) part.dispose();
}


/** Bun's direct stream source: the controller writes to the response sink itself. */
interface DirectSource {
  type: "direct";
  pull(controller: DirectController): void | Promise<void>;
  cancel?(reason?: unknown): void | Promise<void>;
}

interface DirectController {
  write(data: Uint8Array | string): number | Promise<number>;
  flush(wait?: boolean): number | Promise<number>;
  close(): void;
}
