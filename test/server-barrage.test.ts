/**
 * @module server-barrage.test — bad input of every kind thrown at a running `jsonflat serve` process: malformed
 * (all of JSONTestSuite), truncated, huge, deeply nested, wrong content types, invalid UTF-8, slow and broken-off
 * bodies, bad query strings, random bytes, garbage HTTP. No answer may be a 5xx and the server must live on.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import type { Impl, Outcome } from "./cases";
import { post, startProcess, type RequestBody } from "./http-server";
import { runJsonTestSuite } from "./jsontestsuite";

const TWITTER = new URL("../../shared/data/bench/twitter.json", import.meta.url).pathname;
const MAX_BODY = 4 << 20;
let child: Awaited<ReturnType<typeof startProcess>>;
const statuses: number[] = [];

beforeAll(async () => {
  child = await startProcess(["--max-body", "4M", "--chunk-bytes", "65536", "--no-access-log"]);
});
afterAll(() => {
  child.proc.kill("SIGKILL");
});

/** A request whose answer must be a 4xx or 2xx; returns it. */
async function send(path: string, body: RequestBody, type: string | null = "application/json", init: RequestInit = {}) {
  const headers: Record<string, string> = type === null ? {} : { "content-type": type };
  const response = await fetch(child.url + path, { method: "POST", body, headers, ...init });
  const text = await response.text();
  statuses.push(response.status);
  expect([path, response.status < 500 ? "no 5xx" : text]).toEqual([path, "no 5xx"]);
  return { status: response.status, text };
}

async function outcome(route: string, input: Uint8Array): Promise<Outcome> {
  const { status, text } = await send(route, input);
  return status === 200 ? { ok: true, text } : { ok: false, error: JSON.parse(text).error };
}

const httpImpl: Impl = {
  name: "http barrage",
  flatten: (input) => outcome("/flatten", input),
  unflatten: (input) => outcome("/unflatten", input),
};

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("JSONTestSuite through HTTP", () => {
  runJsonTestSuite(httpImpl);
});

describe("bad bodies", () => {
  test("twitter.json truncated at 60 places: each a positioned 400", async () => {
    const doc = await Bun.file(TWITTER).bytes();
    const next = random(7);
    for (let i = 0; i < 60; i++) {
      const cut = Math.floor(next() * doc.byteLength);
      const { status, text } = await send("/flatten", doc.subarray(0, cut));
      expect(status).toBe(400);
      const error = JSON.parse(text).error;
      expect(error.code).toBe("INVALID_JSON");
      expect(error.offset).toBeLessThanOrEqual(cut);
    }
  });

  test("huge bodies: declared, chunked and NDJSON over the limit are 413", async () => {
    const huge = new Uint8Array(MAX_BODY + 1).fill(0x20);
    expect((await send("/flatten", huge)).status).toBe(413);
    const pieces = 10;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === pieces) return controller.close();
        controller.enqueue(new Uint8Array(MAX_BODY / 4).fill(0x20));
      },
    });
    expect((await send("/flatten", stream)).status).toBe(413);
    const lines = new TextEncoder().encode('{"a":[1,2,3]}\n'.repeat(Math.ceil((MAX_BODY + 10) / 14)));
    expect((await send("/flatten", lines, "application/x-ndjson")).status).toBe(413);
  });

  test("deep nesting: a million brackets, objects and arrays, is NESTING_TOO_DEEP", async () => {
    for (const [open, close] of [["[", "]"], ['{"a":', "}"]]) {
      const { status, text } = await send("/flatten", open!.repeat(500_000) + close!.repeat(500_000));
      expect([status, JSON.parse(text).error.code]).toEqual([400, "NESTING_TOO_DEEP"]);
    }
    const unflatten = await send("/unflatten", `{"${"a.".repeat(20_000)}b":1}`);
    expect(unflatten.status).toBe(400);
  });

  test("invalid UTF-8 is INVALID_JSON unless replacement is asked for", async () => {
    const bad = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x28, 0x22, 0x7d]);
    expect(JSON.parse((await send("/flatten", bad)).text).error.code).toBe("INVALID_JSON");
    expect(JSON.parse((await send("/flatten?replaceInvalidUtf8", bad)).text)).toEqual({ a: "\ufffd\ufffd(" });
    expect((await send("/search?key=a", bad)).status).toBe(400);
    expect((await send("/flatten?onError=emit", bad, "application/x-ndjson")).status).toBe(200);
  });

  test("wrong, odd and missing content types", async () => {
    for (const type of ["text/plain", "multipart/form-data; boundary=x", "application/xml", "", "application/json; charset=utf-16", "*/*"]) {
      expect((await send("/flatten", "{}", type)).status).toBe(415);
    }
    expect((await send("/flatten", '{"a":1}', null)).status).toBe(200); // no type at all: taken as JSON
    expect((await send("/flatten", "{}", "Application/JSON; Charset=UTF-8")).status).toBe(200);
  });

  test("bad query strings", async () => {
    for (const query of ["?%ZZ=1", "?style=%E2%28", `?delimiter=${"x".repeat(100)}`, "?maxDepth=99999999999999999999", "?value=%7B", "?maxNesting=0", "?=", "?&&&"]) {
      const { status } = await send(`/flatten${query}`, "{}");
      expect(status === 400 || status === 200).toBe(true);
    }
  });

  test("500 random byte strings to every route, as JSON and as NDJSON", async () => {
    const next = random(42);
    const routes = ["/flatten", "/unflatten", "/schema", "/search?key=a", "/flatten?onError=emit", "/unflatten?onError=skip"];
    const alphabet = new TextEncoder().encode('{}[]:,"\\ \n\tabc0123456789.eE-+truefalsnul\u00e9');
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(next() * 200);
      const body = new Uint8Array(length);
      for (let j = 0; j < length; j++) body[j] = next() < 0.9 ? alphabet[Math.floor(next() * alphabet.length)]! : Math.floor(next() * 256);
      const route = routes[i % routes.length]!;
      const ndjson = route.includes("onError") || next() < 0.3;
      await send(route, body, ndjson ? "application/x-ndjson" : "application/json");
    }
  });
});

describe("bad clients", () => {
  test("slow bodies: a byte at a time still gets its answer", async () => {
    const text = new TextEncoder().encode('{"slow":[1,2,{"x":null}]}');
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (at === text.length) return controller.close();
        await Bun.sleep(15);
        controller.enqueue(text.subarray(at, ++at));
      },
    });
    expect(JSON.parse((await send("/flatten", stream)).text)).toEqual({ "slow[0]": 1, "slow[1]": 2, "slow[2].x": null });
  });

  test("uploads broken off halfway, JSON and NDJSON", async () => {
    for (const type of ["application/json", "application/x-ndjson"]) {
      const socket = connect({ host: "127.0.0.1", port: Number(new URL(child.url).port) });
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(`POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: ${type}\r\ncontent-length: 100000\r\n\r\n{"a":[1,2,`);
      await Bun.sleep(50);
      socket.destroy();
    }
    const controller = new AbortController();
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        await Bun.sleep(20);
        c.enqueue(new TextEncoder().encode('{"a":1}\n'));
      },
    });
    const pending = fetch(`${child.url}/flatten`, { method: "POST", body: stream, headers: { "content-type": "application/x-ndjson" }, signal: controller.signal });
    await Bun.sleep(150);
    controller.abort();
    await pending.catch(() => undefined);
  });

  test("garbage HTTP on a raw socket", async () => {
    for (const garbage of ["GARBAGE\r\n\r\n", "POST /flatten HTTP/1.1\r\ncontent-length: -5\r\n\r\n", "\x00\xff\xfe\r\n\r\n", `GET /${"a".repeat(70_000)} HTTP/1.1\r\n\r\n`]) {
      const socket = connect({ host: "127.0.0.1", port: Number(new URL(child.url).port) });
      await new Promise((resolve) => socket.once("connect", resolve));
      const answer = new Promise<string>((resolve) => {
        let text = "";
        socket.on("data", (d) => (text += d.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", () => resolve(text));
      });
      socket.write(garbage);
      setTimeout(() => socket.destroy(), 500);
      expect(await answer).not.toMatch(/^HTTP\/1\.1 5/);
    }
  });
});

test("after the barrage: the server still answers and counted no 5xx", async () => {
  expect(child.proc.exitCode).toBeNull();
  expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
  expect((await post(child.url, "/flatten", '{"still":"here"}')).text).toBe('{"still":"here"}');
  const metrics = await (await fetch(`${child.url}/metrics`)).text();
  const serverErrors = metrics.split("\n").filter((line) => /^jsonflat_http_requests_total\{.*status="5/.test(line));
  expect([serverErrors, child.log()]).toEqual([[], child.log()]);
  expect(statuses.length).toBeGreaterThan(900);
  expect(statuses.every((status) => status < 500)).toBe(true);
});
