/**
 * @module test/server-status — every error code maps to the HTTP status SPEC and README promise.
 */
import { describe, expect, test } from "bun:test";
import { ERROR_CODES, type ErrorCode, JsonFlatError } from "../src/core/errors";
import { statusOf } from "../src/server/reply";

const EXPECTED: Partial<Record<ErrorCode, number>> = {
  INPUT_TOO_LARGE: 413,
  TIMEOUT: 503,
  OUT_OF_MEMORY: 503,
  WORKER_CRASHED: 503,
  NOT_SUPPORTED: 501,
};

describe("statusOf", () => {
  for (const code of [...ERROR_CODES.slice(1), "WORKER_CRASHED", "JOURNAL_MISMATCH"] as ErrorCode[]) {
    test(`${code} → ${EXPECTED[code] ?? 400}`, () => {
      expect(statusOf(new JsonFlatError(code, "m"))).toBe(EXPECTED[code] ?? 400);
    });
  }

  test("anything that is not a JsonFlatError is a bug of ours: 500", () => {
    expect(statusOf(new TypeError("x"))).toBe(500);
  });
});
