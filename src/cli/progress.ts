/**
 * @module cli/progress — a one-line progress bar on standard error: bytes, MB/s and time left.
 */

/** A progress bar for a job of known size. */
export interface ProgressBar {
  update(done: number): void;
  done(): void;
}

/** Colour only on a terminal, never with NO_COLOR, always with FORCE_COLOR (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean } = process.stderr): boolean {
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  if (process.env.NO_COLOR) return false;
  return Boolean(stream.isTTY);
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "--:--";
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

/**
 * Draws at most ten times a second; `done()` clears the line.
 *
 * @example
 * const bar = createProgressBar(file.size);
 * bar.update(bytesRead);
 * bar.done();
 */
export function createProgressBar(total: number, write = (s: string) => process.stderr.write(s)): ProgressBar {
  const start = performance.now();
  const color = useColor();
  let last = 0;
  return {
    update(done) {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const seconds = (now - start) / 1000;
      const rate = done / 1e6 / Math.max(seconds, 1e-9);
      const fraction = total ? Math.min(done / total, 1) : 0;
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const eta = rate > 0 ? (total - done) / 1e6 / rate : Infinity;
      const text = `${bar} ${(fraction * 100).toFixed(1).padStart(5)}%  ${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB  ${rate.toFixed(0)} MB/s  ETA ${formatSeconds(eta)}`;
      write(`\r${color ? `\x1b[36m${text}\x1b[0m` : text}`);
    },
    done() {
      write("\r\x1b[2K");
    },
  };
}
