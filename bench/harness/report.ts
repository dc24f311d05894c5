/**
 * @module report — the Markdown report of a run: jsonflat against its nearest peer and the ceiling per row, then
 * every figure with its spread, the peers and what was skipped, scaling and the charts.
 */
import { duration, rate, size, times } from "./format";
import { compare, type BenchResults, type Form, type Row } from "./results";

const FORM_LABEL: Record<Form, string> = { file: "file → file", bytes: "bytes → bytes", object: "text → object" };

/**
 * The report as Markdown; `charts` are the SVG file names beside it.
 *
 * @example
 * writeFileSync("run.md", renderMarkdown(results, ["run-throughput.svg"]));
 */
export function renderMarkdown(results: BenchResults, charts: string[]): string {
  const { meta } = results;
  const label = new Map(results.peers.map((p) => [p.id, p.label]));
  const workloads = new Map(results.workloads.map((w) => [w.id, w]));
  const perCall = (id: string) => workloads.get(id)?.tiny ?? false;
  const figure = (r: Row | undefined) => (!r?.seconds ? "—" : perCall(r.workload) ? duration(r.seconds.median) : `${rate(r.mbps!.median)} MB/s`);
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);

  push(
    `# jsonflat benchmark: ${meta.date.slice(0, 10)}, ${meta.machine}${meta.quick ? " (quick smoke run)" : ""}`,
    "",
    `${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB. Load average ${meta.loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${meta.loadAfter.map((l) => l.toFixed(2)).join(" ")} after; the run took ${duration(meta.seconds)}, under \`nice -n 10\`.`,
    `**${meta.shared}**`,
    "",
    `Each figure is the median of its runs (min–max in the detailed tables); ratios compare rows of this run only. MB = 10^6 bytes of input; peak RSS is the whole process's (/usr/bin/time). A peer predicted to need more than ${meta.budgetSeconds} s per run at a size is skipped there, with the reason.`,
    "",
    "## jsonflat against the nearest peer and the yyjson ceiling",
    "",
    "Tiny documents show time per call (lower is better), the rest input MB/s (higher is better). The nearest peer is the fastest other tool in the same form; the ceiling is yyjson's own parse + write, which writes no paths.",
    "",
    "| workload | form | jsonflat | nearest peer | its figure | jsonflat × peer | yyjson ceiling | % of ceiling | peak RSS jsonflat / peer (MiB) |",
    "|---|---|---:|---|---:|---:|---:|---:|---:|",
  );
  for (const c of compare(results)) {
    const rss = (r?: Row) => (r?.rssMiB ? r.rssMiB.median.toFixed(0) : "—");
    push(
      `| ${c.workload.id} | ${FORM_LABEL[c.form]} | ${figure(c.ours)} | ${c.nearest ? label.get(c.nearest.peer) : "—"} | ${figure(c.nearest)} | ${c.ratio ? `**${times(c.ratio)}**` : "—"} | ${figure(c.ceiling)} | ${c.ofCeiling ? `${(c.ofCeiling * 100).toFixed(0)} %` : "—"} | ${rss(c.ours)} / ${rss(c.nearest)} |`,
    );
  }
  const lost = compare(results).filter((c) => c.ratio !== undefined && c.ratio < 1);
  push("", lost.length ? `Rows where a peer is faster: ${lost.map((c) => `${c.workload.id} ${FORM_LABEL[c.form]} (${label.get(c.nearest!.peer)})`).join("; ")}. See bench/README.md for why.` : "jsonflat is the fastest tool in every row above.", "");

  for (const chart of charts) push(`![${chart}](${chart})`, "");

  push("## Every figure", "");
  for (const w of results.workloads) {
    push(`### ${w.id}: ${size(w.bytes)}${w.ndjson ? " NDJSON" : ""}`, "", `Stresses: ${w.stresses}.`, "");
    push("| tool | form | " + (w.tiny ? "time per call (min–max)" : "MB/s (min–max)") + " | time | peak RSS MiB | output | runs |", "|---|---|---:|---:|---:|---:|---:|");
    for (const r of results.rows.filter((row) => row.workload === w.id)) {
      const name = label.get(r.peer) ?? r.peer;
      if (!r.seconds) {
        push(`| ${name} | ${FORM_LABEL[r.form]} | ${r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.error}`} | | | | 0 |`);
        continue;
      }
      const spread = w.tiny ? `${duration(r.seconds.median)} (${duration(r.seconds.min)}–${duration(r.seconds.max)})` : `${rate(r.mbps!.median)} (${rate(r.mbps!.min)}–${rate(r.mbps!.max)})`;
      const output = r.outBytes !== undefined ? size(r.outBytes) : r.keys !== undefined ? `${r.keys} keys` : "";
      push(`| ${name} | ${FORM_LABEL[r.form]} | ${spread} | ${duration(r.seconds.median)} | ${r.rssMiB ? r.rssMiB.median.toFixed(0) : "—"} | ${output} | ${r.runs} |`);
    }
    push("");
  }

  const ndjson = results.workloads.filter((w) => w.ndjson);
  if (ndjson.length) {
    push("## Scaling: NDJSON file → file against input size, and workers", "", `| tool | ${ndjson.map((w) => `${w.id} (${size(w.bytes)}): s · MB/s · MiB`).join(" | ")} |`, `|---|${ndjson.map(() => "---:").join("|")}|`);
    for (const p of results.peers) {
      const cells = ndjson.map((w) => {
        const r = results.rows.find((row) => row.workload === w.id && row.peer === p.id && row.form === "file");
        return r?.seconds ? `${r.seconds.median.toFixed(2)} · ${rate(r.mbps!.median)} · ${r.rssMiB?.median.toFixed(0) ?? "—"}` : r?.skipped ? "skipped" : r?.error ? "failed" : "—";
      });
      if (cells.some((c) => c !== "—")) push(`| ${p.label} | ${cells.join(" | ")} |`);
    }
    push("");
  }

  push("## Peers", "", "| id | tool | version | runs in | notes |", "|---|---|---|---|---|");
  for (const p of results.peers) push(`| ${p.id} | ${p.label} | ${p.version ?? "—"} | ${p.language} | ${p.skipped ? `**skipped**: ${p.skipped}` : (p.note ?? "")} |`);
  push("");
  return `${lines.join("\n")}\n`;
}
