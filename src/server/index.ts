/**
 * @module jsonflat/server — the HTTP front end: a fetch-style handler for `Bun.serve`, and a ready server.
 *
 * @example
 * import { createHandler } from "jsonflat/server";
 * Bun.serve({ port: 8080, fetch: createHandler({ maxBodyBytes: 16 << 20 }) });
 */
export { createHandler, type Handler, type HandlerOptions, type RequestRecord } from "./handler";
export { Metrics } from "./metrics";
