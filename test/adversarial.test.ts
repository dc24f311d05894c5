/**
 * @module adversarial.test — hostile inputs (issue 8): huge nesting, strings, arrays, keys and numbers,
 * invalid UTF-8, BOMs, NUL bytes and duplicate keys each give the SPEC result or a clear error, and the
 * memory they take is bounded: peak RSS growth (Linux: /proc/self/status VmHWM after resetting it through
 * /proc/self/clear_refs) and the native live-block counter back at its baseline afterwards.
 *
 * Inputs are generated in memory. The bounds are generous multiples of the input size so that a busy
 * machine or another allocator version cannot make them flake; what they catch is a blow-up (a copy per
 * nesting level, a quadratic buffer) rather than a few percent.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { flatten, flattenBytes, flattenEntries, flattenLines, JsonFlatError, search, unflatten, unflattenBytes } from "../src/index";
import { native } from "../src/native";

const MB = 1 << 20;
/** Each test does seconds of native work on a loaded machine (or under ASan or qemu): its own timeout. */
const TIMEOUT = 300_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const linux = process.platform === "linux";

/** Resets the kernel's peak-RSS mark of this process (Linux); false where that is not possible. */
function resetPeak(): boolean {
  if (!linux) return false;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function statusKiB(field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : 0;
}

/**
 * Runs `fn` and returns its result with the growth of peak RSS over the RSS before it, in bytes
 * (undefined where the peak cannot be reset), after checking that every native block it made is freed.
 */
async function measured<T>(fn: () => T): Promise<{ value: T; peakGrowth: number | undefined }> {
  Bun.gc(true);
  const blocks = native().allocStats().liveBlocks;
  const canMeasure = resetPeak();
  const before = canMeasure ? statusKiB("VmRSS") : 0;
  const value = fn();
  const peakGrowth = canMeasure ? (statusKiB("VmHWM") - before) * 1024 : undefined;
  for (let i = 0; i < 20 && native().allocStats().liveBlocks !== blocks; i++) {
    Bun.gc(true);
    await Bun.sleep(10);
  }
  expect(native().allocStats().liveBlocks).toBe(blocks);
  return { value, peakGrowth };
}

/** Asserts the bound; `JF_PRINT_PEAKS=1` prints each measurement (for the hardening report). */
function expectBoundedBy(peakGrowth: number | undefined, bytes: number): void {
  if (process.env.JF_PRINT_PEAKS) console.log(`peak RSS growth ${peakGrowth === undefined ? "n/a" : (peakGrowth / MB).toFixed(1)} MB (bound ${bytes / MB} MB)`);
  if (peakGrowth !== undefined) expect(peakGrowth).toBeLessThan(bytes);
}

function thrown(fn: () => unknown): JsonFlatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof JsonFlatError) return e;
    throw e;
  }
  throw new Error("expected a JsonFlatError");
}

/** Bytes from pieces: strings are UTF-8 encoded, numbers are raw bytes. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === "string" ? encoder.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** `head` + `count` copies of `unit` + `tail`, built in place. */
function repeated(head: string, unit: string, count: number, tail: string): Uint8Array {
  const h = encoder.encode(head), u = encoder.encode(unit), t = encoder.encode(tail);
  const out = new Uint8Array(h.length + u.length * count + t.length);
  out.set(h, 0);
  if (u.length === 1) out.fill(u[0]!, h.length, h.length + count);
  else for (let i = 0; i < count; i++) out.set(u, h.length + i * u.length);
  out.set(t, h.length + u.length * count);
  return out;
}

describe("1,000,000-deep nesting", () => {
  const depth = 1_000_000;
  const arrays = repeated("", "[", depth, "]".repeat(depth));
  const objects = repeated("", '{"a":', depth, "1" + "}".repeat(depth));

  test("the default limit gives NESTING_TOO_DEEP at the first bracket beyond 10,000, in bounded memory", async () => {
    for (const input of [arrays, objects]) {
      const { value: err, peakGrowth } = await measured(() => thrown(() => flattenBytes(input)));
      expect(err.code).toBe("NESTING_TOO_DEEP");
      const unit = input === arrays ? 1 : 5;
      expect(err.offset).toBe(10_000 * unit);
      expect(err.line).toBe(1);
      // yyjson parses the whole document before the depth is checked: bounded by the input (16 bytes a value).
      expectBoundedBy(peakGrowth, 256 * MB);
    }
  }, TIMEOUT);

  test("unflatten, search, NDJSON and grouped mode fail the same way", () => {
    expect(thrown(() => flatten(arrays, { mode: "grouped" })).code).toBe("NESTING_TOO_DEEP");
    expect(thrown(() => flatten(arrays, { mode: "schema" })).code).toBe("NESTING_TOO_DEEP");
    expect(thrown(() => search(arrays, {})).code).toBe("NESTING_TOO_DEEP");
    expect(thrown(() => flattenLines(arrays)).code).toBe("NESTING_TOO_DEEP");
    const deepPath = `{"${"a.".repeat(20_000)}a":1}`;
    expect(thrown(() => unflatten(deepPath)).code).toBe("NESTING_TOO_DEEP");
  }, TIMEOUT);

  test("with maxNesting above the depth it flattens to one leaf whose path has a million indexes", async () => {
    const { value: out, peakGrowth } = await measured(() => {
      const b = flattenBytes(arrays, { maxNesting: depth + 1, format: "entries" });
      const text = decoder.decode(b);
      b.dispose();
      return text;
    });
    expect(out).toBe(`[["${"[0]".repeat(depth - 1)}",[]]]`);
    // The parse (16 bytes a value), the path (3 bytes a level) and the walk's stack: well under 256 MB.
    expectBoundedBy(peakGrowth, 256 * MB);
    const back = await measured(() => {
      const b = unflattenBytes(`{"${"[0]".repeat(depth - 1)}":[]}`, { maxNesting: depth + 1 });
      const shape = { length: b.length, head: decoder.decode(b.subarray(0, 3)) };
      b.dispose();
      return shape;
    });
    expect(back.value).toEqual({ length: 2 * depth, head: "[[[" });
  }, TIMEOUT);
});

describe("huge scalars and keys", () => {
  test("a 100 MB string is copied exactly, in memory bounded by a few copies of it", async () => {
    const size = 100 * 1000 * 1000;
    const input = repeated('"', "x", size, '"');
    const { value, peakGrowth } = await measured(() => {
      const out = flattenBytes(input);
      const ok =
        out.length === size + 7 &&
        decoder.decode(out.subarray(0, 6)) === '{"":"x' &&
        decoder.decode(out.subarray(out.length - 3)) === 'x"}' &&
        Buffer.compare(out.subarray(5, 5 + size), input.subarray(1, 1 + size)) === 0;
      out.dispose();
      return ok;
    });
    expect(value).toBe(true);
    expectBoundedBy(peakGrowth, 5 * size);
  }, TIMEOUT);

  test("a 1 MB key, as an identifier and as a quoted name, in every style", async () => {
    const name = "k".repeat(MB);
    const quoted = "k ".repeat(MB / 2);
    const { value, peakGrowth } = await measured(() => [
      flatten(`{"${name}":1}`),
      flatten(`{"${quoted}":{"x":2}}`),
      flatten(`{"${quoted}":[3]}`, { style: "pointer" }),
      flatten(`{"${quoted}":4}`, { style: "flat" }),
    ]);
    expect(value[0]).toEqual({ [name]: 1 });
    expect(value[1]).toEqual({ [`["${quoted}"].x`]: 2 });
    expect(value[2]).toEqual({ [`/${quoted}/0`]: 3 });
    expect(value[3]).toEqual({ [quoted]: 4 });
    expect(unflatten({ [`["${quoted}"].x`]: 2 })).toEqual({ [quoted]: { x: 2 } });
    expectBoundedBy(peakGrowth, 256 * MB);
  }, TIMEOUT);

  test("10,000-digit numbers come out exactly as written; bigint mode reads them exactly", async () => {
    const big = "9".repeat(10_000);
    const tiny = `0.${"0".repeat(9_998)}1`;
    const huge = `1e${"9".repeat(10_000)}`;
    const input = `{"big":${big},"neg":-${big},"tiny":${tiny},"huge":${huge}}`;
    const { value: out } = await measured(() => {
      const b = flattenBytes(input);
      const text = decoder.decode(b);
      b.dispose();
      return text;
    });
    expect(out).toBe(input);
    expect(flatten(input, { bigint: "bigint" }).big).toBe(BigInt(big));
    expect(flatten(input, { bigint: "string" }).neg).toBe(`-${big}`);
    expect(flattenEntries(`[${big}]`, { bigint: "bigint" })).toEqual([["[0]", BigInt(big)]]);
    // Search compares numbers by exact value at any length.
    expect(search(`[${big}, 1${"0".repeat(9_999)}]`, { value: 999_999_999_999_999 }).count).toBe(0);
    expect(search(`[${big}.000, 7]`, { value: 7 }).hits).toEqual([["[1]", 7]]);
    expect(search(input, { path: "tiny" }).count).toBe(1);
  }, TIMEOUT);
});

describe("10,000,000-element array", () => {
  const count = 10_000_000;
  const input = repeated("[", "0,", count - 1, "0]");

  test("leaf and grouped mode count every element, in memory bounded by the parse and the output", async () => {
    const leaf = await measured(() => {
      const out = flattenBytes(input);
      const r = { leaves: out.leaves, length: out.length, last: decoder.decode(out.subarray(out.length - 14)) };
      out.dispose();
      return r;
    });
    expect(leaf.value.leaves).toBe(count);
    expect(leaf.value.last).toBe(`"[${count - 1}]":0}`);
    // Output is about 11.9 bytes an element; yyjson's parse 16 bytes a value.
    expect(leaf.value.length).toBeGreaterThan(10 * count);
    expectBoundedBy(leaf.peakGrowth, 1024 * MB);

    const grouped = await measured(() => {
      const out = flattenBytes(input, { mode: "grouped" });
      const r = { leaves: out.leaves, length: out.length };
      out.dispose();
      return r;
    });
    expect(grouped.value).toEqual({ leaves: count, length: 8 + 2 * count });
    expectBoundedBy(grouped.peakGrowth, 1024 * MB);
  }, TIMEOUT);
});

describe("bytes that are not clean UTF-8 JSON", () => {
  test("invalid UTF-8 in a key or a value is INVALID_JSON at its offset, or U+FFFD when asked", () => {
    const cases: [Uint8Array, number, Record<string, unknown>][] = [
      [bytes('{"a', [0xff], '":1}'), 3, { '["a\uFFFD"]': 1 }], // js names are ASCII identifiers
      [bytes('{"a":"x', [0xc3], '"}'), 7, { a: "x\uFFFD" }],
      [bytes('{"a":"', [0xed, 0xa0, 0x80], '"}'), 6, { a: "\uFFFD\uFFFD\uFFFD" }], // a UTF-16 surrogate
      [bytes('["', [0xc0, 0x80], '"]'), 2, { "[0]": "\uFFFD\uFFFD" }], // overlong NUL
      [bytes('{"', [0xf4, 0x90, 0x80, 0x80], '":2}'), 2, { '["\uFFFD\uFFFD\uFFFD\uFFFD"]': 2 }], // above U+10FFFF
    ];
    for (const [input, offset, replaced] of cases) {
      const err = thrown(() => flatten(input));
      expect(err.code).toBe("INVALID_JSON");
      expect(err.offset).toBeGreaterThanOrEqual(offset - 1);
      expect(err.offset).toBeLessThanOrEqual(offset + 1);
      expect(err.message.length).toBeGreaterThan(0);
      expect(flatten(input, { replaceInvalidUtf8: true })).toEqual(replaced);
    }
  }, TIMEOUT);

  test("a BOM at the start is ignored; anywhere else, or twice, it is an error", () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(flatten(bytes(bom, '{"a":1}'))).toEqual({ a: 1 });
    expect(flatten(bytes(bom, "7"))).toEqual({ "": 7 });
    expect(thrown(() => flatten(bytes(bom, bom, "{}"))).code).toBe("INVALID_JSON");
    expect(thrown(() => flatten(bytes("{", bom, '"a":1}'))).code).toBe("INVALID_JSON");
    expect(thrown(() => flatten(bytes(bom))).code).toBe("INVALID_JSON");
    // Inside a string a BOM is just U+FEFF.
    expect(flatten(bytes('{"', bom, '":"', bom, '"}'))).toEqual({ '["\uFEFF"]': "\uFEFF" });
  }, TIMEOUT);

  test("NUL bytes: raw ones are INVALID_JSON, escaped ones are kept in keys and values", () => {
    const rawInString = bytes('{"a":"x', [0], 'y"}');
    expect(thrown(() => flatten(rawInString)).code).toBe("INVALID_JSON");
    // Replacing invalid UTF-8 does not make raw control characters valid (a fuzz finding, test_fuzz_findings.c).
    const replacing = thrown(() => flatten(rawInString, { replaceInvalidUtf8: true }));
    expect([replacing.code, replacing.offset]).toEqual(["INVALID_JSON", 7]);
    expect(thrown(() => unflatten(bytes('{"a":"', [0x01, 0xff], '"}'), { replaceInvalidUtf8: true })).code).toBe("INVALID_JSON");
    expect(thrown(() => flatten(bytes('{"a":1}', [0]))).code).toBe("INVALID_JSON");
    expect(thrown(() => flatten(bytes([0], '{"a":1}'))).code).toBe("INVALID_JSON");
    expect(thrown(() => flatten(bytes('{"a":1', [0], "}"))).code).toBe("INVALID_JSON");
    const escaped = '{"k\\u0000":"v\\u0000w","\\u0000":[null]}';
    expect(flatten(escaped)).toEqual({ '["k\\u0000"]': "v\u0000w", '["\\u0000"][0]': null });
    expect(flatten(escaped, { style: "pointer" })).toEqual({ "/k\u0000": "v\u0000w", "/\u0000/0": null });
    expect(unflatten(flatten(escaped))).toEqual(JSON.parse(escaped));
    const lines = flattenLines(bytes('{"a":1}\n', [0], "\n[2]\n"), { onError: "skip" });
    expect(decoder.decode(lines)).toBe('{"a":1}\n{"[0]":2}\n');
    expect(lines.errors).toBe(1);
  }, TIMEOUT);

  test("duplicate keys: entries keep every one in order, objects keep the last (as JSON.parse)", () => {
    const input = '{"a":1,"b":{"c":2},"a":3,"b":{"d":4},"a":{"e":5}}';
    expect(flattenEntries(input)).toEqual([["a", 1], ["b.c", 2], ["a", 3], ["b.d", 4], ["a.e", 5]]);
    expect(flatten(input)).toEqual({ a: 3, "b.c": 2, "b.d": 4, "a.e": 5 });
    expect(flatten(input, { mode: "grouped" })).toEqual({ a: [1, 3], "b.c": [2], "b.d": [4], "a.e": [5] });
    expect(search(input, { key: "a" }).hits).toEqual([["a", 1], ["a", 3]]);
    // Unflatten: the same path twice, last wins; a path under a scalar is a conflict naming both.
    expect(unflatten('{"a":1,"a":2}')).toEqual({ a: 2 });
    const conflict = thrown(() => unflatten('{"a":1,"a.b":2}'));
    expect(conflict.code).toBe("PATH_CONFLICT");
    expect(conflict.message).toContain("a.b");
  }, TIMEOUT);
});
