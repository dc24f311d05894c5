#!/usr/bin/env bun
/**
 * @module openlibrary — writes Open Library dump lines of any size, seeded and reproducible, as fast as a
 * disk takes them: `type \t key \t revision \t last_modified \t JSON`, with the shapes of the real samples.
 *
 * Each line is a real sample record of its kind (read in place from ../shared/data/openlibrary, never copied
 * into the repository) under a fresh key, revision and timestamp, so every field variant of the dump comes
 * along: string-or-object `notes`/`description`/`bio`/`first_sentence`, `\u` escapes, escaped `\r\n`, long
 * arrays. One edition in 20,000 gets 256 `authors`, as in the full dump.
 *
 * @example
 * bun bench/gen/openlibrary.ts --bytes 1G --seed 42 --out /tmp/ol-1g.txt
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseSize, timed } from "./run";

const KINDS = {
  editions: { file: "editions-head-n1000.txt", type: "/type/edition", prefix: "/books/OL", suffix: "M", weight: 0.6 },
  works: { file: "works-head-n1000.txt", type: "/type/work", prefix: "/works/OL", suffix: "W", weight: 0.3 },
  authors: { file: "authors-tail-n1000.txt", type: "/type/author", prefix: "/authors/OL", suffix: "A", weight: 0.1 },
} as const;
type Kind = keyof typeof KINDS;

/** A sample record split around its key so that a new key can be spliced in without re-serialising. */
interface Template {
  before: Uint8Array; // JSON up to the key's digits
  after: Uint8Array; // JSON after them
}

const encoder = new TextEncoder();
const SAMPLES = new URL("../../../shared/data/openlibrary/", import.meta.url);

/** xorshift32 with a splitmix-style seed: tiny, fast and enough to make bytes reproducible per seed. */
function random(seed: bigint): () => number {
  let state = Number(BigInt.asUintN(32, seed * 0x9e3779b9n + 0x7f4a7c15n)) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

async function templates(kind: Kind): Promise<Template[]> {
  const { file, prefix, suffix } = KINDS[kind];
  const text = await Bun.file(new URL(file, SAMPLES)).text();
  const result: Template[] = [];
  for (const line of text.split("\n")) {
    const json = line.split("\t")[4];
    if (!json) continue;
    const match = new RegExp(`"key": ?"${prefix}(\\d+)${suffix}"`).exec(json);
    if (!match) continue;
    const digitsAt = match.index + match[0].indexOf(prefix) + prefix.length;
    result.push({
      before: encoder.encode(json.slice(0, digitsAt)),
      after: encoder.encode(json.slice(digitsAt + match[1]!.length)),
    });
  }
  return result;
}

/** An edition with 256 authors, as the dump has a few. */
function longAuthors(t: Template): Template {
  const authors = Array.from({ length: 256 }, (_, i) => `{"key": "/authors/OL${1000 + i}A"}`).join(", ");
  return { before: encoder.encode(`{"authors": [${authors}], ` + new TextDecoder().decode(t.before).slice(1)), after: t.after };
}

/**
 * Writes at least `bytes` bytes of dump lines (whole lines; the last one crosses the size) to `out`.
 *
 * @example
 * await generate({ bytes: 10 << 20, seed: 1n, out: "/tmp/ol.txt", kinds: ["editions"] })
 */
export async function generate(options: { bytes: number; seed: bigint; out: string; kinds: Kind[] }): Promise<number> {
  const rand = random(options.seed);
  const pools = await Promise.all(options.kinds.map(templates));
  const weights = options.kinds.map((k) => KINDS[k].weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const fd = options.out === "-" ? 1 : openSync(options.out, "w");
  const buffer = new Uint8Array(8 << 20);
  let used = 0;
  let written = 0;
  let id = 10_000_000;
  const flush = () => {
    let at = 0;
    while (at < used) at += writeSync(fd, buffer, at, used - at);
    used = 0;
  };
  // Everything but the key digits is pre-encoded: formatting per line would dominate the run.
  const base = Date.UTC(2008, 0, 1);
  const tails = Array.from({ length: 4096 }, () => {
    const revision = 1 + Math.floor(rand() * 12);
    const stamp = new Date(base + Math.floor(rand() * 4e11)).toISOString().slice(0, 23);
    return encoder.encode(`\t${revision}\t${stamp}\t`);
  });
  const heads = options.kinds.map((k) => encoder.encode(`${KINDS[k].type}\t${KINDS[k].prefix}`));
  const suffixes = options.kinds.map((k) => KINDS[k].suffix.charCodeAt(0));
  const digits = new Uint8Array(20);
  while (written < options.bytes) {
    let pick = rand() * total;
    let k = 0;
    while (pick >= weights[k]! && k < weights.length - 1) pick -= weights[k++]!;
    const pool = pools[k]!;
    let t = pool[Math.floor(rand() * pool.length)]!;
    if (options.kinds[k] === "editions" && rand() < 1 / 20_000) t = longAuthors(t);
    let n = 0;
    for (let v = id++; v > 0; v = Math.floor(v / 10)) digits[19 - n++] = 48 + (v % 10);
    const key = digits.subarray(20 - n);
    const head = heads[k]!;
    const tail = tails[Math.floor(rand() * 4096)]!;
    const size = head.length + 2 * key.length + 1 + tail.length + t.before.length + t.after.length + 1;
    if (used + size > buffer.length) flush();
    if (size > buffer.length) throw new Error("a record longer than the write buffer");
    for (const part of [head, key]) {
      buffer.set(part, used);
      used += part.length;
    }
    buffer[used++] = suffixes[k]!;
    for (const part of [tail, t.before, key, t.after]) {
      buffer.set(part, used);
      used += part.length;
    }
    buffer[used++] = 0x0a;
    written += size;
  }
  flush();
  if (fd !== 1) closeSync(fd);
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      bytes: { type: "string", default: "100M" },
      seed: { type: "string", default: "42" },
      out: { type: "string", default: "-" },
      kinds: { type: "string", default: "editions,works,authors" },
    },
  });
  const kinds = values.kinds!.split(",") as Kind[];
  for (const k of kinds) if (!(k in KINDS)) throw new Error(`unknown kind ${k} (editions, works, authors)`);
  await timed("openlibrary", () => generate({ bytes: parseSize(values.bytes!), seed: BigInt(values.seed!), out: values.out!, kinds }));
}
