/**
 * @module workloads — the inputs of the benchmark, made or found before the runs: tiny documents (call overhead),
 * the three classic files of ../shared/data/bench, one big generated document and Open Library NDJSON at several
 * sizes (generated, column 5 of the dump lines).
 */
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateDocument } from "../gen/big-document";
import { generate as generateDump } from "../gen/openlibrary";
import { ROOT } from "../peers/peer";

export interface Workload {
  /** Stable id: `tiny-64B`, `twitter`, `big-100M`, `ndjson-1G`... */
  id: string;
  file: string;
  bytes: number;
  ndjson: boolean;
  /** Tiny documents are reported per call; the rest in MB/s. */
  tiny: boolean;
  /** What it stresses, for the report. */
  stresses: string;
  /** Made by the benchmark in the scratch folder (deleted at the end), not found in place. */
  generated: boolean;
}

const SHARED = join(ROOT, "../shared/data/bench");

/** A 64-byte document: a small API record, the kind a server flattens one at a time. */
export const DOC64 = '{"id":42,"user":{"name":"Ada","tags":["x","y"]},"ok":true,"n":1}';

/** A ~1 KB document: nested objects, arrays of objects, strings that need escaping, numbers. */
export function doc1k(): string {
  const items = [1, 2, 3, 4].map((i) => ({ sku: `SKU-${i}`, qty: i, price: 9.99 * i, attrs: { color: "red", size: "M", note: 'say "hi"\n' } }));
  return JSON.stringify({
    id: "evt_01HZX3K9Q7",
    type: "order.created",
    created: 1717171717,
    livemode: false,
    data: { order: { id: 98765, currency: "EUR", total: 129.95, customer: { name: "Grace Hopper", email: "grace@example.com", tags: ["vip", "beta"] }, shipping: { street: "1 Main St", city: "Zürich", zip: "8001", country: "CH", line2: null }, items } },
    request: { id: "req_8f7a", idempotency_key: null },
  });
}

/** Single documents found in place or written small; `quick` keeps only twitter. */
export function documents(scratch: string, quick: boolean): Workload[] {
  const tiny64 = join(scratch, "tiny-64B.json");
  const tiny1k = join(scratch, "tiny-1KB.json");
  writeFileSync(tiny64, DOC64);
  writeFileSync(tiny1k, doc1k());
  const list: Workload[] = [
    { id: "tiny-64B", file: tiny64, ndjson: false, tiny: true, generated: true, bytes: 0, stresses: "fixed cost of one call (options, crossing into C, allocation, result); file → file shows process start" },
    { id: "tiny-1KB", file: tiny1k, ndjson: false, tiny: true, generated: true, bytes: 0, stresses: "per-call cost with nesting, arrays of objects and escapes" },
    { id: "twitter", file: join(SHARED, "twitter.json"), ndjson: false, tiny: false, generated: false, bytes: 0, stresses: "string-heavy, non-ASCII text, 0.6 MB" },
  ];
  if (!quick) {
    list.push(
      { id: "citm_catalog", file: join(SHARED, "citm_catalog.json"), ndjson: false, tiny: false, generated: false, bytes: 0, stresses: "object-heavy with short keys, 1.7 MB" },
      { id: "canada", file: join(SHARED, "canada.json"), ndjson: false, tiny: false, generated: false, bytes: 0, stresses: "numbers in deep arrays: output 3× the input, 2.2 MB" },
    );
  }
  for (const w of list) {
    if (!existsSync(w.file)) throw new Error(`${w.file} is missing: the bench corpus lives in ../shared/data/bench`);
    w.bytes = statSync(w.file).size;
  }
  return list;
}

/** One big generated document of about `bytes`. */
export async function bigDocument(scratch: string, bytes: number, label: string): Promise<Workload> {
  const file = join(scratch, `big-${label}.json`);
  await generateDocument({ bytes, seed: 1, out: file });
  return { id: `big-${label}`, file, bytes: statSync(file).size, ndjson: false, tiny: false, generated: true, stresses: "one large document: parse and output buffers at scale, deep nesting, Unicode, escapes, big integers" };
}

/** Open Library NDJSON: `bytes` of generated dump lines (seed 42), column 5 kept, one JSON record per line. */
export async function openLibrary(scratch: string, bytes: number, label: string): Promise<Workload> {
  const tsv = join(scratch, `ol-${label}.tsv`);
  const file = join(scratch, `ol-${label}.ndjson`);
  await generateDump({ bytes, seed: 42n, out: tsv, kinds: ["editions", "works", "authors"] });
  const cut = Bun.spawnSync(["bash", "-c", 'cut -f5 "$1" > "$2" && rm -f "$1"', "cut", tsv, file], { stderr: "inherit" });
  if (cut.exitCode !== 0) throw new Error("cut -f5 failed");
  return { id: `ndjson-${label}`, file, bytes: statSync(file).size, ndjson: true, tiny: false, generated: true, stresses: `${label} of Open Library dump lines as NDJSON (column 5): many small records, streaming, bounded memory` };
}
