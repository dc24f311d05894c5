/**
 * @module lines-pool.test — the NDJSON table through `flattenFileParallel`: the file cut into many small ranges
 * (a few bytes each), flattened on a pool of two workers and on a pool of size 0 (in this thread); the output
 * must be the library's, line numbers and offsets the whole file's whatever range or worker did the line.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flattenFileParallel, Pool } from "../src/index";
import { collect, libraryReference, outcomeOf, runLinesCases, type LinesImpl } from "./lines-cases";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-lines-pool-"));
let files = 0;

function poolImpl(name: string, pool: Pool): LinesImpl {
  return {
    name,
    operations: ["flatten"],
    run(call) {
      const path = join(dir, `input-${files++}.ndjson`);
      writeFileSync(path, call.input);
      const { style, delimiter, mode, format, maxNesting, onError, column } = call.options;
      // `rangeBytes` is the per-range size (one task per range): before its rename lands in ParallelOptions the
      // option is called `chunkBytes`, and these rows then run as one range (so they fail until the rename).
      const options = { style, delimiter, mode, format, maxNesting, onError, column, pool, rangeBytes: 8, readBytes: 7 };
      return outcomeOf(() => collect(flattenFileParallel(path, options)));
    },
  };
}

const workers = new Pool({ size: 2 });
const inline = new Pool({ size: 0 });
afterAll(async () => {
  await workers.close();
  await inline.close();
  rmSync(dir, { recursive: true, force: true });
});

runLinesCases(poolImpl("pool of 2 workers, 8-byte ranges", workers), { reference: libraryReference });
runLinesCases(poolImpl("pool of size 0 (this thread), 8-byte ranges", inline), { reference: libraryReference });
