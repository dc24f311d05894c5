/**
 * @module svg — the two chart kinds the report needs, written as plain SVG text (no charting dependency):
 * panels of horizontal bars on a log axis, and log-log line charts.
 */

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Printed at the end of the bar. */
  text: string;
}

export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Text safe inside SVG. */
export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Powers of ten spanning [min, max]. */
function decades(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const out: number[] = [];
  for (let e = lo; e <= Math.max(hi, lo + 1); e++) out.push(10 ** e);
  return out;
}

const tick = (v: number) => (v >= 1 ? String(v).replace(/000000000$/, "G").replace(/000000$/, "M").replace(/000$/, "k") : String(Number(v.toPrecision(1))));

/**
 * Panels of horizontal bars sharing one log axis.
 *
 * @example
 * barPanels("MB/s", [{ title: "twitter", bars: [{ label: "jsonflat", value: 1200, color: "#d62", text: "1200" }] }], "input MB/s, log scale")
 */
export function barPanels(title: string, panels: { title: string; bars: Bar[] }[], axis: string): string {
  const width = 920;
  const left = 210;
  const right = 90;
  const barH = 14;
  const gap = 4;
  const values = panels.flatMap((p) => p.bars.map((b) => b.value)).filter((v) => v > 0);
  if (!values.length) return empty(title);
  const ticks = decades(Math.min(...values), Math.max(...values));
  const lo = Math.log10(ticks[0]!);
  const hi = Math.log10(ticks[ticks.length - 1]!);
  const x = (v: number) => left + ((Math.log10(Math.max(v, ticks[0]!)) - lo) / (hi - lo)) * (width - left - right);
  const parts: string[] = [];
  let y = 40;
  for (const panel of panels) {
    if (!panel.bars.length) continue;
    parts.push(`<text x="10" y="${y + 12}" font-size="13" font-weight="600">${escape(panel.title)}</text>`);
    y += 20;
    for (const bar of panel.bars) {
      const w = Math.max(1, x(bar.value) - left);
      parts.push(
        `<text x="${left - 6}" y="${y + barH - 3}" font-size="11" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${bar.color}"><title>${escape(`${bar.label}: ${bar.text}`)}</title></rect>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 3}" font-size="11">${escape(bar.text)}</text>`,
      );
      y += barH + gap;
    }
    y += 12;
  }
  const grid = ticks.map((t) => `<line x1="${x(t).toFixed(1)}" y1="34" x2="${x(t).toFixed(1)}" y2="${y}" stroke="#ddd"/><text x="${x(t).toFixed(1)}" y="${y + 14}" font-size="10" text-anchor="middle" fill="#555">${tick(t)}</text>`);
  const height = y + 36;
  return svg(width, height, [
    `<text x="10" y="22" font-size="16" font-weight="700">${escape(title)}</text>`,
    ...grid,
    ...parts,
    `<text x="${(left + width - right) / 2}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#333">${escape(axis)}</text>`,
  ]);
}

/**
 * One log-log line chart with a legend.
 *
 * @example
 * lineChart("Time against size", [{ label: "jsonflat", color: "#d62", points: [{ x: 1e8, y: 0.4 }] }], "input bytes", "seconds")
 */
export function lineChart(title: string, series: Series[], xAxis: string, yAxis: string): string {
  const width = 760;
  const height = 380;
  const m = { left: 60, right: 230, top: 40, bottom: 46 };
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter((v) => v > 0);
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => v > 0);
  if (!xs.length || !ys.length) return empty(title);
  const xt = decades(Math.min(...xs), Math.max(...xs));
  const yt = decades(Math.min(...ys), Math.max(...ys));
  const sx = (v: number) => m.left + ((Math.log10(v) - Math.log10(xt[0]!)) / (Math.log10(xt[xt.length - 1]!) - Math.log10(xt[0]!))) * (width - m.left - m.right);
  const sy = (v: number) => height - m.bottom - ((Math.log10(v) - Math.log10(yt[0]!)) / (Math.log10(yt[yt.length - 1]!) - Math.log10(yt[0]!))) * (height - m.top - m.bottom);
  const parts: string[] = [`<text x="10" y="22" font-size="15" font-weight="700">${escape(title)}</text>`];
  for (const t of xt) parts.push(`<line x1="${sx(t).toFixed(1)}" y1="${m.top}" x2="${sx(t).toFixed(1)}" y2="${height - m.bottom}" stroke="#ddd"/><text x="${sx(t).toFixed(1)}" y="${height - m.bottom + 14}" font-size="10" text-anchor="middle" fill="#555">${tick(t)}</text>`);
  for (const t of yt) parts.push(`<line x1="${m.left}" y1="${sy(t).toFixed(1)}" x2="${width - m.right}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/><text x="${m.left - 4}" y="${(sy(t) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${tick(t)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
    if (!pts.length) return;
    const path = pts.map((p, j) => `${j ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`);
    for (const p of pts) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${s.color}"><title>${escape(`${s.label}: ${p.y.toPrecision(3)} at ${p.x.toPrecision(3)}`)}</title></circle>`);
    const ly = m.top + 6 + i * 16;
    parts.push(`<line x1="${width - m.right + 10}" y1="${ly}" x2="${width - m.right + 28}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/><text x="${width - m.right + 32}" y="${ly + 4}" font-size="11">${escape(s.label)}</text>`);
  });
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" font-size="11" text-anchor="middle" fill="#333">${escape(xAxis)}</text>`,
    `<text x="14" y="${(m.top + height - m.bottom) / 2}" font-size="11" text-anchor="middle" fill="#333" transform="rotate(-90 14 ${(m.top + height - m.bottom) / 2})">${escape(yAxis)}</text>`,
  );
  return svg(width, height, parts);
}

/** Charts stacked top to bottom in one SVG (each keeps its own size), readable at a page's width. */
export function stack(charts: string[]): string {
  let y = 0;
  let width = 0;
  const inner = charts.map((c) => {
    width = Math.max(width, Number(/width="(\d+)"/.exec(c)?.[1] ?? 0));
    const placed = c.replace("<svg ", `<svg y="${y}" `);
    y += Number(/height="(\d+)"/.exec(c)?.[1] ?? 0);
    return placed;
  });
  return svg(width, y, inner);
}

function empty(title: string): string {
  return svg(600, 60, [`<text x="10" y="30" font-size="14">${escape(title)}: no data</text>`]);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join("\n")}\n</svg>\n`;
}
