/**
 * @module log.bench — logger throughput: 2 Bun Workers writing records to one file through the native logger
 * (text and JSON lines, one write(2) per record), against console.log from 2 Workers with stdout redirected to a
 * file. Each case runs in a child process; the time is the child's whole run (start-up included, so the
 * count is large), and the file is checked afterwards: lines, and lines not in the expected shape (torn or
 * interleaved).
 *
 *   bun bench/durability/log.bench.ts [records per worker, default 200000]
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { log } from "../../src/core/log";

const [mode, format, file, count] = process.argv.slice(2);

if (mode === "child") {
  // The child: configure, run 2 workers, exit.
  if (format !== "console") log.configure({ format: format as "text" | "json", file, color: "never" });
  const times = await Promise.all(
    [0, 1].map(
      (worker) =>
        new Promise<number>((resolve) => {
          const w = new Worker(new URL("./log-bench-worker.ts", import.meta.url).href);
          w.onmessage = (e) => {
            w.terminate();
            resolve(e.data.ms);
          };
          w.postMessage({ mode: format === "console" ? "console" : "native", count: Number(count), worker });
        }),
    ),
  );
  process.stderr.write(`${Math.max(...times)}\n`);
  process.exit(0);
}

const perWorker = Number(process.argv[2] ?? 200_000);
const dir = join(import.meta.dir, "..", "results", "tmp", "log-bench");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const rows: string[] = [];
for (const kind of ["native text", "native json", "console.log"]) {
  const target = join(dir, `${kind.replace(/\W+/g, "-")}.log`);
  const fmt = kind === "console.log" ? "console" : (kind.split(" ")[1] ?? "text");
  const start = performance.now();
  const child = Bun.spawn([process.execPath, import.meta.path, "child", fmt, target, String(perWorker)], {
    stdout: fmt === "console" ? Bun.file(target) : "ignore",
    stderr: "pipe",
  });
  await child.exited;
  const wall = (performance.now() - start) / 1000;
  const inWorkers = Number((await new Response(child.stderr).text()).trim()) / 1000;
  const text = readFileSync(target, "utf8");
  const lines = text.split("\n").filter(Boolean);
  const shape = fmt === "json" ? /^\{"time":.*"msg":"record \d+ from worker [01]: the quick.*dog"\}$/ : /record \d+ from worker [01]: the quick brown fox jumps over the lazy dog$/;
  const bad = lines.filter((l) => !shape.test(l)).length;
  const total = 2 * perWorker;
  const line = `| ${kind} | ${(total / inWorkers).toFixed(0)} | ${(total / wall).toFixed(0)} | ${(text.length / 1e6 / wall).toFixed(1)} | ${lines.length} | ${bad} |`;
  console.log(line);
  rows.push(line);
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `\n| 2 Workers, one file | records/s (in the workers) | records/s (whole process) | MB/s | lines | malformed lines |\n|---|---:|---:|---:|---:|---:|\n${rows.join("\n")}`,
);
console.log(`\n(${perWorker} records per worker, Bun ${Bun.version})`);
