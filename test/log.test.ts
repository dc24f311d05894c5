/**
 * @module log.test — the native logger through its TypeScript facade: text and JSON lines, levels, colour
 * from FORCE_COLOR / NO_COLOR / a terminal, the record bound and its marker, fields that do not serialise,
 * fatal's flush and stderr copy, sink errors, the library's own records (WAL recovery), and many Bun Workers in
 * one and in two processes writing to one file at once: every line whole, none lost.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonFlatError } from "../src/core/errors";
import { log } from "../src/core/log";
import { native, type NativeLogConfig } from "../src/native";
import { Wal } from "../src/durable/wal";
import { BUN } from "./fixtures/child-bun";

const ROOT = mkdtempSync(join(tmpdir(), "jf-log-test-"));
const FILE = join(ROOT, "test.log");
const REPO = new URL("..", import.meta.url).pathname;
const WRITER = join(REPO, "test/fixtures/log-writer.ts");
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let saved: NativeLogConfig;
beforeAll(() => {
  saved = native().logConfig();
});
afterAll(() => {
  native().logConfigure(saved);
  log.configure({ file: null });
  rmSync(ROOT, { recursive: true, force: true });
});

/** Points the logger at an empty file with the given settings. */
function fresh(config: Parameters<typeof log.configure>[0] = {}): void {
  writeFileSync(FILE, "");
  log.configure({ level: "debug", nativeLevel: "info", format: "text", color: "never", maxRecord: 4096, file: FILE, ...config });
}

const lines = (text = readFileSync(FILE, "utf8")) => text.split("\n").filter((l, i, all) => l || i < all.length - 1);

describe("formats", () => {
  test("text: time, level, worker, message, fields", () => {
    fresh();
    log.info("hello world", { a: 1, b: "x" });
    log.warn("careful");
    log.debug("details", {});
    const [a = "", b = "", c = ""] = lines();
    expect(a.slice(0, 24)).toMatch(TIME);
    expect(a.slice(24)).toBe(' INFO  w0 hello world {"a":1,"b":"x"}');
    expect(b.slice(24)).toBe(" WARN  w0 careful");
    expect(c.slice(24)).toBe(" DEBUG w0 details");
  });

  test("JSON lines: one object per record, fields merged", () => {
    fresh({ format: "json" });
    log.error("disk \"full\"\nagain", { path: "/x", n: [1, 2], big: 2n ** 70n, cause: new TypeError("bad") });
    const [line = ""] = lines();
    const record = JSON.parse(line);
    expect(record).toMatchObject({
      level: "error",
      worker: 0,
      msg: 'disk "full"\nagain',
      path: "/x",
      n: [1, 2],
      big: "1180591620717411303424",
      cause: { name: "TypeError", message: "bad" },
    });
    expect(record.time).toMatch(TIME);
    expect(typeof record.tid).toBe("number");
  });

  test("control characters and invalid text never break a line", () => {
    fresh();
    log.info("a\nb\r\tc\u001b[31m\u0000 é");
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toEndWith(" w0 a\\nb\\r\\tc\\x1b[31m\\x00 é");
  });

  test("C1 controls, line separators and bidi controls are escaped: one line for every reader, no terminal control", () => {
    // Python's str.splitlines also breaks at VT, FF, FS, GS, RS, NEL, U+2028 and U+2029; C1 CSI drives terminals.
    const splitlines = (text: string) => text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter(Boolean);
    const message = "a\u0085b\u2028c\u2029d\u009b2J e\u202eevil\u202c f\u2066g\u2069 h\u200f i\u061c j\u0080\u009f\u000b\u001c";
    const fields = { "k\u2028": "v\u0085\u202e", keep: "\u00a0\u2027\u202f" };
    fresh();
    log.info(message, fields);
    const textRecord = readFileSync(FILE, "utf8");
    expect(splitlines(textRecord)).toHaveLength(1);
    expect(textRecord).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    expect(textRecord.slice(24)).toBe(
      " INFO  w0 a\\u0085b\\u2028c\\u2029d\\u009b2J e\\u202eevil\\u202c f\\u2066g\\u2069 h\\u200f i\\u061c j\\u0080\\u009f\\x0b\\x1c" +
        ' {"k\\u2028":"v\\u0085\\u202e","keep":"\u00a0\u2027\u202f"}\n',
    );
    fresh({ format: "json" });
    log.info(message, fields);
    const jsonRecord = readFileSync(FILE, "utf8");
    expect(splitlines(jsonRecord)).toHaveLength(1);
    expect(jsonRecord).not.toMatch(/[\x00-\x09\x0b-\x1f\x80-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    expect(JSON.parse(jsonRecord)).toMatchObject({ msg: message, ...fields });
  });

  test("fields that cannot be serialised are reported, not thrown", () => {
    fresh({ format: "json" });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info("cyclic", cyclic);
    const record = JSON.parse(lines()[0] ?? "");
    expect(record.msg).toBe("cyclic");
    expect(record.fieldsError).toContain("JSON");
  });
});

describe("levels and settings", () => {
  test("the level filters, can change at runtime, and counts what it drops", () => {
    fresh({ level: "warn" });
    const before = log.stats();
    log.debug("no");
    log.info("no");
    log.warn("yes");
    log.level = "debug";
    expect(log.level).toBe("debug");
    expect(log.enabled("debug")).toBe(true);
    log.debug("yes too");
    log.level = "off";
    expect(log.enabled("fatal")).toBe(false);
    log.error("no");
    log.level = "debug";
    const after = log.stats();
    expect(after.filtered - before.filtered).toBe(3);
    expect(after.written - before.written).toBe(2);
    expect(lines().map((l) => l.slice(34))).toEqual(["yes", "yes too"]);
  });

  test("bad settings are INVALID_OPTION and change nothing; an unopenable file is IO", () => {
    fresh();
    const before = native().logConfig();
    for (const bad of [{ level: "loud" }, { format: "xml" }, { color: "pink" }, { maxRecord: 100 }, { maxRecord: 2 ** 21 }, { maxRecord: 1.5 }]) {
      expect(() => log.configure(bad as never)).toThrow(JsonFlatError);
    }
    expect(native().logConfig()).toEqual(before);
    let error: unknown;
    try {
      log.configure({ level: "error", file: join(ROOT, "missing", "x.log") });
    } catch (e) {
      error = e;
    }
    expect((error as JsonFlatError).code).toBe("IO");
    expect(native().logConfig()).toEqual(before); // the level did not change either
    expect(() => (log.level = "nope" as never)).toThrow(JsonFlatError);
  });

  test("records longer than the bound are cut and marked, text and JSON", () => {
    for (const format of ["text", "json"] as const) {
      fresh({ format, maxRecord: 256 });
      const before = log.stats().truncated;
      log.info("é".repeat(5000), { k: 1 });
      const text = readFileSync(FILE, "utf8");
      expect(text.endsWith("\n")).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256);
      expect(Buffer.byteLength(text)).toBeGreaterThan(240);
      if (format === "text") expect(text).toMatch(/ \.\.\.\[truncated from \d+ bytes\]\n$/);
      else {
        const record = JSON.parse(text);
        expect(record.truncated).toBeGreaterThan(10000);
        expect(record.msg).toMatch(/^é+$/);
        expect(record.k).toBeUndefined();
      }
      expect(log.stats().truncated).toBe(before + 1);
    }
  });

  test.skipIf(process.platform !== "linux")("a sink that refuses bytes: counted for every level, thrown only by fatal", () => {
    fresh();
    log.configure({ file: "/dev/full" });
    const before = log.stats().failed;
    log.error("lost");
    expect(log.stats().failed).toBe(before + 1);
    let error: unknown;
    try {
      log.fatal("lost too");
    } catch (e) {
      error = e;
    }
    expect((error as JsonFlatError).code).toBe("IO");
    expect((error as JsonFlatError).message).toContain("No space left on device");
    log.configure({ file: FILE });
  });
});

describe("processes", () => {
  function run(args: string[], env: Record<string, string | undefined> = {}) {
    const r = spawnSync(BUN, [WRITER, ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...env }, timeout: 60_000 });
    expect(r.status).toBe(0);
    return r;
  }

  test("colour follows FORCE_COLOR and NO_COLOR (stderr here is a pipe, not a terminal)", () => {
    const hasColor = (env: Record<string, string | undefined>) => run(["-", "text", "c", "1", "3"], env).stderr.includes("\u001b[");
    expect(hasColor({})).toBe(false);
    expect(hasColor({ FORCE_COLOR: "1" })).toBe(true);
    expect(hasColor({ FORCE_COLOR: "" })).toBe(true);
    expect(hasColor({ FORCE_COLOR: "0" })).toBe(false);
    expect(hasColor({ NO_COLOR: "1" })).toBe(false);
    expect(hasColor({ NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(true);
  });

  test("fatal flushes the file and copies the record to stderr", () => {
    const file = join(ROOT, "fatal.log");
    const r = run([file, "json", "f", "1", "2", "fatal"]);
    const last = lines(readFileSync(file, "utf8")).at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ level: "fatal", msg: "the end", reason: "test" });
    expect(r.stderr).toContain(last);
  });

  test("2 processes x 3 Workers append to one file at once: every line whole, none lost", () => {
    const file = join(ROOT, "shared.log");
    const count = 2000;
    const procs = ["p", "q"].map((tag) =>
      Bun.spawn([BUN, WRITER, file, "json", tag, "3", String(count)], { stdout: "ignore", stderr: "pipe" }),
    );
    return Promise.all(procs.map((p) => p.exited)).then((codes) => {
      expect(codes).toEqual([0, 0]);
      const seen = new Set<string>();
      let cut = 0;
      const all = lines(readFileSync(file, "utf8"));
      for (const line of all) {
        expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(1024);
        const record = JSON.parse(line); // throws on a torn or interleaved line
        const m = /^([pq]w\d) i(\d+) /.exec(record.msg);
        expect(m).not.toBeNull();
        const key = `${m![1]}/${m![2]}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        if (record.truncated) cut++;
      }
      expect(all.length).toBe(2 * 3 * count);
      expect(seen.size).toBe(2 * 3 * count);
      expect(cut).toBeGreaterThan(0);
    });
  }, 120_000);
});

describe("workers", () => {
  for (const format of ["text", "json"] as const) {
    test(`8 Workers log at once (${format}): every line whole, none lost`, async () => {
      fresh({ format, maxRecord: 1024 });
      const count = 2500;
      const before = log.stats();
      await Promise.all(
        Array.from({ length: 8 }, (_, k) => {
          const worker = new Worker(new URL("./fixtures/log-worker.ts", import.meta.url).href);
          return new Promise<void>((resolve, reject) => {
            worker.onmessage = () => {
              worker.terminate();
              resolve();
            };
            worker.onerror = (e) => reject(e.error ?? new Error(String(e.message)));
            worker.postMessage({ tag: `w${k}`, count });
          });
        }),
      );
      const all = lines();
      expect(all.length).toBe(8 * count);
      const seen = new Set<string>();
      for (const line of all) {
        expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(1024);
        let msg: string;
        if (format === "json") msg = JSON.parse(line).msg;
        else {
          expect(line.slice(0, 24)).toMatch(TIME);
          msg = line.replace(/^\S+ \S+ +w\d+ /, "");
        }
        const m = /^(w\d) i(\d+) /.exec(msg);
        expect(m).not.toBeNull();
        seen.add(`${m![1]}/${m![2]}`);
      }
      expect(seen.size).toBe(8 * count);
      const after = log.stats();
      expect(after.written - before.written).toBe(8 * count);
      expect(after.failed).toBe(before.failed);
      // Worker ids are Bun's threadId: every record carries its worker's, never the main thread's 0.
      const ids = new Set(all.map((l) => (format === "json" ? JSON.parse(l).worker : Number(/ w(\d+) /.exec(l)![1]))));
      expect(ids.has(0)).toBe(false);
      expect(ids.size).toBe(8);
    }, 120_000);
  }
});

describe("the library's own records", () => {
  test.skipIf(process.platform === "win32")("WAL recovery reports a torn tail through the logger; nativeLevel off silences it", () => {
    for (const nativeLevel of ["info", "off"] as const) {
      fresh({ nativeLevel });
      const dir = join(ROOT, `wal-${nativeLevel}`);
      const wal = Wal.open(dir);
      for (let i = 0; i < 10; i++) wal.append(`record ${i}`);
      wal.close();
      const seg = join(dir, readdirSync(dir).find((f) => f.endsWith(".wal"))!);
      const fd = openSync(seg, "a");
      writeSync(fd, "torn!");
      closeSync(fd);
      const again = Wal.open(dir);
      expect(again.recovery.tornBytes).toBe(5);
      again.close();
      const text = readFileSync(FILE, "utf8");
      if (nativeLevel === "info") expect(text).toMatch(/ WARN  t\d+ write-ahead log .*: cut a torn tail of 5 bytes at offset \d+ of segment 0+1\.wal/);
      else expect(text).not.toContain("torn tail");
    }
    truncateSync(FILE, 0);
  });
});
