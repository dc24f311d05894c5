/**
 * The first benchmark: jsonflat against npm `flat` and against yyjson's own parse + write.
 *
 *   node_modules/.bin/bun bench/flatten.bench.ts            # run, print, save bench/results/first-<date>.{json,md}
 *   node_modules/.bin/bun bench/flatten.bench.ts --no-save  # run and print only
 *   node_modules/.bin/bun bench/flatten.bench.ts --filter canada   # only rows whose name matches (not saved)
 *   node_modules/.bin/bun bench/flatten.bench.ts --rounds 1        # one round (default 3; each row keeps its best median)
 *
 * The library is the one `src/native/ffi.ts` finds (JSONFLAT_LIB, else zig-out/lib). The yyjson ceiling is
 * built by bench/ceiling/build.sh into build/bench/ and dlopened here, in the same process. See bench/README.md.
 */
import { dlopen } from "bun:ffi";
import { flatten as flat } from "flat";
import { do_not_optimize, group, run, summary, bench } from "mitata";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { flatten, flattenBytes, flattenEntries } from "../src/index";
import { native } from "../src/native";

const args = process.argv.slice(2);
const filterAt = args.indexOf("--filter");
const filter = filterAt >= 0 ? new RegExp(args[filterAt + 1] ?? ".") : undefined;
const save = !args.includes("--no-save") && !filter;
const roundsAt = args.indexOf("--rounds");
const ROUNDS = Math.max(1, Number(roundsAt >= 0 ? args[roundsAt + 1] : 3) || 3);

/*------------------------------------------------------------------------------
 * Setup: data, the library, the ceiling
 *----------------------------------------------------------------------------*/

const DATA = new URL("../../shared/data/bench/", import.meta.url);
const DATASETS = ["twitter", "citm_catalog", "canada"] as const;
type Dataset = (typeof DATASETS)[number];

const files = new Map<Dataset, { bytes: Uint8Array; text: string }>();
for (const name of DATASETS) {
  const bytes = new Uint8Array(await Bun.file(new URL(`${name}.json`, DATA)).arrayBuffer());
  files.set(name, { bytes, text: new TextDecoder().decode(bytes) });
}

const root = new URL("..", import.meta.url).pathname;
const built = Bun.spawnSync(["bash", "bench/ceiling/build.sh"], { cwd: root, stderr: "inherit" });
if (built.exitCode !== 0) throw new Error("bench/ceiling/build.sh failed");
const ceilingPath = `${root}${built.stdout.toString().trim().split("\n").pop()}`;
const ceilingLib = dlopen(ceilingPath, {
  jfbench_roundtrip: { args: ["ptr", "usize", "ptr"], returns: "i32" },
  jfbench_roundtrip_libc: { args: ["ptr", "usize", "ptr"], returns: "i32" },
  jfbench_yyjson_version: { args: [], returns: "cstring" },
});
// Backed by its own ArrayBuffer and passed as the typed array itself on every call (never a cached ptr()).
const outLen = new BigUint64Array(new ArrayBuffer(8));
/** yyjson parse + write with mimalloc (the allocator jsonflat uses): the ceiling. */
function ceiling(bytes: Uint8Array): number {
  if (ceilingLib.symbols.jfbench_roundtrip(bytes, bytes.byteLength, outLen) !== 0) throw new Error("ceiling: invalid JSON");
  return Number(outLen[0]);
}
/** The same with yyjson's default allocator (libc malloc), for reference. */
function ceilingLibc(bytes: Uint8Array): number {
  if (ceilingLib.symbols.jfbench_roundtrip_libc(bytes, bytes.byteLength, outLen) !== 0) throw new Error("ceiling: invalid JSON");
  return Number(outLen[0]);
}

/** A 64-byte document: a small API record, the kind a server flattens one at a time. */
const DOC64 = '{"id":42,"user":{"name":"Ada","tags":["x","y"]},"ok":true,"n":1}';
/** A ~1 KB document: nested objects, arrays of objects, strings that need escaping, numbers. */
const DOC1K = JSON.stringify({
  id: "evt_01HZX3K9Q7",
  type: "order.created",
  created: 1717171717,
  livemode: false,
  data: {
    order: {
      id: 98765,
      currency: "EUR",
      total: 129.95,
      customer: { name: "Grace \"Amazing\" Hopper", email: "grace@example.com", tags: ["vip", "beta"] },
      shipping: { street: "1 Main St", city: "Zürich", zip: "8001", country: "CH", "line 2": null },
      items: [
        { sku: "A-1", qty: 2, price: 19.99, attrs: { color: "red", size: "M" } },
        { sku: "B-22", qty: 1, price: 59.5, attrs: { color: "blue", size: "L" } },
        { sku: "C-333", qty: 3, price: 10.16, attrs: {} },
      ],
      notes: "leave at the door\nring twice",
      flags: [],
    },
  },
  request: { id: "req_7f3a", idempotency_key: "c0ffee-1234", "user-agent": "jsonflat-bench/1.0 (+https://example.com)" },
  meta: { source: "api", retries: 0, ratio: 0.5, big: 9007199254740991 },
  padding: "x".repeat(300),
});
const SMALL = [
  { name: "64 B", text: DOC64, bytes: new TextEncoder().encode(DOC64) },
  { name: `${(new TextEncoder().encode(DOC1K).byteLength / 1024).toFixed(1)} KB`, text: DOC1K, bytes: new TextEncoder().encode(DOC1K) },
];
if (SMALL[0]!.bytes.byteLength !== 64) throw new Error(`DOC64 is ${SMALL[0]!.bytes.byteLength} bytes, not 64`);

/*------------------------------------------------------------------------------
 * Sanity: every contender works on every input, and agrees on what it produces
 *----------------------------------------------------------------------------*/

// The library as loaded now (a rebuild during the run replaces the file, not the mapped copy).
const libraryBuilt = statSync(native().path).mtime.toISOString();
for (const [name, { bytes, text }] of files) {
  const reference = flat(JSON.parse(text)) as Record<string, unknown>;
  const out = flattenBytes(bytes, { style: "flat" });
  const ours = JSON.parse(new TextDecoder().decode(out)) as Record<string, unknown>;
  out.dispose();
  const a = Object.keys(ours), b = Object.keys(reference);
  if (a.length !== b.length || a.some((k, i) => k !== b[i])) throw new Error(`${name}: style "flat" keys differ from npm flat`);
  if (Object.keys(flatten(text)).length !== b.length) throw new Error(`${name}: flatten() leaf count differs from npm flat`);
  if (ceiling(bytes) <= 0 || ceilingLibc(bytes) !== ceiling(bytes)) throw new Error(`${name}: ceiling wrote nothing`);
}
for (const { text, bytes } of SMALL) {
  if (Object.keys(flatten(text)).length !== Object.keys(flat(JSON.parse(text)) as object).length)
    throw new Error("small doc: leaf count differs from npm flat");
  ceiling(bytes);
}

/*------------------------------------------------------------------------------
 * Benchmarks
 *----------------------------------------------------------------------------*/

type Kind =
  | "flattenBytes"
  | "ceiling"
  | "ceilingLibc"
  | "flatText"
  | "flatBytes"
  | "flatten"
  | "flatObject"
  | "flattenEntries"
  | "jsonParse";
const LABELS: Record<Kind, string> = {
  flattenBytes: "jsonflat flattenBytes(bytes)",
  ceiling: "yyjson parse+write (ceiling)",
  ceilingLibc: "yyjson parse+write, libc malloc",
  flatText: "JSON.stringify(flat(JSON.parse(text)))",
  flatBytes: "…same, with TextDecoder.decode(bytes)",
  flatten: "jsonflat flatten(text) → object",
  flatObject: "flat(JSON.parse(text)) → object",
  flattenEntries: "jsonflat flattenEntries(text)",
  jsonParse: "JSON.parse(text) alone (reference)",
};
/** bench name → what it measured, for the summary. */
const rows = new Map<string, { dataset: string; kind: Kind; bytes: number }>();
function row(dataset: string, kind: Kind, bytes: number, fn: () => unknown) {
  const name = `${dataset}: ${LABELS[kind]}`;
  rows.set(name, { dataset, kind, bytes });
  return bench(name, fn);
}

/** Registers every benchmark with mitata (run() consumes them, so once per round). */
function register() {
  for (const [name, { bytes, text }] of files) {
    group(`${name}.json (${(bytes.byteLength / 1e6).toFixed(2)} MB) — bytes → bytes`, () => {
      summary(() => {
        row(name, "flattenBytes", bytes.byteLength, () => flattenBytes(bytes).dispose()).baseline();
        row(name, "ceiling", bytes.byteLength, () => ceiling(bytes));
        row(name, "ceilingLibc", bytes.byteLength, () => ceilingLibc(bytes));
        row(name, "flatText", bytes.byteLength, () => JSON.stringify(flat(JSON.parse(text))));
        row(name, "flatBytes", bytes.byteLength, () => JSON.stringify(flat(JSON.parse(new TextDecoder().decode(bytes)))));
      });
    });
    group(`${name}.json — object results`, () => {
      summary(() => {
        row(name, "flatten", bytes.byteLength, () => do_not_optimize(flatten(text))).baseline();
        row(name, "flatObject", bytes.byteLength, () => do_not_optimize(flat(JSON.parse(text))));
        row(name, "flattenEntries", bytes.byteLength, () => do_not_optimize(flattenEntries(text)));
        row(name, "jsonParse", bytes.byteLength, () => do_not_optimize(JSON.parse(text)));
      });
    });
  }

  for (const { name, text, bytes } of SMALL) {
    group(`${name} document end to end (TS string → C → TS)`, () => {
      summary(() => {
        row(name, "flatten", bytes.byteLength, () => do_not_optimize(flatten(text))).baseline();
        row(name, "flatObject", bytes.byteLength, () => do_not_optimize(flat(JSON.parse(text))));
        row(name, "flattenEntries", bytes.byteLength, () => do_not_optimize(flattenEntries(text)));
        row(name, "flattenBytes", bytes.byteLength, () => flattenBytes(bytes).dispose());
        row(name, "ceiling", bytes.byteLength, () => ceiling(bytes));
      });
    });
  }
}

const loadBefore = loadavg()[0] ?? 0;
if (loadBefore > cpus().length / 2)
  console.warn(`warning: load average ${loadBefore.toFixed(2)} on ${cpus().length} cores: other work is running, numbers will be noisy`);
// Several rounds, keeping each row's best median: other processes on a small shared machine only ever make a
// row slower, and a burst of their work lands on different rows in different rounds. mitata's own report is
// printed for the last round.
const started = performance.now();
const rounds: Awaited<ReturnType<typeof run>>[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  register();
  if (round < ROUNDS) console.log(`round ${round}/${ROUNDS}…`);
  rounds.push(await run({ filter, format: round === ROUNDS ? "mitata" : "quiet" }));
}
const seconds = (performance.now() - started) / 1000;

/*------------------------------------------------------------------------------
 * Summary
 *----------------------------------------------------------------------------*/

interface Measured {
  dataset: string;
  kind: Kind;
  name: string;
  bytes: number;
  /** Statistics of the round with the lowest median. */
  avgNs: number;
  p50Ns: number;
  p99Ns: number;
  minNs: number;
  samples: number;
  /** The median of every round, in order. */
  roundP50Ns: number[];
}
const measured: Measured[] = [];
for (const result of rounds) {
  for (const b of result.benchmarks) {
    const r = b.runs[0];
    const info = r && rows.get(r.name);
    if (!r || !info || !r.stats) continue;
    const stats = { avgNs: r.stats.avg, p50Ns: r.stats.p50, p99Ns: r.stats.p99, minNs: r.stats.min, samples: r.stats.samples.length };
    const seen = measured.find((m) => m.name === r.name);
    if (!seen) measured.push({ ...info, name: r.name, ...stats, roundP50Ns: [r.stats.p50] });
    else {
      seen.roundP50Ns.push(r.stats.p50);
      if (r.stats.p50 < seen.p50Ns) Object.assign(seen, stats);
    }
  }
}
const get = (dataset: string, kind: Kind) => measured.find((m) => m.dataset === dataset && m.kind === kind);
/** The time the summary uses: the median, which a busy machine (2 cores shared with builds) skews least. */
const time = (m: Measured) => m.p50Ns;
/** MB/s (10^6 bytes of input per second) from the median time per call. */
const mbs = (m?: Measured) => (m ? m.bytes / 1e6 / (time(m) / 1e9) : NaN);
/** How many times faster `a` is than `b`. */
const ratio = (a?: Measured, b?: Measured) => (a && b ? time(b) / time(a) : NaN);
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const ns = (m?: Measured) => (m ? (time(m) >= 1e4 ? `${(time(m) / 1e3).toFixed(1)} µs` : `${time(m).toFixed(0)} ns`) : "–");

const table = (head: string[], body: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i ? "---:" : "---")).join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const targets: { target: string; value: string; pass: boolean }[] = [];
const bytesRows: string[][] = [];
const objectRows: string[][] = [];
for (const name of DATASETS) {
  const fb = get(name, "flattenBytes"), ce = get(name, "ceiling"), cl = get(name, "ceilingLibc");
  const ft = get(name, "flatText"), fB = get(name, "flatBytes");
  if (fb || ce || cl || ft || fB) {
    bytesRows.push([
      `${name} (${(files.get(name)!.bytes.byteLength / 1e6).toFixed(2)} MB)`,
      f0(mbs(fb)), f0(mbs(ce)), f0(mbs(cl)), f1(mbs(ft)), f1(mbs(fB)),
      `${f1(ratio(fb, ft))}×`, `${f1(ratio(fb, fB))}×`, `${f0(100 * ratio(fb, ce))} %`,
    ]);
    if (fb && ft) targets.push({ target: `${name}: flattenBytes ≥ 15× flat pipeline (text)`, value: `${f1(ratio(fb, ft))}×`, pass: ratio(fb, ft) >= 15 });
    if (fb && ce) targets.push({ target: `${name}: flattenBytes ≥ 40 % of yyjson parse+write`, value: `${f0(100 * ratio(fb, ce))} %`, pass: ratio(fb, ce) >= 0.4 });
  }
  const fl = get(name, "flatten"), fo = get(name, "flatObject"), fe = get(name, "flattenEntries"), jp = get(name, "jsonParse");
  if (fl || fo || fe || jp) {
    objectRows.push([name, f0(mbs(fl)), f0(mbs(fo)), `${f2(ratio(fl, fo))}×`, f0(mbs(fe)), `${f2(ratio(fe, fo))}×`, f0(mbs(jp))]);
    if (fl && fo) targets.push({ target: `${name}: flatten → object ≥ 1.5× flat(JSON.parse(text))`, value: `${f2(ratio(fl, fo))}×`, pass: ratio(fl, fo) >= 1.5 });
  }
}
const smallRows: string[][] = [];
for (const { name } of SMALL) {
  const fl = get(name, "flatten"), fo = get(name, "flatObject"), fe = get(name, "flattenEntries"), fb = get(name, "flattenBytes"), ce = get(name, "ceiling");
  if (!(fl || fo || fe || fb || ce)) continue;
  smallRows.push([name, ns(fl), ns(fo), `${f2(ratio(fl, fo))}×`, ns(fe), ns(fb), ns(ce)]);
  if (name === "64 B" && fl) targets.push({ target: "64 B document: flatten(text) < 2 µs", value: ns(fl), pass: time(fl) < 2000 });
}

const lib = native();
const context = {
  date: new Date().toISOString(),
  bun: Bun.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  library: lib.path.replace(root, ""),
  libraryVersion: lib.version(),
  libraryBuilt,
  ceiling: ceilingPath.replace(root, ""),
  ceilingCompiler: existsSync(`${root}.tools/zig/ziglang/zig`) ? "zig cc -O3" : `${process.env.CC ?? "cc"} -O3`,
  loadAverage: [Number(loadBefore.toFixed(2)), Number((loadavg()[0] ?? 0).toFixed(2))],
  yyjson: String(ceilingLib.symbols.jfbench_yyjson_version()),
  seconds: Math.round(seconds),
  rounds: ROUNDS,
};

const section = (title: string, body: string[][], render: () => string[]) => (body.length ? [`## ${title}`, "", ...render(), ""] : []);
const markdown = [
  `# jsonflat — first benchmark (${context.date.slice(0, 10)})`,
  "",
  `Bun ${context.bun} · ${context.cpu} (${context.cores} cores, load ${context.loadAverage.join(" → ")}) · library \`${context.library}\` ${context.libraryVersion} built ${context.libraryBuilt.slice(0, 16)} · ceiling: yyjson ${context.yyjson}, ${context.ceilingCompiler}, mimalloc · mitata, best of ${ROUNDS} rounds of the median time per call; MB/s = input MB (10⁶ B) / time.`,
  "",
  ...section("Bytes → bytes (MB/s)", bytesRows, () => [
    table(
      ["dataset", "jsonflat flattenBytes", "yyjson parse+write", "…with libc malloc", "flat pipeline (text)", "flat pipeline (bytes)", "× flat (text)", "× flat (bytes)", "% of yyjson"],
      bytesRows,
    ),
    "",
    "flat pipeline = `JSON.stringify(flat(JSON.parse(text)))`; (bytes) adds `new TextDecoder().decode(bytes)` in the timed loop.",
  ]),
  ...section("Object results (MB/s of input)", objectRows, () => [
    table(["dataset", "jsonflat flatten()", "flat(JSON.parse())", "× flat", "flattenEntries()", "entries × flat", "JSON.parse alone"], objectRows),
  ]),
  ...section("Small documents, end to end (time per call)", smallRows, () => [
    table(["document", "flatten(text)", "flat(JSON.parse(text))", "× flat", "flattenEntries(text)", "flattenBytes(bytes)", "yyjson parse+write"], smallRows),
  ]),
  ...section("Targets", targets.map((t) => [t.target]), () => [
    table(["target", "measured", ""], targets.map((t) => [t.target, t.value, t.pass ? "pass" : "**MISS**"])),
  ]),
].join("\n");

console.log(`\n${markdown}`);

if (save) {
  const day = context.date.slice(0, 10);
  const dir = new URL("results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const json = {
    context,
    targets,
    results: measured.map((m) => ({
      dataset: m.dataset,
      contender: LABELS[m.kind],
      kind: m.kind,
      bytes: m.bytes,
      avg_ns: Math.round(m.avgNs),
      p50_ns: Math.round(m.p50Ns),
      p99_ns: Math.round(m.p99Ns),
      min_ns: Math.round(m.minNs),
      samples: m.samples,
      round_p50_ns: m.roundP50Ns.map(Math.round),
      mb_per_s: Number(mbs(m).toFixed(1)),
    })),
  };
  writeFileSync(new URL(`first-${day}.json`, dir), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(new URL(`first-${day}.md`, dir), markdown);
  console.log(`saved bench/results/first-${day}.{json,md} (${context.seconds} s of benchmarks)`);
}
