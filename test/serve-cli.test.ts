/**
 * @module serve-cli.test — `jsonflat serve` as a process: safe defaults, usage errors, the access log, a
 * graceful stop on SIGTERM and SIGINT (a request in flight still gets its whole answer), and exit 0 after
 * requests that once escaped the handler.
 */
import { expect, test } from "bun:test";
import { parseResponses, rawExchange, startProcess } from "./http-server";
import { BUN } from "./fixtures/child-bun";

const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;

function run(args: string[]) {
  const proc = Bun.spawnSync([BUN, CLI, ...args]);
  return { status: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

test("--help documents serve; bad flags are usage errors (exit 2)", () => {
  expect(run(["--help"]).stdout).toContain("--max-body SIZE");
  expect(run(["serve", "--help"]).stdout).toContain("--workers N");
  for (const args of [["serve", "--port", "x"], ["serve", "--max-body", "12Q"], ["serve", "--workers", "-1"], ["serve", "--bogus"], ["serve", "extra"]]) {
    const result = run(args);
    expect([args.join(" "), result.status]).toEqual([args.join(" "), 2]);
    expect(result.stderr).toContain("Try 'jsonflat --help'");
  }
});

test("listens on loopback by default and logs each request", async () => {
  const child = await startProcess();
  try {
    expect(new URL(child.url).hostname).toBe("127.0.0.1");
    await fetch(`${child.url}/flatten`, { method: "POST", body: '{"a":[1]}', headers: { "content-type": "application/json" } });
    await Bun.sleep(100);
    expect(child.log()).toMatch(/INFO .*request \{"method":"POST","path":"\/flatten","status":200,"bytesIn":9,"bytesOut":10,"ms":[\d.]+\}/);
  } finally {
    child.proc.kill("SIGKILL");
  }
});

test("a port in use is a clear error, not a crash", async () => {
  const child = await startProcess();
  try {
    const result = run(["serve", "--port", new URL(child.url).port]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("jsonflat: serve: EADDRINUSE");
  } finally {
    child.proc.kill("SIGKILL");
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal}: stops taking connections, finishes the request in flight, exits 0`, async () => {
    const child = await startProcess(["--workers", "1"]);
    const encoder = new TextEncoder();
    let send!: (text: string) => void;
    let end!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (text) => controller.enqueue(encoder.encode(text));
        end = () => controller.close();
      },
    });
    send('{"in":');
    const inFlight = fetch(`${child.url}/flatten`, { method: "POST", body, headers: { "content-type": "application/json" } });
    await Bun.sleep(300);
    child.proc.kill(signal);
    await Bun.sleep(300);
    await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();
    send('"flight"}');
    end();
    const response = await inFlight;
    expect([response.status, await response.text()]).toEqual([200, '{"in":"flight"}']);
    expect(await child.proc.exited).toBe(0);
    expect(child.log()).toContain("in-flight requests finish first");
    expect(child.log()).toContain("jsonflat stopped");
  });
}

test("after requests with no Host, a bad Host or a prototype-named parameter, SIGTERM still exits 0", async () => {
  const child = await startProcess();
  try {
    for (const request of ["GET /healthz HTTP/1.0\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: [::1\r\n\r\n"]) {
      const [answer, ...more] = parseResponses(await rawExchange(child.url, [request], { end: true }));
      expect([answer?.status, answer?.headers["content-type"], more.length]).toEqual([400, "application/json", 0]);
      expect(answer!.body).toBe('{"error":{"code":"BAD_REQUEST","message":"the Host header is missing or malformed"}}');
    }
    const proto = await fetch(`${child.url}/flatten?constructor=1`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(proto.status).toBe(400);
    await proto.text();
    child.proc.kill("SIGTERM");
    expect(await child.proc.exited).toBe(0);
    // The access log names the path of a request whose Host did not parse; no error was logged.
    expect(child.log()).toMatch(/request \{"method":"GET","path":"\/healthz","status":400,/);
    expect(child.log()).not.toContain("ERROR");
  } finally {
    child.proc.kill("SIGKILL");
  }
});
