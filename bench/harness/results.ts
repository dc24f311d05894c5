/**
 * @module results — the shape of `bench/results/<date>-<machine>.json`, shared by the suite, the report and the
 * charts, with the comparisons the report draws from it.
 */
import type { Stat } from "./measure";

/** `file`: file → file by the tool's command line; `bytes`: bytes → bytes in memory; `object`: text → object. */
export type Form = "file" | "bytes" | "object";

export interface Row {
  workload: string;
  peer: string;
  form: Form;
  /** Runs behind the figures (0 when skipped or failed). */
  runs: number;
  seconds?: Stat;
  /** Input MB (10^6 bytes) per second: median, and min/max from the slowest/fastest run. */
  mbps?: Stat;
  /** Peak resident set of the whole process (runner or command), MiB. */
  rssMiB?: Stat;
  outBytes?: number;
  /** Object form: keys (or rows × columns for pandas) of the result. */
  keys?: number;
  skipped?: string;
  error?: string;
}

export interface PeerInfo {
  id: string;
  label: string;
  language: string;
  ours: boolean;
  ceiling: boolean;
  partial?: string;
  version?: string;
  skipped?: string;
  note?: string;
}

export interface WorkloadInfo {
  id: string;
  bytes: number;
  ndjson: boolean;
  tiny: boolean;
  stresses: string;
}

export interface BenchResults {
  meta: {
    date: string;
    machine: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    freeGiBAtStart: number;
    loadBefore: number[];
    loadAfter: number[];
    quick: boolean;
    /** Set while the run is still going (the JSON is rewritten after every workload). */
    partial?: boolean;
    budgetSeconds: number;
    sizes: string[];
    big: string;
    seconds: number;
    shared: string;
  };
  workloads: WorkloadInfo[];
  peers: PeerInfo[];
  rows: Row[];
}

/** jsonflat's row of a workload and form against the fastest other tool and the ceiling. */
export interface Comparison {
  workload: WorkloadInfo;
  form: Form;
  ours?: Row;
  nearest?: Row;
  ceiling?: Row;
  /** ours / nearest, in throughput. */
  ratio?: number;
  /** ours / ceiling, in throughput. */
  ofCeiling?: number;
}

const measured = (r: Row | undefined): r is Row & { mbps: Stat } => !!r?.mbps;

/**
 * Every (workload, form) with a jsonflat row: its nearest peer (the fastest other tool doing a full flatten:
 * not the ceiling, not a partial flattener, not jsonflat's own 2-worker row) and the ceiling, with ratios taken within this run.
 *
 * @example
 * for (const c of compare(results)) console.log(c.workload.id, c.form, c.ratio);
 */
export function compare(results: BenchResults): Comparison[] {
  const info = new Map(results.peers.map((p) => [p.id, p]));
  const out: Comparison[] = [];
  for (const workload of results.workloads) {
    for (const form of ["file", "bytes", "object"] as Form[]) {
      const here = results.rows.filter((r) => r.workload === workload.id && r.form === form);
      const ours = here.find((r) => r.peer === "jsonflat");
      if (!measured(ours)) continue;
      const others = here.filter((r) => measured(r) && !info.get(r.peer)?.ours && !info.get(r.peer)?.ceiling && !info.get(r.peer)?.partial) as (Row & { mbps: Stat })[];
      const nearest = others.sort((a, b) => b.mbps.median - a.mbps.median)[0];
      const ceiling = here.find((r) => info.get(r.peer)?.ceiling && measured(r));
      out.push({
        workload,
        form,
        ours,
        nearest,
        ceiling,
        ratio: nearest ? ours.mbps.median / nearest.mbps!.median : undefined,
        ofCeiling: ceiling?.mbps ? ours.mbps.median / ceiling.mbps.median : undefined,
      });
    }
  }
  return out;
}
