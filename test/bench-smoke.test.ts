/**
 * @module bench-smoke — the benchmark harness must not rot: `bench/suite.ts --quick` runs every peer present on
 * small inputs (one run each) and must write its JSON, Markdown and SVG charts. Peers that are absent here
 * (no bench/.venv, no jq...) are skipped by the suite with a reason, printed below; nothing is installed.
 * Skipped under emulation (scripts/verify-target.sh). Speed is not checked: the numbers of a one-run smoke
 * on a busy machine mean nothing.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResults } from "../bench/harness/results";
import { PEERS } from "../bench/peers";
import { BUN, EMULATED } from "./fixtures/child-bun";

const ROOT = join(import.meta.dir, "..");

// Under emulation the harness's own children (process.execPath) cannot start, and timings would measure qemu.
describe.skipIf(EMULATED)("bench/suite.ts --quick", () => {
  test("measures jsonflat and every present peer, and writes the report and charts", async () => {
    // The cheap local builds (no network): the ceiling program, and the Go peer when Go is installed.
    expect(Bun.spawnSync(["bash", "bench/ceiling/build.sh"], { cwd: ROOT }).exitCode).toBe(0);
    if (Bun.which("go")) Bun.spawnSync(["go", "build", "-o", "../../../build/bench/goflat", "."], { cwd: join(ROOT, "bench/peers/go") });

    const out = mkdtempSync(join(tmpdir(), "jsonflat-bench-smoke-"));
    try {
      const run = Bun.spawn([BUN, "bench/suite.ts", "--quick", "--out", out, "--scratch", join(out, "scratch"), "--machine", "smoke"], {
        cwd: ROOT,
        stdout: "pipe",
        stderr: "pipe",
      });
      const [stderr, code] = await Promise.all([new Response(run.stderr).text(), run.exited]);
      expect(code, stderr).toBe(0);

      const files = readdirSync(out).filter((f) => f !== "scratch");
      const json = files.find((f) => f.endsWith("-smoke.json"));
      expect(json, files.join(", ")).toBeDefined();
      const results = JSON.parse(readFileSync(join(out, json!), "utf8")) as BenchResults;
      expect(results.meta.quick).toBe(true);
      expect(results.peers.map((p) => p.id).sort()).toEqual(PEERS.map((p) => p.id).sort());

      const skipped = results.peers.filter((p) => p.skipped);
      for (const p of skipped) console.log(`bench smoke: peer ${p.id} skipped: ${p.skipped}`);
      for (const p of skipped) expect(p.skipped!.length).toBeGreaterThan(10);

      // jsonflat itself: every form on every workload, with time, throughput, memory and output.
      for (const w of results.workloads) {
        const ours = results.rows.filter((r) => r.peer === "jsonflat" && r.workload === w.id && r.seconds);
        expect(ours.map((r) => r.form).sort(), w.id).toEqual(w.ndjson || w.id === "tiny-1KB" ? (w.ndjson ? ["bytes", "file"] : ["bytes", "object"]) : ["bytes", "file", "object"]);
        for (const r of ours) {
          expect(r.seconds!.median).toBeGreaterThan(0);
          expect(r.mbps!.median).toBeGreaterThan(0);
          if (r.form !== "object") expect(r.outBytes!).toBeGreaterThan(w.bytes * 0.5);
        }
      }
      // Every present peer produced figures, and none failed for a reason other than the clock.
      for (const p of results.peers.filter((x) => !x.skipped)) {
        const rows = results.rows.filter((r) => r.peer === p.id);
        expect(rows.some((r) => r.seconds), p.id).toBe(true);
        for (const r of rows) if (r.error && !r.error.startsWith("timed out")) throw new Error(`${p.id} ${r.workload} ${r.form}: ${r.error}`);
      }

      const md = readFileSync(join(out, json!.replace(/\.json$/, ".md")), "utf8");
      expect(md).toContain("## jsonflat against the nearest peer and the yyjson ceiling");
      expect(md).toMatch(/\| twitter \| bytes → bytes \| [\d.]+ MB\/s \|/);
      for (const chart of ["throughput", "in-memory", "memory", "scaling"]) {
        const file = join(out, json!.replace(/\.json$/, `-${chart}.svg`));
        expect(existsSync(file), chart).toBe(true);
        const svg = readFileSync(file, "utf8");
        expect(svg.startsWith("<svg ")).toBe(true);
        expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
        expect((svg.match(/<(rect|path|circle) /g) ?? []).length).toBeGreaterThan(3);
        expect(md).toContain(`-${chart}.svg`);
      }
      expect(existsSync(join(out, "scratch"))).toBe(false); // generated inputs are cleaned up
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
