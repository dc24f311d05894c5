/**
 * @module lines-conformance.test — the NDJSON table through the library: the single calls; the streams over
 * bytes (delivered in pieces of 1 to 5 bytes with `chunkBytes` 7, and in one piece) and over a file (`chunkBytes`
 * 7 and the default), so chunk boundaries fall everywhere; and the file split into byte ranges at many
 * positions, each range aligned and processed alone, whose outputs put together must equal the whole output.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alignRange, mergeSchemas, type Schema } from "../src/index";
import {
  libraryReference,
  librarySchema,
  librarySingle,
  libraryStream,
  onePiece,
  outcomeOf,
  runLinesCases,
  type LinesCall,
  type LinesImpl,
  type LinesOutcome,
  type Variants,
} from "./lines-cases";

const ALL = ["flatten", "search", "schema", "unflatten", "decode"] as const;

const dir = mkdtempSync(join(tmpdir(), "jsonflat-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The input written to a fresh temporary file. */
function fileOf(input: Uint8Array): string {
  const path = join(dir, `input-${files++}.ndjson`);
  writeFileSync(path, input);
  return path;
}

/** The input delivered in pieces of 1, 2, 3, 5, 1, 2, ... bytes. */
async function* smallPieces(input: Uint8Array): AsyncGenerator<Uint8Array> {
  const sizes = [1, 2, 3, 5];
  for (let at = 0, i = 0; at < input.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield input.slice(at, at + size);
    at += size;
  }
}

function streamImpl(name: string, source: (input: Uint8Array) => string | AsyncIterable<Uint8Array>, chunkBytes?: number): LinesImpl {
  return {
    name,
    operations: ALL,
    run: (call) => outcomeOf(() => libraryStream(call, source(call.input), { chunkBytes })),
  };
}

/*------------------------------------------------------------------------------
 * Byte ranges
 *----------------------------------------------------------------------------*/

/** Ways to cut `[0, n)` into ranges: the whole, two pieces at every position, one byte each, five bytes each. */
function splits(n: number): { label: string; cuts: number[] }[] {
  const out = [{ label: "one range, the whole file", cuts: [] as number[] }];
  for (let k = 1; k < n; k++) out.push({ label: `two ranges, cut at byte ${k}`, cuts: [k] });
  out.push({ label: "a range per byte", cuts: Array.from({ length: Math.max(0, n - 1) }, (_, i) => i + 1) });
  out.push({ label: "5-byte ranges", cuts: Array.from({ length: Math.max(0, Math.ceil(n / 5) - 1) }, (_, i) => 5 * (i + 1)) });
  return out;
}

/** Every range of one split, aligned and processed alone (no `firstLine`), the outputs put together in order. */
async function byRanges(call: LinesCall, path: string, cuts: number[]): Promise<LinesOutcome> {
  const edges = [0, ...cuts, call.input.length];
  let text = "";
  const schema: Schema = {};
  for (let i = 0; i + 1 < edges.length; i++) {
    const outcome = await outcomeOf(async () => {
      const range = await alignRange(path, { start: edges[i]!, end: edges[i + 1]! });
      if (call.operation !== "schema") return libraryStream(call, path, { range });
      mergeSchemas(schema, await librarySchema(call, path, { range }));
      return "";
    });
    if (!outcome.ok) return outcome;
    text += outcome.text;
  }
  return { ok: true, text: call.operation === "schema" ? `${JSON.stringify(schema)}\n` : text };
}

const rangesImpl: LinesImpl = {
  name: "library: a file in byte ranges, each aligned and processed alone",
  operations: ALL,
  async run(call): Promise<Variants> {
    const path = fileOf(call.input);
    const variants: Variants["variants"] = [];
    for (const { label, cuts } of splits(call.input.length)) variants.push({ label, outcome: await byRanges(call, path, cuts) });
    return { variants };
  },
};

/*------------------------------------------------------------------------------
 * The implementations
 *----------------------------------------------------------------------------*/

const reference = { reference: libraryReference };

runLinesCases(
  {
    name: "library: one call (flattenLines, flattenLines in schema mode, decodeLines)",
    operations: ["flatten", "schema", "decode"],
    run: (call) => outcomeOf(() => librarySingle(call)),
  },
  reference,
);
runLinesCases(streamImpl("library: stream of bytes in pieces of 1-5 bytes, chunkBytes 7", smallPieces, 7), reference);
runLinesCases(streamImpl("library: stream of bytes in one piece, default chunkBytes", onePiece), reference);
runLinesCases(streamImpl("library: file, chunkBytes 7", fileOf, 7), reference);
runLinesCases(streamImpl("library: file, default chunkBytes", fileOf), reference);
runLinesCases(rangesImpl, reference);
