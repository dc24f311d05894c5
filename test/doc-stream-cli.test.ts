/**
 * @module doc-stream-cli.test — `jsonflat flatten|search|schema` over one document streamed (standard input,
 * or --stream on a file) writes byte for byte what the in-memory path writes, and a bad or truncated document
 * exits 1 with the same one-line error.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATED } from "./fixtures/child-bun";
import { runCli } from "./fixtures/cli-run";

const BENCH = new URL("../../shared/data/bench/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "jsonflat-docstream-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe.skipIf(EMULATED)("CLI: one document streamed", () => {
  const citm = join(BENCH, "citm_catalog.json");
  for (const flags of [[], ["--style", "pointer", "--format", "entries"], ["--mode", "grouped"]]) {
    test(`flatten ${flags.join(" ")}: file, --stream file and stdin are identical`, async () => {
      const inMemory = await run(["flatten", ...flags, citm]);
      expect(inMemory.code).toBe(0);
      const streamed = await run(["flatten", "--stream", "--chunk-bytes", "4096", ...flags, citm]);
      const stdin = await run(["flatten", ...flags, "-"], readFileSync(citm));
      expect(Buffer.compare(streamed.stdout, inMemory.stdout)).toBe(0);
      expect(Buffer.compare(stdin.stdout, inMemory.stdout)).toBe(0);
      expect([streamed.code, stdin.code]).toEqual([0, 0]);
    });
  }

  test("search and schema streamed equal the in-memory ones", async () => {
    const twitter = join(BENCH, "twitter.json");
    for (const args of [["search", "--key", "screen_name"], ["search", "--path", "statuses[*].user.id", "--count"], ["schema"], ["schema", "--table"]]) {
      const inMemory = await run([...args, twitter]);
      const streamed = await run([...args, "--stream", "--chunk-bytes", "1000", twitter]);
      expect({ args, code: streamed.code, out: new TextDecoder().decode(streamed.stdout) }).toEqual({
        args,
        code: inMemory.code,
        out: new TextDecoder().decode(inMemory.stdout),
      });
    }
  });

  test("a bad or truncated document exits 1 with the in-memory error line", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '[{"a":1},\n {"b":[1,2,\u00e9]}]');
    const inMemory = await run(["flatten", bad]);
    const streamed = await run(["flatten", "--stream", "--chunk-bytes", "3", bad]);
    expect(inMemory.code).toBe(1);
    expect(streamed.code).toBe(1);
    expect(streamed.stderr).toBe(inMemory.stderr);
    const truncated = await run(["flatten", "-"], new TextEncoder().encode('{"a":[1,2,{"b":"c"'));
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toBe("jsonflat: -:1:19: INVALID_JSON invalid JSON: unexpected end of data (byte 18)\n");
  });
});
