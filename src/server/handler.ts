/**
 * @module server/handler — `createHandler(options)`: the jsonflat HTTP front end as one fetch-style function
 * for `Bun.serve` (as `fetch`, or per route in `routes`) or any `Request → Response` host.
 */
import type { Pool } from "../coworker/pool";
import { JsonFlatError } from "../core/errors";
import { log } from "../core/log";
import { bodyPieces, declaredLength, readBody, type Counted } from "./body";
import { runDocument, type Offload } from "./document";
import { contentCodings, type Coding } from "./encoding";
import { HttpError } from "./http-error";
import { Metrics } from "./metrics";
import { pageResponse } from "./page";
import { parseQuery, type Operation } from "./query";
import { bytesResponse, errorInfo, JSON_TYPE, NDJSON_TYPE, statusOf, streamResponse, type Finish } from "./reply";
import { schemaMediaType, schemaTypes } from "./types";
import { errorRecord, streamOperation } from "./stream";
import { acceptedTable, documentTable, streamTable, TABLE_TYPES, tableErrorRow, takeTableParams } from "./table";
import { streamOptions } from "./query";
import type { TableOptions } from "../table/options";
import { documentBodyStream, HELD_BACK_BYTES, heldBack, lateError, streamsJsonBody } from "./document-stream";

/**
 * Options of `createHandler`.
 *
 * @example
 * const handler = createHandler({ maxBodyBytes: 16 << 20, pool: new Pool({ size: 2 }), offloadBytes: 1 << 20 });
 */
export interface HandlerOptions {
  /**
   * Largest request body in bytes (JSON or NDJSON, declared or streamed, as sent and once decoded when it has
   * a `Content-Encoding`); larger ones get 413. Default 64 MiB.
   */
  maxBodyBytes?: number;
  /** NDJSON input bytes per native call; an output chunk is written as each is done. Default 1 MiB. */
  chunkBytes?: number;
  /** Coworkers for large JSON bodies (flatten, unflatten); default none (every call in this thread). */
  pool?: Pool;
  /** Bodies from this size go to `pool`; default 1 MiB. */
  offloadBytes?: number;
  /** Serve the explorer page at `GET /`; default true. */
  page?: boolean;
  /** Called once per request when its response is completely written (the access log). */
  onRequest?: (record: RequestRecord) => void;
}

/**
 * What `onRequest` receives for each request.
 *
 * @example
 * onRequest: (r) => log.info("request", { ...r })
 */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
}

/**
 * The handler: a fetch-style function with the server's counters attached.
 *
 * @example
 * const handler: Handler = createHandler();
 * handler.metrics.count(5) // 5xx responses so far
 */
export type Handler = ((req: Request) => Promise<Response>) & { metrics: Metrics };

/** Path → operation; a Map, so no path can match an `Object.prototype` member. */
const OPERATIONS = new Map<string, Operation>([
  ["/flatten", "flatten"],
  ["/unflatten", "unflatten"],
  ["/search", "search"],
  ["/schema", "schema"],
]);
const JSON_TYPES = new Set(["application/json", "text/json"]);
const NDJSON_TYPES = new Set([NDJSON_TYPE, "application/ndjson", "application/jsonl", "application/x-jsonlines"]);
const ACCEPTED = `${JSON_TYPE}, ${NDJSON_TYPE}`;
const encoder = new TextEncoder();

/** How a request body is read: one document, or NDJSON lines. */
type BodyKind = "json" | "ndjson";

function bodyKind(req: Request): BodyKind {
  const header = req.headers.get("content-type");
  if (header === null) return "json";
  const [type = "", ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `only UTF-8 bodies are accepted, got charset ${charset}`, { "accept-post": ACCEPTED });
  }
  if (JSON_TYPES.has(type)) return "json";
  if (NDJSON_TYPES.has(type)) return "ndjson";
  throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `send ${JSON_TYPE} or ${NDJSON_TYPE}, not ${type || "an empty type"}`, { "accept-post": ACCEPTED });
}

/**
 * The request target as a URL, or undefined when the host part is missing or malformed (no `Host`, an empty
 * one, `a b`, `[::1`, `x:99999`): Bun then gives a URL that does not parse. Two `Host` fields (joined with a
 * comma) are refused too, as RFC 9112 section 3.2 requires; Bun would take the first.
 */
function requestUrl(req: Request): URL | undefined {
  if (req.headers.get("host")?.includes(",")) return undefined;
  try {
    return new URL(req.url);
  } catch {
    return undefined;
  }
}

/** The path of a target that did not parse, for the access log only (never parsed, never routed). */
function rawPath(target: string): string {
  return target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").replace(/[?#].*$/s, "").slice(0, 200);
}

/**
 * Creates the handler. Routes: `POST /flatten`, `/unflatten`, `/search`, `/schema` (options as query parameters,
 * `application/json` or `application/x-ndjson` bodies, plain or with `Content-Encoding` gzip, deflate, br or
 * zstd); `GET /healthz`, `GET /metrics`, `GET /` (the page). Bad input is a 4xx with
 * `{"error":{code,message,offset,line,column}}`, never a 5xx; a missing or malformed `Host` is 400
 * `BAD_REQUEST`. It never throws: under any `Bun.serve`, development mode included, no error page is shown.
 *
 * @example
 * Bun.serve({ port: 8080, fetch: createHandler({ maxBodyBytes: 16 << 20 }) });
 * // curl -H 'content-type: application/json' -d '{"a":{"b":1}}' 'localhost:8080/flatten?style=pointer'
 */
export function createHandler(options: HandlerOptions = {}): Handler {
  const maxBody = positive("maxBodyBytes", options.maxBodyBytes, 64 << 20);
  const chunkBytes = positive("chunkBytes", options.chunkBytes, 1 << 20);
  const offload: Offload | undefined = options.pool ? { pool: options.pool, minBytes: positive("offloadBytes", options.offloadBytes, 1 << 20) } : undefined;
  const metrics = new Metrics();
  const servePage = options.page !== false;

  // Nothing here may throw past the handler: under a user's own `Bun.serve` an escaped error is a 500 with
  // Bun's error page (in development mode: source lines and file paths) and an exit status of 1 later.
  async function handle(req: Request): Promise<Response> {
    const started = performance.now();
    const url = requestUrl(req);
    const path = url ? url.pathname : rawPath(req.url);
    const route = url ? routeLabel(path, servePage) : "other";
    const counted: Counted = { bytesIn: 0 };
    metrics.start();
    let finished = false;
    const finish: Finish = (status, bytesOut) => {
      if (finished) return;
      finished = true;
      const seconds = (performance.now() - started) / 1000;
      metrics.observe(route, status, counted.bytesIn, bytesOut, seconds);
      try {
        options.onRequest?.({ method: req.method, path, status, bytesIn: counted.bytesIn, bytesOut, ms: seconds * 1000 });
      } catch (error) {
        // A failing access-log hook must not turn an answered request into a 500 (or an escaped error).
        log.error("onRequest failed", { error });
      }
    };
    try {
      if (!url) throw new HttpError(400, "BAD_REQUEST", "the Host header is missing or malformed");
      return await dispatch(req, url, counted, finish);
    } catch (error) {
      return failure(error, finish);
    }
  }

  async function dispatch(req: Request, url: URL, counted: Counted, finish: Finish): Promise<Response> {
    const operation = OPERATIONS.get(url.pathname);
    if (operation) {
      if (req.method !== "POST") throw new HttpError(405, "METHOD_NOT_ALLOWED", `use POST for ${url.pathname}`, { allow: "POST" });
      const kind = bodyKind(req);
      const codings = contentCodings(req);
      const tableFormat = operation === "flatten" ? acceptedTable(req.headers.get("accept")) : undefined;
      const table = tableFormat ? takeTableParams(url.searchParams, tableFormat) : undefined; // Accept: text/csv
      const requestOptions = parseQuery(url.searchParams, operation, kind === "ndjson");
      // A table or types from data read the whole document (its rows and container counts need it whole).
      const whole = table !== undefined || (operation === "schema" && schemaTypes(requestOptions) !== undefined);
      if (kind === "json" && !whole && streamsJsonBody(operation, codings.length ? undefined : declaredLength(req), codings, chunkBytes, offload !== undefined)) {
        return streamedDocument(operation, req, requestOptions, codings, counted, finish);
      }
      if (kind === "json") {
        const body = await readBody(req, maxBody, codings, counted);
        if (table) return bytesResponse([documentTable(body, table, requestOptions)], TABLE_TYPES[table.format!], finish);
        const result = await runDocument(operation, body, requestOptions, offload);
        return bytesResponse(result.parts, JSON_TYPE, finish, result.headers, result.owners);
      }
      return streamed(operation, req, requestOptions, codings, counted, finish, table);
    }
    const fixed = fixedRoute(url.pathname);
    if (!fixed) throw new HttpError(404, "NOT_FOUND", `no route ${url.pathname}; POST /flatten, /unflatten, /search or /schema`);
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "METHOD_NOT_ALLOWED", `use GET for ${url.pathname}`, { allow: "GET, HEAD" });
    const response = await fixed();
    finish(200, Number(response.headers.get("content-length") ?? 0));
    return response;
  }

  function fixedRoute(path: string): (() => Response | Promise<Response>) | undefined {
    if (path === "/healthz") return () => sized('{"status":"ok"}', JSON_TYPE);
    if (path === "/metrics") return () => sized(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    if (path === "/" && servePage) return pageResponse;
    return undefined;
  }

  async function streamed(operation: Operation, req: Request, requestOptions: ReturnType<typeof parseQuery>, codings: Coding[], counted: Counted, finish: Finish, table?: TableOptions) {
    const body = bodyPieces(req, maxBody, codings, counted);
    // A body smaller than a chunk is one chunk: size the line buffer to it rather than to a whole chunk
    // (a compressed body's declared length says nothing of its decoded size).
    const declared = codings.length === 0 ? declaredLength(req) : undefined;
    const chunk = declared === undefined ? chunkBytes : Math.min(chunkBytes, Math.max(declared, 4096));
    const chunks = table ? streamTable(body, table, streamOptions(requestOptions, chunk)) : streamOperation(operation, body, requestOptions, chunk);
    // The first chunk decides the status: an error before any output is a proper 4xx response.
    const first = await chunks.next();
    const contentType = table ? TABLE_TYPES[table.format!] : operation === "schema" ? schemaMediaType(requestOptions) : NDJSON_TYPE;
    const next = async () => {
      const step = await chunks.next();
      return step.done ? undefined : step.value;
    };
    const lastWords = (error: unknown) => {
      if (error instanceof JsonFlatError) return table ? tableErrorRow(error, table.format!) : errorRecord(error);
      log.error("unexpected error in an NDJSON response", { error });
      return encoder.encode(`${JSON.stringify({ error: errorInfo(error) })}\n`);
    };
    const stop = async () => {
      await chunks.return(undefined);
    };
    return streamResponse(first.done ? undefined : first.value, next, lastWords, stop, contentType, finish);
  }

  /**
   * One JSON body flattened as it arrives. The response starts once HELD_BACK_BYTES (or a chunk, if larger) of
   * output are ready or the body is done, so a small body still gets a proper 4xx for any fault, as when it is
   * read whole; a large one streams, and a fault after its output began ends the response with an error record.
   */
  async function streamedDocument(operation: Operation, req: Request, requestOptions: ReturnType<typeof parseQuery>, codings: Coding[], counted: Counted, finish: Finish) {
    const chunks = documentBodyStream(operation, bodyPieces(req, maxBody, codings, counted), requestOptions, chunkBytes);
    const first = await heldBack(chunks, Math.max(chunkBytes, HELD_BACK_BYTES));
    const next = async () => {
      const step = await chunks.next();
      return step.done ? undefined : step.value;
    };
    const lastWords = (error: unknown) => {
      if (error instanceof JsonFlatError) return lateError(error);
      if (error instanceof HttpError) return encoder.encode(`\n${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
      log.error("unexpected error in a streamed JSON response", { error });
      return encoder.encode(`\n${JSON.stringify({ error: errorInfo(error) })}\n`);
    };
    const stop = async () => {
      await chunks.return(undefined);
    };
    return streamResponse(first.done ? undefined : first.value, next, lastWords, stop, JSON_TYPE, finish);
  }

  function failure(error: unknown, finish: Finish): Response {
    if (error instanceof HttpError) {
      const body = encoder.encode(JSON.stringify({ error: { code: error.code, message: error.message } }));
      finish(error.status, body.byteLength);
      return new Response(body, { status: error.status, headers: { "content-type": JSON_TYPE, ...error.headers } });
    }
    const status = statusOf(error);
    if (status === 500) log.error("unexpected error in the HTTP handler", { error });
    const body = encoder.encode(JSON.stringify({ error: errorInfo(error) }));
    finish(status, body.byteLength);
    return new Response(body, { status, headers: { "content-type": JSON_TYPE } });
  }

  return Object.assign(handle, { metrics });
}

/** A response with its length declared, so the access log and metrics count its bytes. */
function sized(text: string, contentType: string): Response {
  const body = encoder.encode(text);
  return new Response(body, { headers: { "content-type": contentType, "content-length": String(body.byteLength) } });
}

function routeLabel(path: string, page: boolean): string {
  if (OPERATIONS.has(path) || path === "/healthz" || path === "/metrics" || (path === "/" && page)) return path;
  return "other";
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new JsonFlatError("INVALID_OPTION", `${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}
