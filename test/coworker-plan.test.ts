/**
 * @module coworker-plan.test — how a parallel NDJSON job is cut up (coworker/plan): workers only where they
 * repay their start, ranges that keep every worker busy, and the CLI and library taking that plan.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { flattenRangesParallel } from "../src/coworker/parallel";
import {
  BYTES_PER_WORKER_START,
  IN_THREAD_RANGE_BYTES,
  MAX_RANGE_BYTES,
  MIN_RANGE_BYTES,
  planParallel,
  rangeBytesFor,
  RANGES_PER_WORKER,
  workersFor,
} from "../src/coworker/plan";
import { flattenStream } from "../src/lines/index";
import { runCli } from "./fixtures/cli-run";
import { checkProperty } from "./fixtures/property";

const SAMPLE = new URL("../../shared/data/openlibrary/works-head-n1000.txt", import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonflat-plan-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("workersFor", () => {
  test("no worker below two workers' start, two from there, never more than asked or fed", () => {
    expect(workersFor(0, 2)).toBe(0);
    expect(workersFor(2 * BYTES_PER_WORKER_START - 1, 2)).toBe(0);
    expect(workersFor(2 * BYTES_PER_WORKER_START, 2)).toBe(2);
    expect(workersFor(1e12, 2)).toBe(2);
    expect(workersFor(5 * BYTES_PER_WORKER_START, 8)).toBe(5);
    expect(workersFor(1e12, 1)).toBe(0); // one worker alone only adds its start
    expect(workersFor(1e12, 0)).toBe(0);
  });

  test("property: the planned workers never make the modelled job slower than one thread", () => {
    // The model behind BYTES_PER_WORKER_START: a worker's start costs what one thread does on that many bytes.
    checkProperty(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 64 }), (total, requested) => {
        const n = workersFor(total, requested);
        expect(n === 0 || (n >= 2 && n <= requested)).toBe(true);
        if (n > 0) expect(BYTES_PER_WORKER_START + total / n).toBeLessThanOrEqual(total);
      }),
      { numRuns: 2000, examples: [[32 << 20, 2], [(32 << 20) - 1, 2], [30e6, 2]] },
    );
  });
});

describe("rangeBytesFor and planParallel", () => {
  test("ranges per worker within the bounds; the caller's thread reads as flattenStream does", () => {
    expect(rangeBytesFor(200e6, 2)).toBe(Math.ceil(200e6 / (2 * RANGES_PER_WORKER)));
    expect(rangeBytesFor(10e6, 2)).toBe(MIN_RANGE_BYTES);
    expect(rangeBytesFor(1e12, 2)).toBe(MAX_RANGE_BYTES);
    expect(rangeBytesFor(1e12, 0)).toBe(IN_THREAD_RANGE_BYTES);
    expect(planParallel(30e6, 2)).toEqual({ workers: 0, rangeBytes: IN_THREAD_RANGE_BYTES });
    expect(planParallel(200e6, 2)).toEqual({ workers: 2, rangeBytes: 12_500_000 });
    expect(planParallel(200e6, 2, 4096)).toEqual({ workers: 2, rangeBytes: 4096 }); // the caller's choice stays
  });

  test("property: every worker gets at least one range until the ranges reach their maximum", () => {
    checkProperty(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 64 }), (total, workers) => {
        const bytes = rangeBytesFor(total, workers);
        expect(bytes).toBeGreaterThanOrEqual(MIN_RANGE_BYTES);
        expect(bytes).toBeLessThanOrEqual(MAX_RANGE_BYTES);
        if (bytes > MIN_RANGE_BYTES && bytes < MAX_RANGE_BYTES) expect(Math.ceil(total / bytes)).toBeGreaterThanOrEqual(workers);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the plan in use", () => {
  test("a small file asked for 2 workers runs in the caller's thread, one 8 MiB range, output as flattenStream's", async () => {
    const ranges = flattenRangesParallel(SAMPLE, { workers: 2, column: 5 });
    const parts: Uint8Array[] = [];
    let step = await ranges.next();
    for (; !step.done; step = await ranges.next()) for (const chunk of step.value.chunks) parts.push(chunk.slice());
    expect(step.value.ranges).toBe(1);
    const alone: Uint8Array[] = [];
    for await (const chunk of flattenStream(SAMPLE, { column: 5 })) alone.push(chunk.slice());
    expect(Buffer.concat(parts).equals(Buffer.concat(alone))).toBe(true);
  });

  test("workers: a fraction or a negative number is refused", async () => {
    for (const workers of [1.5, -1]) {
      const error = await flattenRangesParallel(SAMPLE, { workers })
        .next()
        .then(
          () => undefined,
          (e) => e,
        );
      expect(error?.code).toBe("INVALID_OPTION");
    }
  });

  test("CLI: --workers 2 on a small file writes what one thread writes", async () => {
    const one = join(dir, "one.ndjson");
    const two = join(dir, "two.ndjson");
    const a = await runCli(["flatten", "--ndjson", "--column", "5", "-o", one, SAMPLE]);
    const b = await runCli(["flatten", "--ndjson", "--column", "5", "--workers", "2", "-o", two, SAMPLE]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(two).equals(readFileSync(one))).toBe(true);
  });
});
