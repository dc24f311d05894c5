#!/usr/bin/env bun
/**
 * @module big-document — writes one large JSON document (default 100 MB), seeded and reproducible, shaped like
 * a big nested dataset: objects up to 8 deep, long arrays, strings with Unicode and escapes, integers, floats,
 * integers beyond 2^53, booleans, nulls and empty containers.
 *
 * A pool of distinct records is built once with a seeded generator; the document is `{"meta":…,"items":[…]}`
 * with records drawn from the pool under fresh ids, assembled as bytes, so writing runs at disk speed.
 *
 * @example
 * bun bench/gen/big-document.ts --bytes 100M --seed 1 --out /tmp/big.json
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseSize, timed } from "./run";

const encoder = new TextEncoder();
const WORDS = ["alpha", "beta", "gamma", "delta", "é", "ß", "日本語", "😀", "naïve", "line\nbreak", 'quote"d', "tab\there", "back\\slash", "\u0001ctl", "Ωmega", "Straße"];
const NAMES = ["id", "name", "value", "tags", "meta", "children", "score", "flag", "note", "created", "x y", "a.b", "[0]", "ünï", ""];

/** A seeded xorshift, so the same seed gives the same document. */
export function random(seed: number): () => number {
  let state = (seed * 0x9e3779b9 + 0x7f4a7c15) | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** One random JSON value as text, `depth` levels deep at most; long arrays hold scalars only, so a record
 * stays a few kilobytes however deep it goes. */
function value(rand: () => number, depth: number): string {
  const pick = rand();
  if (depth <= 0 || pick < 0.5) return scalar(rand);
  if (pick < 0.8) {
    const fields = 1 + Math.floor(rand() * 4);
    const members: string[] = [];
    for (let i = 0; i < fields; i++) members.push(`${JSON.stringify(NAMES[Math.floor(rand() * NAMES.length)])}:${value(rand, depth - 1)}`);
    return `{${members.join(",")}}`;
  }
  if (pick < 0.83) return `[${Array.from({ length: 50 + Math.floor(rand() * 200) }, () => scalar(rand)).join(",")}]`;
  return `[${Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth - 1)).join(",")}]`;
}

function scalar(rand: () => number): string {
  const pick = rand();
  if (pick < 0.3) return JSON.stringify(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" "));
  if (pick < 0.5) return String(Math.floor(rand() * 2e9) - 1e9);
  if (pick < 0.65) return (rand() * 1e6 - 5e5).toPrecision(1 + Math.floor(rand() * 15));
  if (pick < 0.7) return `${9007199254740993n + BigInt(Math.floor(rand() * 1e9))}`;
  if (pick < 0.8) return rand() < 0.5 ? "true" : "false";
  if (pick < 0.9) return "null";
  return rand() < 0.5 ? "{}" : "[]";
}

/**
 * Writes a document of about `bytes` bytes (one record past the size) to `out` and returns its size.
 *
 * @example
 * await generateDocument({ bytes: 1 << 20, seed: 1, out: "/tmp/doc.json" })
 */
export function generateDocument(options: { bytes: number; seed: number; out: string }): number {
  const rand = random(options.seed);
  const pool = Array.from({ length: 1024 }, () => encoder.encode(`{"deep":${value(rand, 8)},"flat":${value(rand, 2)}}`));
  const fd = options.out === "-" ? 1 : openSync(options.out, "w");
  const buffer = new Uint8Array(8 << 20);
  let used = 0;
  let written = 0;
  const put = (bytes: Uint8Array) => {
    if (used + bytes.length > buffer.length) {
      let at = 0;
      while (at < used) at += writeSync(fd, buffer, at, used - at);
      used = 0;
    }
    if (bytes.length > buffer.length) {
      writeSync(fd, bytes);
    } else {
      buffer.set(bytes, used);
      used += bytes.length;
    }
    written += bytes.length;
  };
  put(encoder.encode(`{"meta":{"seed":${options.seed},"generator":"jsonflat big-document","unicode":"\\u00e9\\ud83d\\ude00"},"items":[`));
  for (let id = 0; written < options.bytes; id++) {
    put(encoder.encode(`${id ? "," : ""}{"id":${id},"record":`));
    put(pool[Math.floor(rand() * pool.length)]!);
    put(encoder.encode("}"));
  }
  put(encoder.encode("]}\n"));
  let at = 0;
  while (at < used) at += writeSync(fd, buffer, at, used - at);
  if (fd !== 1) closeSync(fd);
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      bytes: { type: "string", default: "100M" },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: "-" },
    },
  });
  await timed("big-document", () => generateDocument({ bytes: parseSize(values.bytes!), seed: Number(values.seed), out: values.out! }));
}
