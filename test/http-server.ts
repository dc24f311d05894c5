/**
 * @module http-server — test fixtures for the HTTP front end: the handler in this process on a free port, or
 * `jsonflat serve` as a child process, small request helpers, and raw-socket helpers for requests `fetch`
 * cannot send.
 */
import type { Subprocess } from "bun";
import { connect } from "node:net";
import { createHandler, type Handler, type HandlerOptions } from "../src/server/index";
import { BUN } from "./fixtures/child-bun";

/**
 * A server under test.
 *
 * @example
 * const server = startInProcess({ maxBodyBytes: 1024 });
 * await post(server.url, "/flatten", "{}");
 * await server.stop();
 */
export interface TestServer {
  url: string;
  handler: Handler;
  stop(): Promise<void>;
}

/**
 * The handler under `Bun.serve` in this process, on a free loopback port.
 *
 * @example
 * const { url } = startInProcess();
 */
export function startInProcess(options: HandlerOptions = {}): TestServer {
  const handler = createHandler(options);
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler, maxRequestBodySize: 1 << 30 });
  return { url: `http://127.0.0.1:${server.port}`, handler, stop: () => server.stop(true) };
}

/**
 * `jsonflat serve` as a child process (port 0), once it has said where it listens.
 *
 * @example
 * const child = await startProcess(["--max-body", "1M"]);
 * child.proc.kill("SIGTERM");
 */
export async function startProcess(args: string[] = []): Promise<{ url: string; proc: Subprocess<"ignore", "ignore", "pipe">; log: () => string }> {
  const cli = new URL("../src/cli/main.ts", import.meta.url).pathname;
  const proc = Bun.spawn([BUN, cli, "serve", "--port", "0", ...args], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let text = "";
  const decoder = new TextDecoder();
  const reader = proc.stderr.getReader();
  const url = await new Promise<string>((resolve, reject) => {
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return reject(new Error(`the server exited before listening: ${text}`));
        text += decoder.decode(value, { stream: true });
        const match = /jsonflat serving \{"url":"(http:\/\/[^"]+?)\/?"/.exec(text);
        if (match) {
          resolve(match[1]!);
          // Keep draining the log so the child never blocks on a full pipe.
          for (;;) {
            const next = await reader.read();
            if (next.done) return;
            text += decoder.decode(next.value, { stream: true });
          }
        }
      }
    })();
  });
  return { url, proc, log: () => text };
}

/**
 * What a test sends as a request body.
 *
 * @example
 * const body: RequestBody = new TextEncoder().encode("{}");
 */
export type RequestBody = string | Uint8Array | ReadableStream<Uint8Array> | null;

/**
 * A POST with a body and content type; resolves with the status, headers and body text.
 *
 * @example
 * const { status, text } = await post(url, "/flatten?style=pointer", '{"a":1}');
 */
export async function post(base: string, path: string, body: RequestBody, type = "application/json"): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(base + path, { method: "POST", body, headers: { "content-type": type } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * One response read off a raw connection.
 *
 * @example
 * const [first] = parseResponses(bytes); first.status // 400
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `pieces` (strings or bytes, in order) to a fresh connection, half-closes it when `end` is set, and
 * resolves with every byte the server sent until it closed the connection (or `giveUpMs` passed: a guard
 * against a hang, not a timing assertion; a test then fails on the missing answers).
 *
 * @example
 * const bytes = await rawExchange(url, ["GET /healthz HTTP/1.0\r\n\r\n"]);
 */
export async function rawExchange(base: string, pieces: (string | Uint8Array)[], options: { end?: boolean; giveUpMs?: number } = {}): Promise<Uint8Array> {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const received: Uint8Array[] = [];
  const closed = new Promise<void>((resolve) => {
    socket.on("data", (piece: Uint8Array) => received.push(piece));
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
  for (const piece of pieces) socket.write(piece);
  if (options.end) socket.end();
  const guard = setTimeout(() => socket.destroy(), options.giveUpMs ?? 5000);
  await closed;
  clearTimeout(guard);
  return Buffer.concat(received);
}

/**
 * Splits what a server sent on one connection into its responses (interim `100 Continue` included), reading
 * bodies by `Content-Length`, chunked coding, or to the end.
 *
 * @example
 * parseResponses(await rawExchange(url, [request])).map((r) => r.status) // [200, 400]
 */
export function parseResponses(bytes: Uint8Array): RawResponse[] {
  const data = Buffer.from(bytes);
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`a response without the end of its head: ${JSON.stringify(data.subarray(at, at + 200).toString())}`);
    const [statusLine = "", ...lines] = data.subarray(at, end).toString("latin1").split("\r\n");
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(match[1]);
    at = end + 4;
    let body: Buffer;
    if (status === 100 || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (headers["transfer-encoding"]?.toLowerCase() === "chunked") [body, at] = dechunked(data, at);
    else if (headers["content-length"] !== undefined) body = data.subarray(at, (at += Number(headers["content-length"])));
    else if (headers.connection?.toLowerCase() === "close" || at >= data.length) body = data.subarray(at, (at = data.length));
    else body = Buffer.alloc(0);
    responses.push({ status, headers, body: body.toString() });
  }
  return responses;
}

function dechunked(data: Buffer, start: number): [Buffer, number] {
  const pieces: Buffer[] = [];
  let at = start;
  for (;;) {
    const end = data.indexOf("\r\n", at);
    if (end < 0) throw new Error("a chunked body cut short");
    const size = parseInt(data.subarray(at, end).toString(), 16);
    at = end + 2;
    if (!size) {
      // Any trailer fields, then the empty line.
      const close = data.indexOf("\r\n", at);
      return [Buffer.concat(pieces), close < 0 ? data.length : close + 2];
    }
    pieces.push(data.subarray(at, at + size));
    at += size + 2;
  }
}
