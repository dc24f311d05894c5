/**
 * @module http-server — test fixtures for the HTTP front end: the handler in this process on a free port, or
 * `jsonflat serve` as a child process, and small request helpers.
 */
import type { Subprocess } from "bun";
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
  const cli = new URL("../src/cli.ts", import.meta.url).pathname;
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
