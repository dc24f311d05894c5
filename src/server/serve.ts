/**
 * @module server/serve — a ready jsonflat server: `Bun.serve` with the handler, safe defaults (loopback, a body
 * limit), an access log through the project logger, and a graceful stop on SIGTERM/SIGINT.
 */
import { Pool } from "../coworker/pool";
import { JsonFlatError } from "../core/errors";
import { log } from "../core/log";
import { createHandler, type Handler, type HandlerOptions } from "./handler";
import { JSON_TYPE } from "./reply";

/**
 * Options of `startServer`.
 *
 * @example
 * const running = await startServer({ port: 0, workers: 2 });
 */
export interface ServerOptions extends Omit<HandlerOptions, "pool" | "onRequest"> {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Coworkers for large JSON bodies; 0 (default) runs every call in the server's thread. */
  workers?: number;
  /** One `info` record per request through the project logger. Default true. */
  accessLog?: boolean;
  /** Stop gracefully on SIGTERM and SIGINT (a second signal stops at once). Default true. */
  handleSignals?: boolean;
}

/**
 * A started server.
 *
 * @example
 * const { url, stop } = await startServer({ port: 0 });
 * await stop(); // in-flight requests finish first
 */
export interface RunningServer {
  url: URL;
  handler: Handler;
  /** Stops accepting connections, lets in-flight requests finish, then closes the coworkers. */
  stop(): Promise<void>;
  /** Resolves once the server has stopped (by `stop()` or a signal). */
  stopped: Promise<void>;
}

/**
 * Starts the server.
 *
 * @example
 * const running = await startServer({ port: 8080, maxBodyBytes: 16 << 20, workers: 2 });
 * console.log(`listening on ${running.url}`);
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new JsonFlatError("INVALID_OPTION", `workers must be a whole number ≥ 0, got ${workers}`);
  const pool = workers > 0 ? new Pool({ size: workers }) : undefined;
  const accessLog = options.accessLog !== false;
  const handler = createHandler({
    ...options,
    pool,
    onRequest: accessLog ? (record) => log.info("request", { ...record, ms: Math.round(record.ms * 100) / 100 }) : undefined,
  });
  const maxBody = options.maxBodyBytes ?? 64 << 20;
  const server = Bun.serve({
    port: options.port ?? 8080,
    hostname: options.host ?? "127.0.0.1",
    // The handler enforces the limit with a JSON error; this is only the server's own backstop.
    maxRequestBodySize: maxBody + (1 << 20),
    idleTimeout: 30,
    // Never Bun's development error page (source lines, file paths): the handler answers every request itself,
    // and should anything escape it anyway, `error` answers a bare JSON 500 and logs the error.
    development: false,
    // Bun turns SO_REUSEPORT on outside development mode: a second server on a taken port would start and
    // share the connections instead of failing with EADDRINUSE.
    reusePort: false,
    error: internalError,
    fetch: handler,
  });

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop();
      await pool?.close();
      removeSignals();
      resolveStopped();
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("second signal: closing every connection now", { signal });
      void server.stop(true);
      return;
    }
    log.info("stopping: in-flight requests finish first", { signal, inFlight: server.pendingRequests });
    void stop();
  };
  const removeSignals = () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
  if (options.handleSignals !== false) {
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }
  const hostname = server.hostname ?? options.host ?? "127.0.0.1";
  const url = new URL(`http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}/`);
  return { url, handler, stop, stopped };
}

/** The backstop for an error that escaped the handler (a bug): logged, answered without any of its details. */
function internalError(error: Error): Response {
  log.error("unexpected error outside the HTTP handler", { error });
  return new Response('{"error":{"code":"INTERNAL","message":"internal server error"}}', { status: 500, headers: { "content-type": JSON_TYPE } });
}
