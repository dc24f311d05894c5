/**
 * @module run — what the generators share on the command line: sizes like `1G`, and timing the run.
 */

/**
 * Bytes in a size such as `12345`, `500M` or `1.5G` (binary units).
 *
 * @example
 * parseSize("1G") // 1073741824
 */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text);
  if (!match) throw new Error(`--bytes expects a size like 1G, 500M or 12345, got ${text}`);
  const unit = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[match[2]!.toUpperCase() as "" | "K" | "M" | "G" | "T"];
  return Math.round(Number(match[1]) * unit);
}

/**
 * Runs a generator and reports its size and speed on stderr.
 *
 * @example
 * await timed("openlibrary", () => generate(options));
 */
export async function timed(name: string, run: () => number | Promise<number>): Promise<void> {
  const start = performance.now();
  const bytes = await run();
  const seconds = (performance.now() - start) / 1000;
  process.stderr.write(`${name}: ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(2)} s (${(bytes / 1e6 / seconds).toFixed(0)} MB/s)\n`);
}
