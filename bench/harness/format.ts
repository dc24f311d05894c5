/**
 * @module format — numbers as the report and the charts print them.
 */

/** Seconds with a unit that keeps three significant digits: `812 ns`, `4.20 µs`, `37.1 ms`, `12.3 s`, `49 min 5 s`. */
export function duration(seconds: number): string {
  if (seconds >= 100) return `${Math.round(seconds / 60)} min ${Math.round(seconds % 60)} s`.replace(/ 0 s$/, "");
  const [value, unit] = seconds < 1e-6 ? [seconds * 1e9, "ns"] : seconds < 1e-3 ? [seconds * 1e6, "µs"] : seconds < 1 ? [seconds * 1e3, "ms"] : [seconds, "s"];
  return `${value.toPrecision(3).replace(/\.?0+$/, (m) => (m.startsWith(".") ? "" : m))} ${unit}`;
}

/** MB/s with sensible precision: `0.42`, `12.3`, `1534`. */
export function rate(mbps: number): string {
  return mbps >= 100 ? mbps.toFixed(0) : mbps >= 10 ? mbps.toFixed(1) : mbps.toPrecision(2);
}

/** Bytes as `64 B`, `1.1 KB`, `631 KB`, `105 MB`, `1.07 GB` (powers of 1000, as MB/s). */
export function size(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toPrecision(3).replace(/\.0+$/, "")} ${units[unit]}`;
}

/** A ratio as `12.4×` / `0.81×`. */
export function times(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}
