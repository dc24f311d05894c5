/**
 * @module server-hostile.test — hostile HTTP on raw sockets, for what `fetch` cannot send: no or malformed
 * `Host`, Content-Length with Transfer-Encoding, duplicate or lying Content-Length, bare LF, 64 KB headers,
 * pipelining, `Expect: 100-continue`, Object.prototype names, content codings, odd methods. Each request goes
 * to `jsonflat serve` (a child process) and to the handler under a user's own plain `Bun.serve` (development
 * mode, no error handler). Every answer is checked: its exact status, no 5xx of the server's making, no
 * source, file path or stack trace in any response; afterwards both servers still answer, count no 5xx, have
 * nothing left in flight, and the child logged no error and exits 0 on SIGTERM.
 *
 * What Bun's own HTTP parser answers before any handler runs is part of the expectations (Bun 1.4.4): 400 for
 * bad framing, 431 for oversized heads, 413 over `maxRequestBodySize`, and 505 (empty body, connection
 * closed) for a request line that does not end in ` HTTP/1.x` CRLF, which includes a bare LF ending it. That
 * 505 is the one answer of 500 or more; it comes from Bun, not jsonflat, and carries nothing (see
 * docs/hardening.md).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import zlib from "node:zlib";
import { parseResponses, rawExchange, startInProcess, startProcess, type RawResponse, type TestServer } from "./http-server";

const MAX_BODY = 64 << 10;
const J = "content-type: application/json\r\n";

/** One hostile exchange: what is written, and the statuses expected back in order. */
interface Case {
  name: string;
  pieces: (string | Uint8Array)[];
  expect: number[];
  /** Half-close after writing (the client says it sends nothing more). Default true. */
  end?: boolean;
  /** Bun's own parser answers this one (505) before any handler runs. */
  bunOwn?: boolean;
}

const gzipped = zlib.gzipSync(new TextEncoder().encode('{"z":[1,2]}'));
const bomb = zlib.gzipSync(new TextEncoder().encode(`[${"0,".repeat(1 << 20)}0]`));

function post(path: string, body: string | Uint8Array, headers = J, version = "1.1"): (string | Uint8Array)[] {
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  return [`POST ${path} HTTP/${version}\r\nhost: x\r\n${headers}content-length: ${length}\r\nconnection: close\r\n\r\n`, body];
}

const CASES: Case[] = [
  // Host
  { name: "no Host, HTTP/1.0", pieces: ["GET /healthz HTTP/1.0\r\n\r\n"], expect: [400] },
  { name: "no Host, HTTP/1.1", pieces: ["GET /healthz HTTP/1.1\r\n\r\n"], expect: [400] },
  { name: "no Host, HTTP/1.0 POST", pieces: [`POST /flatten HTTP/1.0\r\n${J}content-length: 2\r\n\r\n{}`], expect: [400] },
  { name: "empty Host", pieces: ["GET /healthz HTTP/1.1\r\nHost:\r\n\r\n"], expect: [400] },
  { name: "Host with a space", pieces: ["GET /metrics HTTP/1.1\r\nHost: a b\r\n\r\n"], expect: [400] },
  { name: "Host [::1", pieces: ["GET /healthz HTTP/1.1\r\nHost: [::1\r\n\r\n"], expect: [400] },
  { name: "Host x:99999", pieces: ["GET /healthz HTTP/1.1\r\nHost: x:99999\r\n\r\n"], expect: [400] },
  { name: "Host x:-1", pieces: ["GET /healthz HTTP/1.1\r\nHost: x:-1\r\n\r\n"], expect: [400] },
  { name: "Host with userinfo", pieces: ["GET /healthz HTTP/1.1\r\nHost: u@x\r\n\r\n"], expect: [400] },
  { name: "Host of 8 KB", pieces: [`GET /healthz HTTP/1.1\r\nHost: ${"h".repeat(8192)}\r\n\r\n`], expect: [200] },
  { name: "two Hosts", pieces: ["GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"], expect: [400] },
  { name: "Host with UTF-8 bytes", pieces: [Buffer.from("GET /healthz HTTP/1.1\r\nHost: h\u00e9\r\n\r\n", "utf8")], expect: [400] },
  // Bun routes an absolute-form target by its Host header, not by the target's own host part.
  { name: "absolute-form with a bad host", pieces: ["GET http://[::1/healthz HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [200] },
  { name: "no Host on a POST route", pieces: [`POST /flatten?constructor=1 HTTP/1.0\r\n${J}content-length: 2\r\n\r\n{}`], expect: [400] },
  // Content-Length and Transfer-Encoding together, or wrong
  { name: "CL + TE chunked", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`], expect: [400] },
  { name: "TE + CL (other order)", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}transfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n`], expect: [400] },
  { name: "TE gzip, chunked", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}transfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n`], expect: [400] },
  { name: "TE identity", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}transfer-encoding: identity\r\n\r\n{}`], expect: [400] },
  { name: "chunk size not hex", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`], expect: [400] },
  { name: "duplicate CL, different", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\ncontent-length: 3\r\n\r\n{}`], expect: [400] },
  { name: "duplicate CL, same", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 7\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{"a":1}`], expect: [200] },
  { name: "CL list in one header", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 7, 7\r\nconnection: close\r\n\r\n{"a":1}`], expect: [400] },
  { name: "CL negative", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: -2\r\n\r\n{}`], expect: [400] },
  { name: "CL plus sign", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: +2\r\n\r\n{}`], expect: [400] },
  { name: "CL hex", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 0x2\r\n\r\n{}`], expect: [400] },
  { name: "CL of 20 digits", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 99999999999999999999\r\n\r\n{}`], expect: [400] },
  { name: "CL shorter than the body (the rest is a bad next request)", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\n\r\n{"a":1}`], expect: [400, 400] },
  { name: "CL longer than the body, then the client closes", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 100\r\n\r\n{}`], expect: [] },
  { name: "NDJSON, CL longer than the body, then the client closes", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-length: 1000\r\n\r\n{"a":1}\n{"b":`], expect: [] },
  // Bare LF and CR
  { name: "bare LF ending header lines", pieces: ["GET /healthz HTTP/1.1\r\nHost: x\n\n"], expect: [400] },
  { name: "bare LF ending a POST's header", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-length: 2\n\r\n{}`], expect: [400] },
  { name: "bare LF ending the request line", pieces: ["GET /healthz HTTP/1.1\nHost: x\r\n\r\n"], expect: [505], bunOwn: true },
  { name: "bare LF everywhere, HTTP/1.0", pieces: ["GET /healthz HTTP/1.0\n\n"], expect: [505], bunOwn: true },
  { name: "bare CR line ends", pieces: ["GET /healthz HTTP/1.1\rHost: x\r\r"], expect: [505], bunOwn: true },
  { name: "HTTP/2 preface", pieces: ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"], expect: [400] },
  { name: "obs-fold header", pieces: ["GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"], expect: [400] },
  { name: "NUL in a header value", pieces: ["GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"], expect: [400] },
  // Oversized heads
  { name: "one 64 KB header", pieces: [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 << 10)}\r\n\r\n`], expect: [431] },
  { name: "64 KB of small headers", pieces: [`GET /healthz HTTP/1.1\r\nHost: x\r\n${"X-A: 0123456789abcdef\r\n".repeat(2900)}\r\n`], expect: [431] },
  { name: "a 64 KB query string", pieces: [`POST /flatten?style=${"x".repeat(64 << 10)} HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\n\r\n{}`], expect: [431] },
  // Pipelining
  {
    name: "ten pipelined requests, good and bad, answered in order",
    pieces: [
      [
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        `POST /flatten?style=pointer HTTP/1.1\r\nhost: x\r\n${J}content-length: 7\r\n\r\n{"a":1}`,
        `POST /flatten?__proto__=1 HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\n\r\n{}`,
        "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
        `POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 1\r\n\r\n{`,
        `POST /unflatten HTTP/1.1\r\nhost: x\r\n${J}transfer-encoding: chunked\r\n\r\n7\r\n{"a.b":\r\n2\r\n1}\r\n0\r\n\r\n`,
        `POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\n{}`,
        "DELETE /flatten HTTP/1.1\r\nHost: x\r\n\r\n",
        `POST /search?key=a HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-length: 16\r\n\r\n{"a":1}\n{"a":2}\n`,
        "GET /healthz HTTP/1.0\r\n\r\n",
      ].join(""),
    ],
    expect: [200, 200, 400, 404, 400, 200, 415, 405, 200, 400],
  },
  { name: "a pipelined request after a framing error is not answered", pieces: ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nX: a\0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [200, 400] },
  { name: "a pipelined gzip body", pieces: [Buffer.concat([Buffer.from(`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-encoding: gzip\r\ncontent-length: ${gzipped.length}\r\n\r\n`), gzipped, Buffer.from("GET /healthz HTTP/1.0\r\n\r\n")])], expect: [200, 400] },
  // Expect: 100-continue
  { name: "Expect: 100-continue, body after", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 7\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`, '{"a":1}'], expect: [100, 200] },
  { name: "Expect: 100-continue over the limit", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: ${MAX_BODY + 1}\r\nexpect: 100-continue\r\n\r\n`], expect: [100, 413] },
  { name: "Expect: 100-continue far over the limit", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: ${64 << 20}\r\nexpect: 100-continue\r\n\r\n`], expect: [100, 413] },
  { name: "Expect: 100-continue, no body sent", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 7\r\nexpect: 100-continue\r\n\r\n`], expect: [100] },
  { name: "Expect: something else", pieces: [`POST /flatten HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\nexpect: 200-ok\r\nconnection: close\r\n\r\n{}`], expect: [200] },
  // Object.prototype names
  ...["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__lookupGetter__"].flatMap((name) =>
    ["/flatten", "/unflatten", "/search", "/schema"].map((route) => ({ name: `${route}?${name}=1`, pieces: post(`${route}?${name}=1`, "{}"), expect: [400] })),
  ),
  { name: "a route named constructor", pieces: ["POST /constructor HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n"], expect: [404] },
  { name: "a route named __proto__", pieces: ["GET /__proto__ HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [404] },
  // Content codings
  { name: "gzip body", pieces: post("/flatten", gzipped, `${J}content-encoding: gzip\r\n`), expect: [200] },
  { name: "plain body said to be gzip", pieces: post("/flatten", "{}", `${J}content-encoding: gzip\r\n`), expect: [400] },
  { name: "gzip bomb", pieces: post("/flatten", bomb, `${J}content-encoding: gzip\r\n`), expect: [413] },
  { name: "gzip bomb as NDJSON", pieces: post("/schema", bomb, "content-type: application/x-ndjson\r\ncontent-encoding: gzip\r\n"), expect: [413] },
  { name: "unknown coding", pieces: post("/flatten", "{}", `${J}content-encoding: compress\r\n`), expect: [415] },
  { name: "a 1000-entry coding list", pieces: post("/flatten", "{}", `${J}content-encoding: ${Array(1000).fill("gzip").join(",")}\r\n`), expect: [415] },
  // Methods and targets
  // Bun closes the connection on a method it does not know, without an answer.
  { name: "an unknown method", pieces: ["FROB /flatten HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [] },
  { name: "a lower-case method", pieces: ["get /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [] },
  { name: "CONNECT", pieces: ["CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n"], expect: [404] },
  { name: "OPTIONS *", pieces: ["OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [400] },
  { name: "TRACE", pieces: ["TRACE /flatten HTTP/1.1\r\nHost: x\r\n\r\n"], expect: [405] },
  { name: "a method of 5000 letters", pieces: [`${"A".repeat(5000)} / HTTP/1.1\r\nHost: x\r\n\r\n`], expect: [] },
  { name: "dot segments and encoded slashes", pieces: ["GET /a/../healthz HTTP/1.1\r\nHost: x\r\n\r\n", "GET /%2e%2e/%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n"], expect: [200, 404] },
  { name: "a fragment and a bad percent escape", pieces: [`POST /flatten?%ZZ#frag HTTP/1.1\r\nhost: x\r\n${J}content-length: 2\r\nconnection: close\r\n\r\n{}`], expect: [400] },
];

/** A server under test and what it answered. */
interface Target {
  name: string;
  url: string;
  answers: { name: string; response: RawResponse; bunOwn: boolean }[];
}

const child = { value: undefined as Awaited<ReturnType<typeof startProcess>> | undefined };
let inProcess: TestServer;
const targets: Target[] = [
  { name: "jsonflat serve", url: "", answers: [] },
  { name: "the handler under a user's own Bun.serve", url: "", answers: [] },
];

beforeAll(async () => {
  child.value = await startProcess(["--max-body", String(MAX_BODY)]);
  targets[0]!.url = child.value.url;
  // Development mode and no error handler: the handler alone must keep Bun's error page away.
  inProcess = startInProcess({ maxBodyBytes: MAX_BODY });
  targets[1]!.url = inProcess.url;
});
afterAll(async () => {
  child.value?.proc.kill("SIGKILL");
  await inProcess?.stop();
});

function isErrorObject(response: RawResponse): boolean {
  if (response.headers["content-type"] !== "application/json") return false;
  try {
    return typeof JSON.parse(response.body).error.code === "string";
  } catch {
    return false;
  }
}

/** Marks of source code, file paths or stack traces; none may appear in any response. */
function leaks(text: string): string[] {
  const marks = [process.cwd(), import.meta.dir, "/src/", "node_modules", ".ts:", "<html", "<!DOCTYPE", "    at "];
  return marks.filter((mark) => text.includes(mark)).concat(/\w+\.(ts|js):\d+/.test(text) ? ["file:line"] : []);
}

for (const target of targets) {
  describe(target.name, () => {
    test("every hostile request gets exactly the expected answers", async () => {
      const got: [string, number[]][] = [];
      const badErrors: string[] = [];
      for (const c of CASES) {
        const bytes = await rawExchange(target.url, c.pieces, { end: c.end ?? true });
        const responses = parseResponses(bytes);
        got.push([c.name, responses.map((r) => r.status)]);
        for (const response of responses) {
          target.answers.push({ name: c.name, response, bunOwn: c.bunOwn === true });
          // Every refusal of the handler is the JSON error object; Bun's own carry no body at all.
          if (response.status >= 400 && response.body !== "" && !isErrorObject(response)) badErrors.push(`${c.name}: ${response.status} ${response.body.slice(0, 80)}`);
        }
      }
      expect(got).toEqual(CASES.map((c) => [c.name, c.expect]));
      expect(badErrors).toEqual([]);
    });

    test("no answer is 500 or more (but Bun's own bodiless 505) and none shows source, paths or stacks", () => {
      expect(target.answers.length).toBeGreaterThan(CASES.length);
      const serverErrors = target.answers.filter((a) => a.response.status >= 500 && !(a.bunOwn && a.response.status === 505 && a.response.body === ""));
      expect(serverErrors.map((a) => a.name)).toEqual([]);
      const leaking = target.answers.filter((a) => leaks(a.response.body + JSON.stringify(a.response.headers)).length > 0);
      expect(leaking.map((a) => [a.name, leaks(a.response.body)])).toEqual([]);
    });

    test("afterwards it still answers, counted no 5xx and has nothing left in flight", async () => {
      expect((await fetch(`${target.url}/healthz`)).status).toBe(200);
      // A request whose client went away ends a little after the socket closed: wait for it, then count.
      let metrics = "";
      for (let tries = 0; tries < 200; tries++) {
        metrics = await (await fetch(`${target.url}/metrics`)).text();
        if (metrics.includes("jsonflat_http_requests_in_flight 1\n")) break;
        await Bun.sleep(25);
      }
      expect(metrics).toContain("jsonflat_http_requests_in_flight 1\n");
      expect(metrics.split("\n").filter((line) => /^jsonflat_http_requests_total\{.*status="5/.test(line))).toEqual([]);
    });
  });
}

test("jsonflat serve logged no error and exits 0 on SIGTERM", async () => {
  const running = child.value!;
  running.proc.kill("SIGTERM");
  expect(await running.proc.exited).toBe(0);
  const log = running.log();
  expect(log).toContain("jsonflat stopped");
  expect(log.split("\n").filter((line) => / ERROR /.test(line) || leaks(line).includes("<html"))).toEqual([]);
});
