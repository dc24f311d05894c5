/**
 * @module protocol — the command line every JavaScript runner of bench/peers speaks, in plain JavaScript so that
 * Node runs it as it is (the npm `flat` peer runs the same file in Bun and in Node).
 *
 *   RUNNER [--ndjson] [--form bytes|object] INPUT OUTPUT           file -> file (bytes form)
 *   RUNNER [--ndjson] [--form bytes|object] --runs R --min-seconds S INPUT
 *       reads INPUT once, then R times repeats the pass in memory for S seconds (at least once); prints
 *       {"times":[seconds per pass, one per run...],"outBytes":N}
 *
 * NDJSON is read and written in chunks that end at a line end, so memory stays bounded and a 1 GB input never
 * becomes one string (V8 caps strings at about 512 MB).
 *
 * @example
 * await runRunner({ bytes: (b) => flatTextOf(b), object: (text) => flat(JSON.parse(text)), lines: (chunk) => ... });
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";

const CHUNK = 8 << 20;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Runs a runner's kernels as the command line asks.
 * @param {{ bytes: (input: Uint8Array) => Uint8Array | string, object?: (text: string) => unknown,
 *           lines: (chunk: Uint8Array) => Uint8Array | string }} kernels
 *   bytes: one document's bytes to its flattened JSON; object: one document's text to a flattened object;
 *   lines: whole NDJSON lines to their flattened lines (each ending in a newline).
 *   A result with a `dispose()` method (jsonflat's native bytes) is disposed as soon as it is written or measured.
 */
export function runRunner(kernels) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ndjson: { type: "boolean", default: false },
      form: { type: "string", default: "bytes" },
      runs: { type: "string", default: "0" },
      "min-seconds": { type: "string", default: "0" },
    },
  });
  const [input, output] = positionals;
  const runs = Number(values.runs);
  const minSeconds = Number(values["min-seconds"]);
  if (!input || (runs === 0 && !output) || !(minSeconds >= 0)) throw new Error("usage: RUNNER [--ndjson] [--form bytes|object] [--runs R --min-seconds S] INPUT [OUTPUT]");
  if (values.form === "object" && (!kernels.object || values.ndjson)) throw new Error("this runner has no object form for that input");

  if (runs === 0) {
    const fd = openSync(output, "w");
    try {
      if (values.ndjson) forEachChunk(readFileSync(input), kernels.lines, (out) => writeAll(fd, out));
      else writeAll(fd, kernels.bytes(new Uint8Array(readFileSync(input))));
    } finally {
      closeSync(fd);
    }
    return;
  }

  const bytes = new Uint8Array(readFileSync(input));
  const text = values.form === "object" ? decoder.decode(bytes) : "";
  let outBytes = 0;
  const pass = values.form === "object"
    ? () => { outBytes = Object.keys(kernels.object(text)).length; }
    : values.ndjson
      ? () => { outBytes = 0; forEachChunk(bytes, kernels.lines, (out) => { outBytes += measured(out); }); }
      : () => { outBytes = measured(kernels.bytes(bytes)); };
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    let passes = 0;
    let elapsed = 0;
    do {
      pass();
      passes++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < minSeconds);
    times.push(elapsed / passes);
  }
  process.stdout.write(`${JSON.stringify({ times, outBytes })}\n`);
}

/** Calls `kernel` on successive chunks of whole lines of `bytes` and hands each result to `sink`. */
function forEachChunk(bytes, kernel, sink) {
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + CHUNK, bytes.length);
    if (end < bytes.length) {
      const newline = bytes.lastIndexOf(0x0a, end - 1);
      end = newline >= start ? newline + 1 : bytes.indexOf(0x0a, end) + 1 || bytes.length;
    }
    sink(kernel(bytes.subarray(start, end)));
    start = end;
  }
}

function writeAll(fd, out) {
  const bytes = typeof out === "string" ? encoder.encode(out) : out;
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  out.dispose?.();
}

function measured(out) {
  const length = out.length;
  out.dispose?.();
  return length;
}

/**
 * Flattens every line of an NDJSON chunk with a text → text function, for runners without a native lines call.
 * @param {Uint8Array} chunk whole lines
 * @param {(line: string) => string} flattenLine
 * @returns {string} the flattened lines, each ending in a newline
 */
export function eachLine(chunk, flattenLine) {
  let out = "";
  for (const line of decoder.decode(chunk).split("\n")) {
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed !== "") out += `${flattenLine(trimmed)}\n`;
  }
  return out;
}

/** The UTF-8 text of bytes (shared so runners decode the same way). */
export const textOf = (bytes) => decoder.decode(bytes);
/** The UTF-8 bytes of text: bytes → bytes forms end in bytes, as jsonflat's does. */
export const bytesOf = (text) => encoder.encode(text);
