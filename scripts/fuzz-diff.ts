#!/usr/bin/env bun
/**
 * @module fuzz-diff — the differential check of the fuzz corpora: every input that libFuzzer kept for
 * fuzz_flatten and fuzz_unflatten is replayed through the native library and through the pure-TS
 * reference (src/reference) with the options its header bytes encode (the layouts of c/fuzz/fuzz_flatten.c
 * and c/fuzz/fuzz_unflatten.c); both must give the same bytes, or fail with the same error code (and offset,
 * but for parse errors).
 *
 *   bun scripts/fuzz-diff.ts [corpus-root]     (default build/fuzz: its corpus/ and seeds/ folders)
 *
 * Inputs whose options the reference does not model are left out and counted: integers as strings
 * (JF_FLAG_BIGINT_AS_STRING/MARK change native bytes only) and the deliberately invalid option values of
 * fuzz_flatten's byte 2 (the native core checks raw numbers the TS API cannot even express). Prints the
 * counts and the first differences (at most 20, with the input in hex); exit status 1 on any difference.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { flattenBytes, unflattenBytes } from "../src/index";
import type { FlattenOptions, PathStyle, UnflattenOptions } from "../src/core/options";
import { referenceFlatten, referenceUnflatten } from "../src/reference/index";

type Outcome = { ok: true; text: string } | { ok: false; code: string; offset?: number };

const decoder = new TextDecoder();
const STYLES: PathStyle[] = ["js", "pointer", "flat", "js"];

function outcome(fn: () => string): Outcome {
  try {
    return { ok: true, text: fn() };
  } catch (e) {
    // An exception without a code is a bug on that side: reported as a difference, with its input, not a crash.
    const { code = `uncaught ${String(e).slice(0, 200)}`, offset } = e as { code?: string; offset?: number };
    return { ok: false, code, offset };
  }
}

function delimiterOf(chars: string, length: number, bits: number): string | undefined {
  if (length === 0) return undefined;
  let d = "";
  for (let i = 0; i < length; i++) d += chars[(bits >> (2 * (i % 4))) & 3];
  return d;
}

/** fuzz_flatten's 4 header bytes as library options, or undefined when the reference cannot model them. */
function flattenOptionsOf(h: Uint8Array): (FlattenOptions & { format: "object" | "entries" }) | undefined {
  const flags = h[0]! >> 4;
  if (flags & 0b1100 || h[2]! >> 4 === 0xf) return undefined;
  const depth = h[1]! & 0xf;
  const nesting = h[1]! >> 4;
  const delimiterLength = h[2]! & 8 ? 4 + (h[3]! & 31) : h[2]! & 3;
  return {
    mode: h[2]! & 4 ? "schema" : h[0]! & 1 ? "grouped" : "leaf",
    style: STYLES[(h[0]! >> 1) & 3]!,
    format: h[0]! & 8 ? "entries" : "object",
    arrays: flags & 1 ? "leaf" : "index",
    replaceInvalidUtf8: (flags & 2) !== 0,
    ...(depth >= 8 ? { maxDepth: depth - 7 } : {}),
    ...(nesting ? { maxNesting: nesting } : {}),
    ...(delimiterLength ? { delimiter: delimiterOf('.:/"', delimiterLength, h[3]!) } : {}),
  };
}

/** fuzz_unflatten's 2 header bytes as options. */
function unflattenOptionsOf(h: Uint8Array): UnflattenOptions {
  const nesting = h[0]! >> 5;
  const delimiterLength = (h[0]! >> 3) & 3;
  return {
    style: STYLES[h[0]! & 3]!,
    replaceInvalidUtf8: (h[0]! & 4) !== 0,
    ...(nesting ? { maxNesting: nesting } : {}),
    ...(delimiterLength ? { delimiter: delimiterOf(".:/[", delimiterLength, h[1]!) } : {}),
  };
}

function filesOf(root: string, target: string): string[] {
  const out: string[] = [];
  for (const dir of [join(root, "corpus", target), join(root, "seeds", target)]) {
    if (existsSync(dir)) for (const f of readdirSync(dir)) out.push(join(dir, f));
  }
  return out;
}

/** A corpus file's bytes, or undefined if a running fuzzer has just replaced it (REDUCE deletes files). */
function read(file: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Same bytes, or the same error code; and the same offset unless the error is a parse error (yyjson and the
 * reference's parser point at different bytes of one fault, e.g. the start of a bad literal or its first bad
 * byte: 819 of 29,403 inputs of a corpus differ only there, no other code ever did).
 */
function same(a: Outcome, b: Outcome): boolean {
  if (a.ok || b.ok) return a.ok && b.ok && a.text === b.text;
  return a.code === b.code && (a.code === "INVALID_JSON" || a.offset === b.offset);
}

function main(): number {
  const root = resolve(process.argv[2] ?? "build/fuzz");
  const counts = { flatten: 0, unflatten: 0, skipped: 0, agreedErrors: 0, differences: 0 };
  const report: string[] = [];
  const differ = (what: string, file: string, input: Uint8Array, options: unknown, native: Outcome, reference: Outcome) => {
    counts.differences++;
    if (report.length < 20) {
      const hex = Buffer.from(input.subarray(0, 200)).toString("hex");
      report.push(`${what} ${file}\n  options ${JSON.stringify(options)}\n  input   ${hex}\n  native    ${JSON.stringify(native).slice(0, 300)}\n  reference ${JSON.stringify(reference).slice(0, 300)}`);
    }
  };

  for (const file of filesOf(root, "fuzz_flatten")) {
    const data = read(file);
    if (!data || data.length < 4) continue;
    const options = flattenOptionsOf(data);
    if (!options) {
      counts.skipped++;
      continue;
    }
    const doc = data.subarray(4);
    const native = outcome(() => {
      const b = flattenBytes(doc, options);
      const t = decoder.decode(b);
      b.dispose();
      return t;
    });
    const reference = outcome(() => referenceFlatten(doc, options));
    counts.flatten++;
    if (!native.ok && !reference.ok) counts.agreedErrors++;
    if (!same(native, reference)) differ("flatten", file, doc, options, native, reference);
  }

  for (const file of filesOf(root, "fuzz_unflatten")) {
    const data = read(file);
    if (!data || data.length < 2) continue;
    const options = unflattenOptionsOf(data);
    const doc = data.subarray(2);
    const native = outcome(() => {
      const b = unflattenBytes(doc, options);
      const t = decoder.decode(b);
      b.dispose();
      return t;
    });
    const reference = outcome(() => referenceUnflatten(doc, options));
    counts.unflatten++;
    if (!native.ok && !reference.ok) counts.agreedErrors++;
    if (!same(native, reference)) differ("unflatten", file, doc, options, native, reference);
  }

  for (const r of report) console.log(r);
  console.log(
    `fuzz-diff: ${counts.flatten} flatten and ${counts.unflatten} unflatten inputs replayed, ` +
      `${counts.agreedErrors} agreed errors, ${counts.skipped} skipped (options the reference does not model), ` +
      `${counts.differences} differences`,
  );
  return counts.differences ? 1 : 0;
}

process.exit(main());
