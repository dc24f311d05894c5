/**
 * @module charts — the report's SVG charts from a run's results: throughput per workload and tool (file → file
 * and in memory), peak memory, and NDJSON scaling against input size and workers.
 */
import { rate, size } from "./format";
import type { BenchResults, Form, Row } from "./results";
import { barPanels, lineChart, stack, type Series } from "./svg";

/** One distinct colour per peer (a categorical palette), in the order of bench/peers/index.ts. */
const PALETTE = ["#e15759", "#f28e2b", "#79706e", "#4e79a7", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#17becf", "#8c564b"];

/**
 * Every chart of a run, by file suffix (`throughput`, `in-memory`, `memory`, `scaling`).
 *
 * @example
 * for (const [name, svg] of Object.entries(renderCharts(results))) writeFileSync(`run-${name}.svg`, svg);
 */
export function renderCharts(results: BenchResults): Record<string, string> {
  const color = new Map(results.peers.map((p, i) => [p.id, PALETTE[i % PALETTE.length]!]));
  const label = new Map(results.peers.map((p) => [p.id, p.label]));
  const sized = results.workloads.filter((w) => !w.tiny);
  const measured = (w: string, form: Form) => results.rows.filter((r): r is Row & Required<Pick<Row, "mbps" | "seconds">> => r.workload === w && r.form === form && !!r.mbps);
  const when = results.meta.date.slice(0, 10);

  const panels = (form: Form, value: (r: Row) => number | undefined, text: (r: Row) => string) =>
    sized.map((w) => ({
      title: `${w.id} (${size(w.bytes)})`,
      bars: measured(w.id, form)
        .filter((r) => value(r) !== undefined)
        .map((r) => ({ label: label.get(r.peer) ?? r.peer, value: value(r)!, color: color.get(r.peer)!, text: text(r) })),
    }));

  const charts: Record<string, string> = {
    throughput: barPanels(`File → file throughput, input MB/s (higher is better), ${when}`, panels("file", (r) => r.mbps!.median, (r) => `${rate(r.mbps!.median)} MB/s`), "input MB/s, median of runs, log scale; process start included"),
    "in-memory": barPanels(`In memory, bytes → bytes, input MB/s (higher is better), ${when}`, panels("bytes", (r) => r.mbps!.median, (r) => `${rate(r.mbps!.median)} MB/s`), "input MB/s, median of runs, log scale; input already in memory"),
    memory: barPanels(`Peak RSS, file → file, MiB (lower is better), ${when}`, panels("file", (r) => r.rssMiB?.median, (r) => `${r.rssMiB!.median.toFixed(0)} MiB`), "peak resident set of the whole process, MiB, log scale"),
  };

  const ndjson = results.workloads.filter((w) => w.ndjson);
  if (ndjson.length) {
    const series = (value: (r: Row) => number | undefined): Series[] =>
      results.peers
        .map((p) => ({
          label: p.label,
          color: color.get(p.id)!,
          dashed: p.id === "jsonflat-2w",
          points: ndjson.flatMap((w) => {
            const r = results.rows.find((x) => x.workload === w.id && x.peer === p.id && x.form === "file");
            const y = r ? value(r) : undefined;
            return y ? [{ x: w.bytes, y }] : [];
          }),
        }))
        .filter((s) => s.points.length);
    charts.scaling = stack([
      lineChart("NDJSON: time against input size", series((r) => r.seconds?.median), "input bytes (log)", "seconds (log, lower is better)"),
      lineChart("NDJSON: peak RSS against input size", series((r) => r.rssMiB?.median), "input bytes (log)", "peak RSS MiB (log)"),
      lineChart("NDJSON: throughput, 1 and 2 workers", series((r) => (r.peer.startsWith("jsonflat") ? r.mbps?.median : undefined)), "input bytes (log)", "input MB/s (log, higher is better)"),
    ]);
  }
  return charts;
}
