/**
 * @module server-conformance.test — the shared conformance suite through HTTP: every case is a POST with the
 * bytes as the body and the options as query parameters; errors come back as the SPEC error object. It runs
 * against the handler alone and with every body offloaded to a coworker.
 */
import { afterAll } from "bun:test";
import { Pool } from "../src/coworker/pool";
import { runCases, type Impl, type Outcome } from "./cases";
import { startInProcess, type TestServer } from "./http-server";

function query(options: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function call(server: TestServer, route: string, input: Uint8Array, options: object): Promise<Outcome> {
  const response = await fetch(`${server.url}${route}${query(options)}`, {
    method: "POST",
    body: input,
    headers: { "content-type": "application/json" },
  });
  const text = await response.text();
  if (response.status === 200) return { ok: true, text };
  if (response.status >= 500) throw new Error(`server error ${response.status}: ${text}`);
  return { ok: false, error: JSON.parse(text).error };
}

function httpImpl(name: string, server: TestServer): Impl {
  return {
    name,
    flatten: (input, options) => call(server, "/flatten", input, options),
    unflatten: (input, options) => call(server, "/unflatten", input, options),
  };
}

const plain = startInProcess();
const pool = new Pool({ size: 1 });
const offloaded = startInProcess({ pool, offloadBytes: 1 });
afterAll(async () => {
  await plain.stop();
  await offloaded.stop();
  await pool.close();
});

runCases(httpImpl("http", plain));
runCases(httpImpl("http (offloaded to a coworker)", offloaded));
