/**
 * @module jsontestsuite — Nicolas Seriot's JSONTestSuite (`test_parsing`) against any implementation:
 * every `y_` document must flatten to valid JSON, every `n_` document must be refused with a positioned
 * `INVALID_JSON` (or `NESTING_TOO_DEEP`), and every `i_` document may go either way but must never crash.
 * The data lives beside the repository in `../shared/data` and is read in place, never copied.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Impl, Outcome } from "./cases";

const SUITE_DIRECTORY = fileURLToPath(new URL("../../shared/data/JSONTestSuite/test_parsing/", import.meta.url));

/** The codes a refused document may carry. */
const REFUSAL_CODES = ["INVALID_JSON", "NESTING_TOO_DEEP"];

/** What a refusal must look like: a parse error code and an offset inside the input (its end included). */
function expectRefusal(outcome: Outcome, length: number): void {
  if (outcome.ok) throw new Error(`accepted, flattened to ${outcome.text.slice(0, 200)}`);
  expect(REFUSAL_CODES).toContain(outcome.error.code);
  expect(typeof outcome.error.offset).toBe("number");
  expect(outcome.error.offset!).toBeGreaterThanOrEqual(0);
  expect(outcome.error.offset!).toBeLessThanOrEqual(length);
}

function expectAcceptance(outcome: Outcome): void {
  if (!outcome.ok) throw new Error(`refused: ${outcome.error.code}: ${outcome.error.message}`);
  expect(() => JSON.parse(outcome.text)).not.toThrow();
}

/**
 * Registers one test per file of JSONTestSuite's `test_parsing` for `impl`, and logs how the
 * implementation-defined `i_` files came out.
 *
 * @example
 * runJsonTestSuite(referenceImpl); // 318 tests: 95 y_, 188 n_, 35 i_
 */
export function runJsonTestSuite(impl: Impl): void {
  const files = readdirSync(SUITE_DIRECTORY)
    .filter((file) => file.endsWith(".json"))
    .sort();
  const implementationDefined = { accepted: [] as string[], refused: [] as string[] };
  describe(`${impl.name}: JSONTestSuite`, () => {
    for (const file of files) {
      test(file, async () => {
        const input = new Uint8Array(readFileSync(join(SUITE_DIRECTORY, file)));
        const outcome = await impl.flatten(input, {});
        if (file.startsWith("y_")) {
          expectAcceptance(outcome);
        } else if (file.startsWith("n_")) {
          expectRefusal(outcome, input.length);
        } else if (outcome.ok) {
          implementationDefined.accepted.push(file);
        } else {
          expectRefusal(outcome, input.length);
          implementationDefined.refused.push(file);
        }
      });
    }
    afterAll(() => {
      const { accepted, refused } = implementationDefined;
      const summary = `${accepted.length} accepted (${accepted.join(", ")}); ${refused.length} refused`;
      console.log(`${impl.name}: JSONTestSuite i_ files: ${summary}`);
    });
  });
}
