/**
 * @module lines-http.test — the NDJSON table through the HTTP handler: each row is a POST of an
 * `application/x-ndjson` body with its options as query parameters, sent whole (one chunk of lines), and sent
 * as a stream of 3-byte pieces with `chunkBytes=7` (chunk boundaries everywhere). A failure is a 4xx with
 * `{"error":{code,message,offset,line,column}}`, or, once output has begun, a last `{"error":...}` line.
 */
import { afterAll } from "bun:test";
import { libraryReference, runLinesCases, type LinesCall, type LinesImpl, type LinesOutcome } from "./lines-cases";
import { startInProcess } from "./http-server";

const ROUTES = { flatten: "/flatten", search: "/search", schema: "/schema", unflatten: "/unflatten" } as const;

function query(call: LinesCall, chunkBytes: number | undefined): string {
  const params = new URLSearchParams();
  const add = (name: string, value: unknown) => value !== undefined && params.set(name, String(value));
  const o = call.options;
  add("style", o.style);
  add("delimiter", o.delimiter);
  add("mode", o.mode);
  add("format", o.format);
  add("maxNesting", o.maxNesting);
  add("onError", o.onError);
  add("column", o.column);
  add("chunkBytes", chunkBytes);
  if (call.query) {
    add("path", call.query.path);
    add("key", call.query.key);
    if (call.query.value !== undefined) add("value", JSON.stringify(call.query.value));
    add("limit", call.query.limit);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function pieces(input: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= input.length) return controller.close();
      controller.enqueue(input.slice(at, (at += size)));
    },
  });
}

const ERROR_LINE = /^\{"error":/;

async function post(url: string, call: LinesCall, streamed: boolean): Promise<LinesOutcome> {
  const route = ROUTES[call.operation as keyof typeof ROUTES];
  const response = await fetch(`${url}${route}${query(call, streamed ? 7 : undefined)}`, {
    method: "POST",
    body: streamed ? pieces(call.input, 3) : call.input,
    headers: { "content-type": "application/x-ndjson" },
  });
  const text = await response.text();
  if (response.status >= 500) throw new Error(`server error ${response.status}: ${text}`);
  if (response.status !== 200) return { ok: false, error: JSON.parse(text).error };
  // A failure after the first chunk: the response ends with the error as its last line.
  const lines = text.split("\n");
  const last = lines.at(-2) ?? "";
  if ((call.options.onError ?? "fail") === "fail" && ERROR_LINE.test(last)) return { ok: false, error: JSON.parse(last).error };
  return { ok: true, text };
}

const server = startInProcess();
afterAll(() => server.stop());

function httpImpl(name: string, streamed: boolean): LinesImpl {
  return { name, operations: ["flatten", "search", "schema", "unflatten"], concurrency: 4, run: (call) => post(server.url, call, streamed) };
}

runLinesCases(httpImpl("http: the body whole", false), { reference: libraryReference });
runLinesCases(httpImpl("http: the body in 3-byte pieces, chunkBytes=7", true), { reference: libraryReference });
