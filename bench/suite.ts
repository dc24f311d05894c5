/**
 * @module suite — the whole benchmark in one run: every peer on every workload in every form it has, scaling
 * with input size and workers, then `<date>-<machine>.json`, a Markdown report and SVG charts.
 * Run it through `bash bench/run.sh` (installs the peers, runs under nice); see bench/README.md.
 *
 * @example
 * bun bench/suite.ts --quick --out bench/results/tmp/quick     # smoke: small inputs, 2 runs, a few seconds per peer
 * bun bench/suite.ts --sizes 100M,1G                            # full run without the 4 GB step
 */
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseSize } from "./gen/run";
import { type Spawned, sizeOf, spawnMeasured, runnerReport, stat } from "./harness/measure";
import { renderCharts } from "./harness/charts";
import { renderMarkdown } from "./harness/report";
import type { BenchResults, Form, PeerInfo, Row } from "./harness/results";
import { bigDocument, documents, openLibrary, type Workload } from "./harness/workloads";
import { PEERS, type Job, type Peer } from "./peers";
import { ROOT } from "./peers/peer";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    machine: { type: "string" },
    sizes: { type: "string" },
    big: { type: "string" },
    peers: { type: "string" },
    runs: { type: "string" },
    budget: { type: "string" },
    scratch: { type: "string" },
    render: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(`usage: bun bench/suite.ts [--quick] [--out DIR] [--machine NAME] [--sizes 100M,1G,4G] [--big 100M]
                          [--peers id,id] [--runs N] [--budget SECONDS] [--scratch DIR]
       bun bench/suite.ts --render bench/results/<date>-<machine>.json   (rewrite its report and charts)
  --quick     smoke test: twitter, tiny documents, 256 KB big document and NDJSON, 1 run, 3 s budget
  --out       where results go (default bench/results; --quick: bench/results/tmp/quick)
  --sizes     NDJSON sizes for throughput and scaling (default 100M,1G,4G; --quick 256K)
  --big       size of the generated single document (default 100M; --quick 256K)
  --peers     only these peers (ids: ${PEERS.map((p) => p.id).join(", ")})
  --runs      runs per figure (default 5 below 50 MB, 3 up to 2 GB, 2 above; --quick 1),
              fewer when they would take longer than the budget
  --budget    a peer predicted to need longer than this per run is skipped at that size,
              and a row stops adding runs past it (default 40; --quick 3)`);
  process.exit(0);
}

if (values.render) {
  const file = values.render;
  writeReport(JSON.parse(readFileSync(file, "utf8")) as BenchResults, file.replace(/\.json$/, ""));
  process.exit(0);
}

/** Writes `<base>.md` and `<base>-<chart>.svg` from a run's results. */
function writeReport(results: BenchResults, base: string): void {
  const charts = renderCharts(results);
  for (const [name, svg] of Object.entries(charts)) writeFileSync(`${base}-${name}.svg`, svg);
  const stem = base.split("/").pop();
  writeFileSync(`${base}.md`, renderMarkdown(results, Object.keys(charts).map((name) => `${stem}-${name}.svg`)));
}

const QUICK = values.quick;
const OUT = values.out ?? join(ROOT, QUICK ? "bench/results/tmp/quick" : "bench/results");
const SCRATCH = values.scratch ?? join(ROOT, "bench/results/tmp/scratch");
const SIZES = (values.sizes ?? (QUICK ? "256K" : "100M,1G,4G")).split(",").filter(Boolean);
const BIG = values.big ?? (QUICK ? "256K" : "100M");
const BUDGET = Number(values.budget ?? (QUICK ? 3 : 40));
/** A run is killed past this (the first NDJSON size of a slow peer has no prediction to skip it by). */
const KILL_SECONDS = BUDGET * 4;
const MIN_SECONDS = QUICK ? 0.01 : 0.25;
const ONLY = values.peers?.split(",");
const runsFor = (bytes: number) => Number(values.runs ?? 0) || (QUICK ? 1 : bytes < 50e6 ? 5 : bytes < 2e9 ? 3 : 2);
/** In-memory forms read the whole input into the runner first: not for NDJSON past this size. */
const MEMORY_LIMIT = 128 << 20;

mkdirSync(OUT, { recursive: true });
mkdirSync(SCRATCH, { recursive: true });
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

/*------------------------------------------------------------------------------
 * Peers and workloads
 *----------------------------------------------------------------------------*/

const chosen = PEERS.filter((p) => !ONLY || ONLY.includes(p.id));
const peerInfo: PeerInfo[] = chosen.map((p) => {
  const missing = p.missing();
  if (missing) log(`skip ${p.id}: ${missing}`);
  return { id: p.id, label: p.label, language: p.language, ours: !!p.ours, ceiling: !!p.ceiling, partial: p.partial, version: missing ? undefined : p.version(), skipped: missing, note: p.note };
});
const ready = chosen.filter((p) => !p.missing());

const loadBefore = loadavg();
const freeGiBAtStart = Math.round(freemem() / 2 ** 30);
const started = new Date();
const machine = values.machine ?? `${process.platform}-${process.arch}-${cpus().length}cpu-${Math.round(totalmem() / 2 ** 30)}g`;
const base = join(OUT, `${started.toISOString().slice(0, 10)}-${machine}`);
log(`generating workloads in ${SCRATCH}`);
const workloads: Workload[] = [...documents(SCRATCH, QUICK), await bigDocument(SCRATCH, parseSize(BIG), BIG)];
for (const size of SIZES) workloads.push(await openLibrary(SCRATCH, parseSize(size), size));

/*------------------------------------------------------------------------------
 * Runs
 *----------------------------------------------------------------------------*/

const rows: Row[] = [];
/**
 * The slowest throughput (bytes/s) seen per peer, input kind and form on the smaller inputs; a size is skipped
 * when even the peer's best form would need more than the budget per run at that rate. The first NDJSON size
 * always runs (a run past the budget stops that row at one run; past three budgets it is killed).
 */
const slowest = new Map<string, number>();
const MB = 1e6;
const FORMS: Form[] = ["file", "bytes", "object"];

function predictedSeconds(peer: Peer, w: Workload): number | undefined {
  const rates = FORMS.map((f) => slowest.get(`${peer.id}/${w.ndjson}/${f}`)).filter((r): r is number => r !== undefined);
  return rates.length ? w.bytes / Math.max(...rates) : undefined;
}

function failure(run: Spawned, what: string): string {
  if (run.timedOut) return `timed out after ${run.seconds.toFixed(0)} s`;
  return `${what} exited ${run.exitCode}: ${run.stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300)}`;
}

async function measureFile(peer: Peer, w: Workload, job: Job): Promise<Row | undefined> {
  const command = peer.file?.(job);
  if (!command) return undefined;
  const row: Row = { workload: w.id, peer: peer.id, form: "file", runs: 0 };
  const times: number[] = [];
  const rss: number[] = [];
  const runs = runsFor(w.bytes);
  for (let r = 0; r < runs; r++) {
    const run = await spawnMeasured(command, job.output, SCRATCH, KILL_SECONDS);
    const outBytes = sizeOf(job.output);
    rmSync(job.output, { force: true });
    if (run.exitCode !== 0) {
      row.error = failure(run, peer.id);
      break;
    }
    times.push(run.seconds);
    if (run.rssKiB !== undefined) rss.push(run.rssKiB / 1024);
    row.outBytes = outBytes;
    // A slow row stops adding runs once another would take it past the budget.
    if (times.reduce((a, b) => a + b, 0) + run.seconds > BUDGET) break;
  }
  return finish(row, w, times, rss);
}

async function measureMemory(peer: Peer, w: Workload, job: Job, form: "bytes" | "object"): Promise<Row | undefined> {
  if (form === "object" && w.ndjson) return undefined;
  if (w.ndjson && w.bytes > MEMORY_LIMIT) return undefined;
  const predicted = w.tiny ? undefined : predictedSeconds(peer, w);
  const runs = predicted ? Math.max(1, Math.min(runsFor(w.bytes), Math.floor(BUDGET / predicted) - 1)) : runsFor(w.bytes);
  const minSeconds = w.bytes < 4 * MB ? MIN_SECONDS : 0;
  // A warm-up run (JIT, caches, allocator) is added and dropped, unless one pass already takes half the budget.
  const warmup = predicted === undefined || predicted * 2 < BUDGET;
  const command = peer.memory?.(job, form, runs + (warmup ? 1 : 0), minSeconds);
  if (!command) return undefined;
  const row: Row = { workload: w.id, peer: peer.id, form, runs: 0 };
  const run = await spawnMeasured(command, job.output, SCRATCH, KILL_SECONDS * (runs + 1));
  if (run.exitCode !== 0) {
    row.error = failure(run, peer.id);
    return row;
  }
  const report = runnerReport(run.stdout);
  row.outBytes = form === "bytes" ? report.outBytes : undefined;
  row.keys = form === "object" ? report.outBytes : undefined;
  const times = warmup && report.times.length > 1 ? report.times.slice(1) : report.times;
  return finish(row, w, times, run.rssKiB !== undefined ? [run.rssKiB / 1024] : []);
}

function finish(row: Row, w: Workload, times: number[], rss: number[]): Row {
  if (times.length === 0) return row;
  row.runs = times.length;
  row.seconds = stat(times);
  row.mbps = { median: w.bytes / MB / row.seconds.median, min: w.bytes / MB / row.seconds.max, max: w.bytes / MB / row.seconds.min };
  if (rss.length) row.rssMiB = stat(rss);
  return row;
}

for (const w of workloads) {
  log(`== ${w.id} (${(w.bytes / MB).toFixed(w.bytes < MB ? 4 : 0)} MB)`);
  for (const peer of ready) {
    const job: Job = { input: w.file, output: join(SCRATCH, `out-${peer.id}`), ndjson: w.ndjson };
    const forms: Form[] = w.tiny ? (w.id === "tiny-64B" ? ["file", "bytes", "object"] : ["bytes", "object"]) : ["file", "bytes", "object"];
    for (const form of forms) {
      const predicted = w.tiny ? undefined : predictedSeconds(peer, w);
      let row: Row | undefined;
      if (predicted !== undefined && predicted > BUDGET) {
        const supported = form === "file" ? !!peer.file?.(job) : !!peer.memory?.(job, form, 1, 0) && !(form === "object" && w.ndjson) && !(w.ndjson && w.bytes > MEMORY_LIMIT);
        if (supported) row = { workload: w.id, peer: peer.id, form, runs: 0, skipped: `about ${predicted.toFixed(0)} s per run predicted from its smaller inputs (budget ${BUDGET} s)` };
      } else {
        row = form === "file" ? await measureFile(peer, w, job) : await measureMemory(peer, w, job, form);
      }
      if (!row) continue;
      rows.push(row);
      const key = `${peer.id}/${w.ndjson}/${form}`;
      if (row.error && !w.tiny) {
        slowest.set(key, w.bytes / (BUDGET * 2)); // failed or timed out: larger inputs of this kind are skipped
      } else if (!w.tiny && row.seconds) {
        slowest.set(key, Math.min(slowest.get(key) ?? Number.POSITIVE_INFINITY, w.bytes / row.seconds.median));
      }
      const shown = row.error ?? row.skipped ?? `${row.mbps!.median.toFixed(1)} MB/s, ${(row.seconds!.median * 1e3).toFixed(w.tiny ? 4 : 1)} ms, ${row.rssMiB?.median.toFixed(0) ?? "?"} MiB`;
      log(`${w.id} ${peer.id} ${form}: ${shown}`);
    }
  }
  snapshot(false); // a run stopped midway keeps what it measured
}

/*------------------------------------------------------------------------------
 * Results
 *----------------------------------------------------------------------------*/

function snapshot(final: boolean): BenchResults {
  const results: BenchResults = {
    meta: {
      date: started.toISOString(),
      machine,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      freeGiBAtStart,
      loadBefore,
      loadAfter: loadavg(),
      quick: QUICK,
      partial: final ? undefined : true,
      budgetSeconds: BUDGET,
      sizes: SIZES,
      big: BIG,
      seconds: (Date.now() - started.getTime()) / 1000,
      shared: "The machine was shared with other jobs (other developers' builds and tests) during the run: every figure is a lower bound.",
    },
    workloads: workloads.map(({ id, bytes, ndjson, tiny, stresses }) => ({ id, bytes, ndjson, tiny, stresses })),
    peers: peerInfo,
    rows,
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 1)}\n`);
  return results;
}

const results = snapshot(true);
writeReport(results, base);
for (const w of workloads) if (w.generated) rmSync(w.file, { force: true });
rmSync(SCRATCH, { recursive: true, force: true });
log(`wrote ${base}.json, .md and the charts in ${results.meta.seconds.toFixed(0)} s`);
