/**
 * @module server.test — the HTTP handler: every route and status, NDJSON streamed while the body still
 * arrives, a slow reader, concurrent requests, coworker offload and the metrics.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { Pool } from "../src/coworker/pool";
import { flatten } from "../src/document/flatten";
import zlib from "node:zlib";
import { chunk, dechunk, until } from "./fixtures/http-chunked";
import { parseResponses, post, rawExchange, startInProcess } from "./http-server";

const TWITTER = new URL("../../shared/data/bench/twitter.json", import.meta.url).pathname;
const server = startInProcess({ maxBodyBytes: 1 << 20, chunkBytes: 4096 });
afterAll(() => server.stop());

const NDJSON = "application/x-ndjson";

describe("one JSON document", () => {
  test("flatten with options as query parameters, library and CLI spellings", async () => {
    const doc = '{"a":{"b c":[1,{"d":null}]},"e":{"f":{"g":1}}}';
    expect((await post(server.url, "/flatten", doc)).text).toBe('{"a[\\"b c\\"][0]":1,"a[\\"b c\\"][1].d":null,"e.f.g":1}');
    expect((await post(server.url, "/flatten?style=pointer&format=entries", doc)).text).toBe('[["/a/b c/0",1],["/a/b c/1/d",null],["/e/f/g",1]]');
    const depth = await post(server.url, "/flatten?max-depth=2&style=flat&delimiter=_", doc);
    expect(depth.text).toBe(await post(server.url, "/flatten?maxDepth=2&style=flat&delimiter=_", doc).then((r) => r.text));
    expect(JSON.parse(depth.text)).toEqual({ "a_b c": [1, { d: null }], e_f: { g: 1 } });
    expect((await post(server.url, "/flatten?mode=grouped", '{"a":[{"b":1},{"b":2}]}')).text).toBe('{"a[].b":[1,2]}');
  });

  test("a large document comes back byte for byte as the library writes it", async () => {
    const body = await Bun.file(TWITTER).bytes();
    const big = startInProcess({ maxBodyBytes: 4 << 20 });
    try {
      const response = await post(big.url, "/flatten", body);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(JSON.parse(response.text)).toEqual(flatten(body));
    } finally {
      await big.stop();
    }
  });

  test("unflatten, search and schema", async () => {
    expect((await post(server.url, "/unflatten?style=pointer", '{"/a/0/b":1}')).text).toBe('{"a":[{"b":1}]}');
    const hits = await post(server.url, "/search?key=id&value=2", '{"a":{"id":1},"b":[{"id":2},{"id":"2"}]}');
    expect(JSON.parse(hits.text)).toEqual({ count: 1, hits: [["b[0].id", 2]] });
    expect(hits.headers.get("x-jsonflat-count")).toBe("1");
    const glob = await post(server.url, "/search?path=b[*].id", '{"a":{"id":1},"b":[{"id":2},{"id":"2"}]}');
    expect(JSON.parse(glob.text)).toEqual({ count: 2, hits: [["b[0].id", 2], ["b[1].id", "2"]] });
    expect(JSON.parse((await post(server.url, "/search?key=zz", "[1]")).text)).toEqual({ count: 0, hits: [] });
    const schema = await post(server.url, "/schema", '{"a":[{"b":1},{"b":"x"}]}');
    expect(JSON.parse(schema.text)).toEqual({ "a[].b": { key: "b", count: 2, docs: 1, types: { string: 1, integer: 1 } } });
  });

  test("search results larger than the copy threshold are well-formed JSON", async () => {
    const doc = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    const hits = JSON.parse((await post(server.url, "/search?key=id", doc)).text);
    expect(hits.count).toBe(3000);
    expect(hits.hits[2999]).toEqual(["items[2999].id", 2999]);
  });
});

describe("error statuses", () => {
  test("400 with the SPEC error object for bad JSON, positioned", async () => {
    const response = await post(server.url, "/flatten", '{"a":\n  tru}');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error).toMatchObject({ code: "INVALID_JSON", offset: 8, line: 2, column: 3 });
  });

  test("400 INVALID_OPTION: a bad value, an unknown parameter, one for another route, an NDJSON-only one", async () => {
    for (const path of ["/flatten?style=xml", "/flatten?frobnicate=1", "/flatten?key=a", "/flatten?onError=skip", "/flatten?max-depth=x", "/search", "/search?value=nope", "/flatten?style=js&style=flat", "/unflatten?mode=grouped"]) {
      const response = await post(server.url, path, "{}");
      expect([path, response.status]).toEqual([path, 400]);
      expect(JSON.parse(response.text).error.code).toBe("INVALID_OPTION");
    }
  });

  test("400 INVALID_OPTION for parameters named like Object.prototype members, on every POST route", async () => {
    const names = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "propertyIsEnumerable", "toLocaleString"];
    for (const route of ["/flatten", "/unflatten", "/search", "/schema"]) {
      for (const name of names) {
        for (const type of ["application/json", NDJSON]) {
          const response = await post(server.url, `${route}?${name}=1`, "{}", type);
          expect([route, name, response.status]).toEqual([route, name, 400]);
          expect(JSON.parse(response.text).error).toEqual({ code: "INVALID_OPTION", message: `unknown parameter "${name}" for ${route}` });
        }
      }
    }
  });

  test("a missing, empty or malformed Host is a 400 JSON error under a user's own Bun.serve (development mode)", async () => {
    // `server` is a plain `Bun.serve({ fetch: handler })`: development mode, no error handler of its own.
    const requests = [
      "GET /healthz HTTP/1.0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost:\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: [::1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x:99999\r\n\r\n",
      'POST /flatten HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
    ];
    for (const request of requests) {
      const responses = parseResponses(await rawExchange(server.url, [request], { end: true }));
      expect([request, responses.map((r) => r.status)]).toEqual([request, [400]]);
      expect(responses[0]!.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(responses[0]!.body)).toEqual({ error: { code: "BAD_REQUEST", message: "the Host header is missing or malformed" } });
    }
  });

  test("400 for conflicting paths and too deep nesting", async () => {
    expect(JSON.parse((await post(server.url, "/unflatten", '{"a":1,"a.b":2}')).text).error.code).toBe("PATH_CONFLICT");
    const deep = await post(server.url, "/flatten?maxNesting=10", "[".repeat(11) + "]".repeat(11));
    expect([deep.status, JSON.parse(deep.text).error.code]).toEqual([400, "NESTING_TOO_DEEP"]);
  });

  test("413 over the body limit: declared, chunked, and NDJSON streamed", async () => {
    const small = startInProcess({ maxBodyBytes: 1000, chunkBytes: 256 });
    try {
      const declared = await post(small.url, "/flatten", `[${"1,".repeat(600)}1]`);
      expect([declared.status, JSON.parse(declared.text).error.code]).toEqual([413, "INPUT_TOO_LARGE"]);
      const chunked = await post(small.url, "/flatten", trickle([`[${"1,".repeat(300)}`, `${"1,".repeat(300)}1]`]));
      expect([chunked.status, JSON.parse(chunked.text).error.code]).toEqual([413, "INPUT_TOO_LARGE"]);
      // Over the limit after output began: the stream ends with an error record instead of the rest.
      const lines = Array.from({ length: 200 }, (_, i) => `{"n":${i}}\n`);
      const streamed = await post(small.url, "/flatten", trickle(lines), NDJSON);
      expect(streamed.status).toBe(200);
      const records = streamed.text.trim().split("\n").map((l) => JSON.parse(l));
      expect(records.at(-1).error.code).toBe("INPUT_TOO_LARGE");
      expect(records.slice(0, -1)).toEqual(records.slice(0, -1).map((_, i) => ({ n: i })));
    } finally {
      await small.stop();
    }
  });

  test("415 for other content types and charsets", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]) {
      const response = await post(server.url, "/flatten", "{}", type);
      expect([type, response.status]).toEqual([type, 415]);
      expect(response.headers.get("accept-post")).toContain("application/x-ndjson");
    }
  });

  test("405 with Allow, 404 for unknown paths", async () => {
    const get = await fetch(`${server.url}/flatten`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const postHealth = await post(server.url, "/healthz", "{}");
    expect([postHealth.status, postHealth.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    const missing = await fetch(`${server.url}/nowhere`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, "NOT_FOUND"]);
  });
});

describe("NDJSON", () => {
  test("flatten, search, schema and unflatten per line, with onError modes", async () => {
    const body = '{"a":{"b":1}}\n\n{"a":{"b":"x"}}\r\nnot json\n{"a":{"b":3}}';
    const emitted = await post(server.url, "/flatten?onError=emit&style=pointer", body, NDJSON);
    const lines = emitted.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.slice(0, 2)).toEqual([{ "/a/b": 1 }, { "/a/b": "x" }]);
    expect(lines[2]).toMatchObject({ line: 4, error: { code: "INVALID_JSON", line: 4 } });
    expect(lines[3]).toEqual({ "/a/b": 3 });
    expect((await post(server.url, "/flatten?on-error=skip", body, NDJSON)).text).toBe('{"a.b":1}\n{"a.b":"x"}\n{"a.b":3}\n');
    const failed = await post(server.url, "/flatten", body, NDJSON);
    expect([failed.status, JSON.parse(failed.text).error.line]).toEqual([400, 4]);
    expect((await post(server.url, "/search?key=b&onError=skip", body, NDJSON)).text).toBe('[1,"a.b",1]\n[3,"a.b","x"]\n[5,"a.b",3]\n');
    const schema = JSON.parse((await post(server.url, "/schema?onError=skip", body, NDJSON)).text);
    expect(schema["a.b"]).toEqual({ key: "b", count: 3, docs: 3, types: { string: 1, integer: 2 } });
    const rebuilt = await post(server.url, "/unflatten?onError=emit", '{"a.b":1}\n{"a":1,"a.b":2}\n{"c[0]":true}\n', NDJSON);
    const rebuiltLines = rebuilt.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(rebuiltLines[0]).toEqual({ a: { b: 1 } });
    expect(rebuiltLines[1]).toMatchObject({ line: 2, error: { code: "PATH_CONFLICT", line: 2 } });
    expect(rebuiltLines[2]).toEqual({ c: [true] });
  });

  test("output is streamed while the request body is still arriving", async () => {
    const socket = await open(server.url);
    const received = collect(socket);
    socket.write("POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n");
    const firstLines = `${Array.from({ length: 600 }, (_, i) => `{"first":${i}}`).join("\n")}\n`; // over chunkBytes
    socket.write(chunk(firstLines));
    // The first lines come back before the client has sent the rest (or the end) of its body.
    await until(() => received.text().includes('{"first":299}'));
    expect(received.text()).not.toContain('"last"');
    socket.write(chunk('{"last":1}\n'));
    socket.write("0\r\n\r\n");
    await until(() => received.text().includes('{"last":1}'));
    socket.destroy();
  });

  test("a slow reader gets every line in order; others are served meanwhile", async () => {
    const lines = 20_000;
    const body = Array.from({ length: lines }, (_, i) => JSON.stringify({ i, pad: "x".repeat(200), tags: [i, i + 1] })).join("\n");
    const big = startInProcess({ maxBodyBytes: 64 << 20, chunkBytes: 64 << 10 });
    try {
      const socket = await open(big.url);
      const received = collect(socket);
      socket.write(`POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
      socket.write(body);
      // Read in bursts with pauses: the server must wait for the socket, not drop or reorder.
      for (let i = 0; i < 10; i++) {
        socket.pause();
        await Bun.sleep(60);
        expect((await fetch(`${big.url}/healthz`)).status).toBe(200);
        socket.resume();
        await Bun.sleep(10);
      }
      await until(() => received.text().endsWith("\r\n0\r\n\r\n"));
      socket.destroy();
      const text = received.text();
      const payload = dechunk(text.slice(text.indexOf("\r\n\r\n") + 4));
      const out = payload.trim().split("\n");
      expect(out.length).toBe(lines);
      expect(JSON.parse(out[12345]!)).toEqual({ i: 12345, pad: "x".repeat(200), "tags[0]": 12345, "tags[1]": 12346 });
      out.forEach((line, i) => expect(line.startsWith(`{"i":${i},`)).toBe(true));
    } finally {
      await big.stop();
    }
  });
  test("a client that stops reading stops the server reading its body (memory stays bounded)", async () => {
    const big = startInProcess({ maxBodyBytes: 1 << 30, chunkBytes: 1 << 20 });
    try {
      const line = `${JSON.stringify({ pad: "x".repeat(1000), list: Array.from({ length: 50 }, (_, i) => i) })}\n`;
      const block = line.repeat(1000);
      const blocks = 200; // about 260 MB of body, more output
      const socket = await open(big.url);
      socket.pause(); // never read the response
      socket.write(`POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-length: ${block.length * blocks}\r\n\r\n`);
      let sent = 0;
      let stalled = false;
      for (let i = 0; i < blocks && !stalled; i++) {
        if (!socket.write(block)) stalled = !(await Promise.race([new Promise((r) => socket.once("drain", () => r(true))), Bun.sleep(1500).then(() => false)]));
        sent += block.length;
      }
      socket.destroy();
      // Socket buffers and one chunk in flight hold a few MB; the server must not have swallowed the body.
      expect(stalled).toBe(true);
      expect(sent).toBeLessThan(64 << 20);
    } finally {
      await big.stop();
    }
  });
});

describe("Content-Encoding", () => {
  const encoder = new TextEncoder();
  const ZSTD = zlib.constants as unknown as Record<string, number>;
  /** Each coding's encoder; the server decodes them all (deflate as zlib and as raw deflate). */
  const encoders: Record<string, (bytes: Uint8Array) => Uint8Array> = {
    gzip: (b) => zlib.gzipSync(b),
    "x-gzip": (b) => zlib.gzipSync(b),
    deflate: (b) => zlib.deflateSync(b),
    "deflate (raw)": (b) => zlib.deflateRawSync(b),
    br: (b) => zlib.brotliCompressSync(b),
    zstd: (b) => zlib.zstdCompressSync(b, { params: { [ZSTD.ZSTD_c_checksumFlag!]: 1 } }),
  };
  const header = (name: string) => name.replace(" (raw)", "");

  async function send(base: string, path: string, body: Uint8Array | ReadableStream<Uint8Array>, encoding: string, type = "application/json") {
    const response = await fetch(base + path, { method: "POST", body, headers: { "content-type": type, "content-encoding": encoding } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  test("gzip, x-gzip, deflate (zlib or raw), br and zstd bodies are decoded, JSON and NDJSON, whole or trickled", async () => {
    const doc = encoder.encode('{"a":{"b":[1,{"c":"\u00e9"}]},"big":12345678901234567890}');
    const lines = encoder.encode(Array.from({ length: 500 }, (_, i) => `{"n":${i},"s":"line ${i}"}`).join("\n"));
    const expectedLines = Array.from({ length: 500 }, (_, i) => `{"n":${i},"s":"line ${i}"}`).join("\n") + "\n";
    for (const [name, encode] of Object.entries(encoders)) {
      const one = await send(server.url, "/flatten", encode(doc), header(name));
      expect([name, one.status, one.text]).toEqual([name, 200, '{"a.b[0]":1,"a.b[1].c":"é","big":12345678901234567890}']);
      const packed = encode(lines);
      const pieces = Array.from({ length: Math.ceil(packed.length / 7) }, (_, i) => packed.subarray(i * 7, i * 7 + 7));
      const many = await send(server.url, "/flatten", trickleBytes(pieces), header(name), NDJSON);
      expect([name, many.status, many.text === expectedLines]).toEqual([name, 200, true]);
    }
    // Codings in the order applied: the last one is undone first. identity and empty entries change nothing.
    const stacked = zlib.brotliCompressSync(zlib.gzipSync(doc));
    expect((await send(server.url, "/flatten", stacked, "gzip, br")).status).toBe(200);
    expect((await send(server.url, "/flatten", doc, "identity")).status).toBe(200);
    expect((await send(server.url, "/schema", zlib.gzipSync(doc), "Identity, GZIP,")).status).toBe(200);
  });

  test("a body that is not what its coding says is 400 IO: plain, corrupt, cut short, trailing bytes", async () => {
    const gz = zlib.gzipSync(encoder.encode('{"a":1}'));
    const bodies: [string, Uint8Array, string][] = [
      ["plain JSON labelled gzip", encoder.encode('{"a":1}'), "gzip"],
      ["plain JSON labelled br", encoder.encode('{"a":1}'), "br"],
      ["plain JSON labelled zstd", encoder.encode('{"a":1}'), "zstd"],
      ["plain JSON labelled deflate", encoder.encode('{"a":1}'), "deflate"],
      ["corrupt gzip", Uint8Array.from([...gz.subarray(0, 12), 0xff, 0xff, 0xff, ...gz.subarray(15)]), "gzip"],
      ["gzip cut short", gz.subarray(0, gz.length - 5), "gzip"],
      ["gzip and trailing bytes", Uint8Array.from([...gz, 1, 2, 3]), "gzip"],
      ["empty gzip", new Uint8Array(0), "gzip"],
      ["gzip labelled zstd", gz, "zstd"],
    ];
    for (const [what, body, coding] of bodies) {
      for (const type of ["application/json", NDJSON]) {
        const response = await send(server.url, "/flatten", body, coding, type);
        expect([what, type, response.status]).toEqual([what, type, 400]);
        const error = JSON.parse(response.text).error;
        expect([what, error.code, error.message]).toEqual([what, "IO", expect.stringContaining(`not valid ${coding} data`)]);
      }
    }
  });

  test("a compressed NDJSON body cut short after output began ends with an IO error record", async () => {
    let seed = 1; // a fixed LCG: lines that do not compress to nothing
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return `{"i":${i},"r":${seed}}`;
    });
    const packed = zlib.gzipSync(encoder.encode(lines.join("\n")));
    const response = await send(server.url, "/flatten", packed.subarray(0, packed.length >> 1), "gzip", NDJSON);
    expect(response.status).toBe(200);
    const out = response.text.trim().split("\n");
    expect(out.length).toBeGreaterThan(1000);
    expect(out.slice(0, -1)).toEqual(lines.slice(0, out.length - 1));
    expect(JSON.parse(out.at(-1)!)).toEqual({ error: { code: "IO", message: "the request body is not valid gzip data (unexpected end of file)" } });
  });

  test("an unknown coding, or more than three, is 415 with Accept-Encoding", async () => {
    for (const coding of ["compress", "x-compress", "snappy", "gzip, lz4", "gzip, gzip, gzip, gzip"]) {
      const response = await send(server.url, "/flatten", encoder.encode("{}"), coding);
      expect([coding, response.status, JSON.parse(response.text).error.code]).toEqual([coding, 415, "UNSUPPORTED_MEDIA_TYPE"]);
      expect(response.headers.get("accept-encoding")).toBe("gzip, deflate, br, zstd");
    }
  });

  test("the body limit holds for the bytes sent and for the decoded bytes: a decompression bomb is 413", async () => {
    const small = startInProcess({ maxBodyBytes: 64 << 10, chunkBytes: 1 << 20 });
    try {
      // 8 MiB of JSON (an array of zeros), a few dozen KB at most once compressed.
      const bomb = encoder.encode(`[${"0,".repeat(4 << 20)}0]`);
      const lines = encoder.encode('{"a":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n'.repeat(200_000));
      for (const [name, encode] of Object.entries(encoders)) {
        const packed = encode(bomb);
        expect(packed.length).toBeLessThan(64 << 10);
        const one = await send(small.url, "/flatten", packed, header(name));
        expect([name, one.status, JSON.parse(one.text).error]).toEqual([name, 413, { code: "INPUT_TOO_LARGE", message: expect.stringContaining("once decoded") }]);
        const many = await send(small.url, "/flatten", encode(lines), header(name), NDJSON);
        expect([name, many.status, JSON.parse(many.text).error.code]).toEqual([name, 413, "INPUT_TOO_LARGE"]);
      }
      // Each layer of a stack is held to the limit: gzip inside gzip cannot smuggle a larger body.
      const twice = zlib.gzipSync(zlib.gzipSync(bomb));
      expect((await send(small.url, "/schema", twice, "gzip, gzip")).status).toBe(413);
      // Compressed bytes over the limit are refused before decoding (random bytes do not compress).
      let state = 2463534242; // xorshift32, fixed seed
      const noise = new Uint8Array(100 << 10).map(() => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state & 0xff;
      });
      const declared = await send(small.url, "/flatten", zlib.gzipSync(noise), "gzip");
      expect([declared.status, JSON.parse(declared.text).error.message]).toEqual([413, "the request body is over the limit of 65536 bytes"]);
    } finally {
      await small.stop();
    }
  });

  test("a compressed NDJSON body is decoded as it arrives: output comes back before the body ends", async () => {
    const socket = await open(server.url);
    const received = collect(socket);
    socket.write("POST /flatten HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-encoding: deflate\r\ntransfer-encoding: chunked\r\n\r\n");
    const firstLines = `${Array.from({ length: 600 }, (_, i) => `{"first":${i}}`).join("\n")}\n`; // over chunkBytes
    // Raw deflate flushed to a byte boundary with no final block: a prefix of one longer deflate stream.
    const head = zlib.deflateRawSync(encoder.encode(firstLines), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    socket.write(chunkBytes(head));
    await until(() => received.text().includes('{"first":299}'));
    expect(received.text()).not.toContain('"last"');
    socket.write(chunkBytes(zlib.deflateRawSync(encoder.encode('{"last":1}\n'))));
    socket.write("0\r\n\r\n");
    await until(() => received.text().includes('{"last":1}'));
    socket.destroy();
  });
});

test("64 concurrent requests of every kind all get their own right answer", async () => {
  const jobs = Array.from({ length: 64 }, async (_, i) => {
    const doc = JSON.stringify({ id: i, list: Array.from({ length: i * 20 }, (_, j) => j) });
    switch (i % 4) {
      case 0:
        return expect(JSON.parse((await post(server.url, "/flatten", doc)).text)).toEqual(flatten(doc));
      case 1:
        return expect(JSON.parse((await post(server.url, "/flatten", `${doc}\n${doc}\n`, NDJSON)).text.split("\n")[1]!)).toEqual(flatten(doc));
      case 2:
        return expect(JSON.parse((await post(server.url, "/search?key=id", doc)).text)).toEqual({ count: 1, hits: [["id", i]] });
      default:
        return expect((await post(server.url, "/flatten", `{"id":${i},`)).status).toBe(400);
    }
  });
  await Promise.all(jobs);
});

test("large bodies go to the coworker pool when one is given", async () => {
  const pool = new Pool({ size: 1 });
  const offloaded = startInProcess({ pool, offloadBytes: 100 });
  try {
    const doc = JSON.stringify({ list: Array.from({ length: 100 }, (_, i) => ({ i })) });
    expect(JSON.parse((await post(offloaded.url, "/flatten", doc)).text)).toEqual(flatten(doc));
    expect((await post(offloaded.url, "/flatten", "[1]")).text).toBe('{"[0]":1}');
    expect(pool.stats().done).toBe(1);
    const bad = await post(offloaded.url, "/flatten", `${doc.slice(0, -1)}x`);
    expect([bad.status, JSON.parse(bad.text).error.code]).toEqual([400, "INVALID_JSON"]);
  } finally {
    await offloaded.stop();
    await pool.close();
  }
});

test("an onRequest hook that throws does not change any answer", async () => {
  const seen: number[] = [];
  const hooked = startInProcess({
    onRequest: (record) => {
      seen.push(record.status);
      throw new Error("the access log is broken");
    },
  });
  try {
    expect((await post(hooked.url, "/flatten", '{"a":[1]}')).text).toBe('{"a[0]":1}');
    expect((await fetch(`${hooked.url}/healthz`)).status).toBe(200);
    expect((await post(hooked.url, "/flatten", "{")).status).toBe(400);
    expect((await fetch(`${hooked.url}/nowhere`)).status).toBe(404);
    expect(seen).toEqual([200, 200, 400, 404]);
  } finally {
    await hooked.stop();
  }
});

test("/healthz, /metrics and the page", async () => {
  const fresh = startInProcess();
  try {
    expect(await (await fetch(`${fresh.url}/healthz`)).json()).toEqual({ status: "ok" });
    await post(fresh.url, "/flatten", '{"a":1}');
    await post(fresh.url, "/flatten", "{");
    await fetch(`${fresh.url}/missing`);
    const text = await (await fetch(`${fresh.url}/metrics`)).text();
    expect(text).toContain('jsonflat_http_requests_total{route="/flatten",status="200"} 1');
    expect(text).toContain('jsonflat_http_requests_total{route="/flatten",status="400"} 1');
    expect(text).toContain('jsonflat_http_requests_total{route="other",status="404"} 1');
    expect(text).toContain('jsonflat_http_request_bytes_total{route="/flatten"} 8');
    expect(text).toContain('jsonflat_http_response_bytes_total{route="/flatten"}');
    expect(text).toMatch(/jsonflat_http_request_duration_seconds_bucket\{route="\/flatten",le="\+Inf"\} 2/);
    expect(text).toContain('jsonflat_http_request_duration_seconds_count{route="/flatten"} 2');
    const page = await fetch(`${fresh.url}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("<title>jsonflat explorer</title>");
  } finally {
    await fresh.stop();
  }
});

/*------------------------------------------------------------------------------
 * Raw HTTP helpers: a socket gives control over when the body is sent and when the response is read
 *----------------------------------------------------------------------------*/

function trickle(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i === pieces.length) return controller.close();
      await Bun.sleep(2);
      controller.enqueue(encoder.encode(pieces[i++]!));
    },
  });
}

async function open(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

function collect(socket: Socket): { text: () => string } {
  const pieces: Buffer[] = [];
  socket.on("data", (piece: Buffer) => pieces.push(piece));
  return { text: () => Buffer.concat(pieces).toString() };
}

function trickleBytes(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i === pieces.length) return controller.close();
      if (i % 50 === 0) await Bun.sleep(1);
      controller.enqueue(pieces[i++]!);
    },
  });
}

function chunkBytes(bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
}

