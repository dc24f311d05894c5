/**
 * @module lines-journal.test — the NDJSON table through journaled file jobs: `flattenFile` in this thread
 * (`chunkBytes` 7) and on a pool of two workers (16-byte ranges), `unflattenFile` (`chunkBytes` 7), each with a
 * journal. Every row runs twice on the same journal: the second run must give the same result (a finished job
 * is `alreadyComplete` and leaves the output as it was; a failed one fails again the same way).
 */
import { afterAll } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flattenFile, Pool, unflattenFile, type FileJobSummary } from "../src/index";
import { libraryReference, outcomeOf, runLinesCases, type LinesCall, type LinesImpl, type LinesOutcome, type Variants } from "./lines-cases";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-lines-journal-"));
let jobs = 0;

const pool = new Pool({ size: 2 });
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

type Job = (input: string, output: string, journal: string) => Promise<FileJobSummary>;

function jobOf(call: LinesCall, onPool: boolean): Job {
  const { style, delimiter, mode, format, maxNesting, onError, column } = call.options;
  if (call.operation === "unflatten") {
    // `onError` is the target of the rewrite: unflattenFile has no such option yet.
    const options = { style, delimiter, maxNesting, onError, chunkBytes: 7 };
    return (input, output, journal) => unflattenFile(input, output, { ...options, journal });
  }
  // `rangeBytes` is the per-range size on a pool: before its rename lands in ParallelOptions it is called
  // `chunkBytes`, and the pool rows then run as one range.
  const split = onPool ? { pool, rangeBytes: 16, readBytes: 7 } : { chunkBytes: 7 };
  const options = { style, delimiter, mode, format, maxNesting, onError, column, ...split };
  return (input, output, journal) => flattenFile(input, output, { ...options, journal });
}

async function runTwice(call: LinesCall, onPool: boolean): Promise<Variants> {
  const base = join(dir, `job-${jobs++}`);
  const [input, output, journal] = [`${base}.in.ndjson`, `${base}.out.ndjson`, `${base}.wal`];
  writeFileSync(input, call.input);
  const job = jobOf(call, onPool);
  const once = (check: (s: FileJobSummary) => string | undefined): Promise<LinesOutcome> =>
    outcomeOf(async () => {
      const summary = await job(input, output, journal);
      const text = readFileSync(output, "utf8");
      const problem = check(summary);
      return problem ? `${problem}\n${text}` : text;
    });
  const first = await once((s) => (s.alreadyComplete ? "(the first run said alreadyComplete)" : undefined));
  const second = await once((s) => (s.alreadyComplete ? undefined : "(the second run was not alreadyComplete)"));
  return { variants: [{ label: "first run", outcome: first }, { label: "second run, same journal", outcome: second }] };
}

function journalImpl(name: string, operations: LinesImpl["operations"], onPool: boolean): LinesImpl {
  return { name, operations, run: (call) => runTwice(call, onPool) };
}

runLinesCases(journalImpl("journaled flattenFile and unflattenFile, this thread, chunkBytes 7", ["flatten", "unflatten"], false), {
  reference: libraryReference,
});
runLinesCases(journalImpl("journaled flattenFile on a pool of 2, 16-byte ranges", ["flatten"], true), { reference: libraryReference });
