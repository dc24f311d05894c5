/**
 * @module doc-stream-http.test — a large JSON body is flattened as it arrives: the response starts before the
 * body has been sent whole (a slow client over a raw socket), the output equals flattenBytes of the whole
 * body, and a fault after the output began ends the response with an error record the client cannot take for
 * valid JSON.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";
import { JsonFlatError, flattenBytes } from "../src";
import { chunk, dechunk, until } from "./fixtures/http-chunked";
import { startInProcess } from "./http-server";

const CITM = new URL("../../shared/data/bench/citm_catalog.json", import.meta.url).pathname;
const decoder = new TextDecoder();
const server = startInProcess({ chunkBytes: 64 << 10 });
afterAll(() => server.stop());

async function open(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

function records(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ id: from + i, title: "t".repeat(100), tags: ["a", "b"] })).join(",");
}

describe("HTTP: one JSON body streamed", () => {
  test("the response starts before the body is sent whole, and equals flattenBytes of it", async () => {
    const head = `[${records(0, 12_000)}`; // about 1.7 MB: more output than the server holds back
    const tail = `,${records(12_000, 10)},{"last":true}]`;
    const socket = await open(server.url);
    const pieces: Buffer[] = [];
    socket.on("data", (piece: Buffer) => pieces.push(piece));
    socket.write("POST /flatten?style=pointer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
    socket.write(chunk(head));
    await until(() => Buffer.concat(pieces).includes('"/11000/id":11000'));
    expect(Buffer.concat(pieces).includes('"/12010/last"')).toBe(false);
    expect(Buffer.concat(pieces).toString()).toStartWith("HTTP/1.1 200");
    socket.write(chunk(tail));
    socket.write("0\r\n\r\n");
    await until(() => Buffer.concat(pieces).toString().endsWith("\r\n0\r\n\r\n"));
    socket.destroy();
    const response = Buffer.concat(pieces);
    expect(dechunk(response.subarray(response.indexOf("\r\n\r\n") + 4))).toBe(decoder.decode(flattenBytes(head + tail, { style: "pointer" })));
  });

  test("a large body with a Content-Length, and /schema, answer what the whole-body path answers", async () => {
    const body = readFileSync(CITM);
    const flat = await fetch(`${server.url}/flatten?format=entries`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(flat.status).toBe(200);
    expect(await flat.text()).toBe(decoder.decode(flattenBytes(body, { format: "entries" })));
    const schema = await fetch(`${server.url}/schema`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(JSON.parse(await schema.text())).toEqual(JSON.parse(decoder.decode(flattenBytes(body, { mode: "schema" }))));
  });

  test("a fault after the output began ends the response with the error flattenBytes gives", async () => {
    const body = `[${records(0, 12_000)},\n{"bad": tru}]`;
    const response = await fetch(`${server.url}/flatten`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    const last = JSON.parse(text.trimEnd().split("\n").at(-1)!);
    let want: JsonFlatError | undefined;
    try {
      flattenBytes(body);
    } catch (error) {
      want = error as JsonFlatError;
    }
    expect(last).toEqual({ error: want!.toJSON() });
    expect(last.error.line).toBe(2);
  });

  test("a small bad body is still a 400, and the body limit holds while streaming", async () => {
    const bad = await fetch(`${server.url}/flatten`, { method: "POST", body: `[${records(0, 1000)},x]`, headers: { "content-type": "application/json" } });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([400, "INVALID_JSON"]);
    const small = startInProcess({ maxBodyBytes: 2 << 20, chunkBytes: 64 << 10 });
    try {
      const big = `[${records(0, 30_000)}]`; // about 4 MB
      const response = await fetch(`${small.url}/flatten`, {
        method: "POST",
        body: new Blob([big]).stream(), // chunked: the limit is met while streaming
        headers: { "content-type": "application/json" },
      });
      const text = await response.text();
      expect(JSON.parse(text.trimEnd().split("\n").at(-1)!).error.code).toBe("INPUT_TOO_LARGE");
    } finally {
      await small.stop();
    }
  });
});
