/**
 * @module pool-conformance.test — the shared conformance suite through the coworker pool: every case runs as
 * a task in a Bun Worker (and, for the synchronous path, in a size-0 pool in this thread).
 */
import { afterAll } from "bun:test";
import { JsonFlatError } from "../src/core/errors";
import { Pool } from "../src/index";
import { runCases, type Impl, type Outcome } from "./cases";

const decoder = new TextDecoder();

async function outcome(result: Promise<{ bytes: Uint8Array }>): Promise<Outcome> {
  try {
    return { ok: true, text: decoder.decode((await result).bytes) };
  } catch (error) {
    if (!(error instanceof JsonFlatError)) throw error;
    return { ok: false, error: error.toJSON() };
  }
}

function poolImpl(name: string, pool: Pool): Impl {
  return {
    name,
    flatten: (input, options) => outcome(pool.run("flatten", { input, options })),
    unflatten: (input, options) => outcome(pool.run("unflatten", { input, options })),
  };
}

const workers = new Pool({ size: 2 });
const inline = new Pool({ size: 0 });
afterAll(async () => {
  await workers.close();
  await inline.close();
});

runCases(poolImpl("pool (2 workers)", workers));
runCases(poolImpl("pool (size 0, in this thread)", inline));
