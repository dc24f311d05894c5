#!/usr/bin/env bun
/**
 * @module bench/giant/generate — writes ONE JSON document of N bytes made of Open Library records (the samples
 * in ../shared/data/openlibrary, read in place), seeded and reproducible: `array` is `[rec,\nrec,\n...]` (one
 * record per line), `deep` nests the same records five levels down
 * (`{"library":{"shelves":[{"id":0,"books":[rec,...]},...]}}`, about 8 MiB of books per shelf), so a streaming
 * reader must descend into large containers at several levels. `piecesOf` cuts the same records into separate
 * array documents of about `pieceBytes`: what the in-memory `flattenBytes` baseline runs on.
 *
 * @example
 * bun bench/giant/generate.ts --bytes 1G --shape array --out /tmp/giant-1g.json
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { random } from "../gen/big-document";
import { parseSize } from "../gen/run";

const SAMPLES = new URL("../../../shared/data/openlibrary/", import.meta.url);
const FILES = ["editions-head-n1000.txt", "works-head-n1000.txt", "authors-tail-n1000.txt"];
const encoder = new TextEncoder();
const SHELF_BYTES = 8 << 20;

/** The JSON column of every sample line, as bytes. */
export function sampleRecords(): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (const file of FILES) {
    for (const line of readFileSync(new URL(file, SAMPLES), "utf8").split("\n")) {
      const json = line.split("\t")[4];
      if (json) records.push(encoder.encode(json));
    }
  }
  return records;
}

/** Records in a seeded order, forever. */
export function* recordStream(seed: number): Generator<Uint8Array> {
  const records = sampleRecords();
  const rand = random(seed);
  for (;;) yield records[Math.floor(rand() * records.length)]!;
}

/** Buffered writes of large blocks. */
class Writer {
  private buffer = new Uint8Array(8 << 20);
  private used = 0;
  written = 0;
  constructor(private readonly fd: number) {}
  put(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) writeSync(this.fd, bytes);
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.written += bytes.length;
  }
  text(s: string): void {
    this.put(encoder.encode(s));
  }
  flush(): void {
    if (this.used) writeSync(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/**
 * Writes the document and returns its size in bytes.
 *
 * @example
 * generateGiant({ bytes: 1 << 30, shape: "deep", seed: 1, out: "/tmp/giant-deep-1g.json" })
 */
export function generateGiant(options: { bytes: number; shape: "array" | "deep"; seed: number; out: string }): number {
  const fd = openSync(options.out, "w");
  const w = new Writer(fd);
  const records = recordStream(options.seed);
  const deep = options.shape === "deep";
  w.text(deep ? '{"library":{"name":"giant","shelves":[\n' : "[\n");
  let shelf = 0;
  let shelfStart = -1;
  let first = true;
  while (w.written < options.bytes) {
    if (deep && (shelfStart < 0 || w.written - shelfStart >= SHELF_BYTES)) {
      w.text(`${shelfStart < 0 ? "" : "]},\n"}{"id":${shelf++},"books":[\n`);
      shelfStart = w.written;
      first = true;
    }
    if (!first) w.text(",\n");
    w.put(records.next().value!);
    first = false;
  }
  w.text(deep ? "]}]}}\n" : "\n]\n");
  w.flush();
  closeSync(fd);
  return w.written;
}

/**
 * The records of `generateGiant(... shape: "array" ...)` with the same seed, as separate array documents of
 * about `pieceBytes` each, until `totalBytes`: the same content in pieces that fit in memory.
 *
 * @example
 * for (const piece of piecesOf(1, 16 << 20, 256 << 20)) flattenBytes(piece);
 */
export function* piecesOf(seed: number, pieceBytes: number, totalBytes: number): Generator<Uint8Array> {
  const records = recordStream(seed);
  let done = 0;
  while (done < totalBytes) {
    const parts: Uint8Array[] = [encoder.encode("[\n")];
    let size = 2;
    while (size < pieceBytes) {
      if (parts.length > 1) parts.push(encoder.encode(",\n"));
      const r = records.next().value!;
      parts.push(r);
      size += r.length + 2;
    }
    parts.push(encoder.encode("\n]\n"));
    done += size;
    yield Buffer.concat(parts);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { bytes: { type: "string", default: "1G" }, shape: { type: "string", default: "array" }, seed: { type: "string", default: "1" }, out: { type: "string" } },
  });
  if (!values.out) throw new Error("--out FILE is required");
  const shape = values.shape === "deep" ? "deep" : "array";
  const start = performance.now();
  const n = generateGiant({ bytes: parseSize(values.bytes!), shape, seed: Number(values.seed), out: values.out });
  console.log(`${values.out}: ${n} bytes (${shape}) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}
