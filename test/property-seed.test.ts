/**
 * @module property-seed.test — the seeding of fast-check properties (test/fixtures/property.ts): the settings
 * read from the environment, the replay hint and fixed examples of `checkProperty`, that no test file runs a
 * property around it, that one `bun test` process gives the seed to every file, and that every property is
 * selected by scripts/property-long.sh's filter.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUN, BUN_DIR } from "./fixtures/child-bun";
import { checkProperty, FIXED_PROPERTY_SEED, propertySettings, replayEnv } from "./fixtures/property";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = join(REPO, "test/fixtures/property.ts");
/** fast-check as the repository resolves it (the temporary test files below live outside it). */
const FAST_CHECK = fileURLToPath(import.meta.resolve("fast-check"));

/** The filter scripts/property-long.sh passes to `bun test -t` (keep the two in step). */
const PROPERTY_FILTER = "property:|properties";

describe("settings from the environment", () => {
  const never = () => {
    throw new Error("no random seed expected");
  };
  test("unset or empty: the fixed seed, in CI and locally", () => {
    for (const env of [{}, { CI: "true" }, { JSONFLAT_PROPERTY_SEED: "" }, { JSONFLAT_PROPERTY_SEED: " ", CI: "1" }]) {
      expect(propertySettings(env, never)).toEqual({ seed: FIXED_PROPERTY_SEED, source: "fixed", scale: 1 });
    }
  });
  test("a 32-bit integer is used as given, CI or not", () => {
    expect(propertySettings({ JSONFLAT_PROPERTY_SEED: "664818846" }, never)).toEqual({ seed: 664818846, source: "env", scale: 1 });
    expect(propertySettings({ JSONFLAT_PROPERTY_SEED: "-2147483648", CI: "true" }, never).seed).toBe(-(2 ** 31));
    expect(propertySettings({ JSONFLAT_PROPERTY_SEED: "2147483647" }, never).seed).toBe(2 ** 31 - 1);
  });
  test("random draws a seed outside CI and is refused in CI", () => {
    expect(propertySettings({ JSONFLAT_PROPERTY_SEED: "random" }, () => 7)).toEqual({ seed: 7, source: "random", scale: 1 });
    expect(propertySettings({ JSONFLAT_PROPERTY_SEED: "random", CI: "false" }, () => 8).seed).toBe(8);
    expect(() => propertySettings({ JSONFLAT_PROPERTY_SEED: "random", CI: "true" }, () => 7)).toThrow("refused under CI=true");
  });
  test("anything else is an error naming the variable", () => {
    for (const bad of ["1.5", "abc", "2147483648", "-2147483649", "12345678901", "0x10", "1e3"]) {
      expect(() => propertySettings({ JSONFLAT_PROPERTY_SEED: bad }, never)).toThrow("JSONFLAT_PROPERTY_SEED must be");
    }
    for (const bad of ["0", "-1", "x", "10001", "1e2"]) {
      expect(() => propertySettings({ JSONFLAT_PROPERTY_SCALE: bad }, never)).toThrow("JSONFLAT_PROPERTY_SCALE must be");
    }
    expect(propertySettings({ JSONFLAT_PROPERTY_SCALE: "2.5" }, never).scale).toBe(2.5);
  });
  test("the replay environment names the seed, and the scale when it is not 1", () => {
    expect(replayEnv({ seed: 42, source: "random", scale: 1 })).toBe("JSONFLAT_PROPERTY_SEED=42");
    expect(replayEnv({ seed: -3, source: "env", scale: 10 })).toBe("JSONFLAT_PROPERTY_SEED=-3 JSONFLAT_PROPERTY_SCALE=10");
  });
});

describe("checkProperty", () => {
  const settings = { seed: 99, source: "env" as const, scale: 3 };
  test("runs numRuns times the scale, with the given seed, examples first", () => {
    const seen: number[] = [];
    checkProperty(fc.property(fc.integer(), (n) => void seen.push(n)), { numRuns: 4, examples: [[123456789]] }, settings);
    expect(seen.length).toBe(12);
    expect(seen[0]).toBe(123456789);
    const again: number[] = [];
    checkProperty(fc.property(fc.integer(), (n) => void again.push(n)), { numRuns: 4, examples: [[123456789]] }, settings);
    expect(again).toEqual(seen);
  });
  test("a failure reports fast-check's seed and counterexample, then the replay command", () => {
    let message = "";
    try {
      checkProperty(fc.property(fc.integer(), (n) => n !== 123456789), { numRuns: 1, examples: [[123456789]] }, settings);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("seed: 99,");
    expect(message).toContain("Counterexample: [123456789]");
    expect(message).toContain("Replay: JSONFLAT_PROPERTY_SEED=99 JSONFLAT_PROPERTY_SCALE=3 bun test");
  });
});

/** Test, script and benchmark sources (TypeScript), fixtures included. */
function sources(): string[] {
  const found: string[] = [];
  for (const dir of ["test", "test/fixtures", "scripts", "bench"]) {
    for (const entry of readdirSync(join(REPO, dir), { recursive: dir === "bench" }) as string[]) {
      if (/\.(ts|tsx|mts|js)$/.test(entry) && !entry.includes("node_modules")) found.push(join(dir, entry));
    }
  }
  return found;
}

test("no source runs a property around checkProperty; every user of fast-check imports it", () => {
  const offenders: string[] = [];
  for (const file of sources()) {
    if (file === "test/fixtures/property.ts") continue;
    const text = readFileSync(join(REPO, file), "utf8");
    if (/\bfc\s*\.\s*(assert|check)\s*\(/.test(text)) offenders.push(`${file}: calls fc.assert/fc.check`);
    if (/from "fast-check"/.test(text) && /\bfc\s*\.\s*(async)?[pP]roperty\s*\(/.test(text) && !/\bcheckProperty\s*\(/.test(text)) {
      offenders.push(`${file}: builds properties without checkProperty`);
    }
  }
  expect(offenders).toEqual([]);
});

function runBunTest(args: string[], env: Record<string, string>): { output: string; exitCode: number } {
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...env, PATH: `${BUN_DIR}:${process.env.PATH ?? ""}` };
  delete childEnv.CI; // the child must honour the seed given here, not a CI runner's
  const run = Bun.spawnSync([BUN, "test", "--timeout", "60000", ...args], { cwd: REPO, env: childEnv, stdout: "pipe", stderr: "pipe" });
  return { output: run.stdout.toString() + run.stderr.toString(), exitCode: run.exitCode };
}

test("one bun test process gives the seed to every file and prints it once", () => {
  const dir = mkdtempSync(join(tmpdir(), "jsonflat-property-seed-"));
  try {
    const files = ["first", "second", "third"].map((name) => {
      const file = join(dir, `${name}.test.ts`);
      // Each file's property fails on its first generated value, so fast-check's report shows the seed it used.
      writeFileSync(
        file,
        `import { test } from "bun:test";\nimport fc from ${JSON.stringify(FAST_CHECK)};\nimport { checkProperty } from ${JSON.stringify(FIXTURE)};\n` +
          `test("property: ${name} sees the seed", () => checkProperty(fc.property(fc.integer(), () => false), { numRuns: 1 }));\n`,
      );
      return file;
    });
    const { output, exitCode } = runBunTest(files, { JSONFLAT_PROPERTY_SEED: "4242" });
    expect(exitCode).not.toBe(0);
    expect(output.match(/fast-check properties: seed 4242 \(from JSONFLAT_PROPERTY_SEED\)/g)?.length).toBe(1);
    expect(output.match(/\{ seed: 4242, path: "/g)?.length).toBe(3);
    expect(output.match(/Replay: JSONFLAT_PROPERTY_SEED=4242 bun test/g)?.length).toBe(3);
    expect(output).toContain("3 fail");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every property test is selected by scripts/property-long.sh's filter", () => {
  const propertyFiles = sources().filter((file) => file.startsWith("test/") && file.endsWith(".test.ts") && file !== "test/property-seed.test.ts");
  const users = propertyFiles.filter((file) => /\bcheckProperty\s*\(/.test(readFileSync(join(REPO, file), "utf8")));
  const callSites = users.reduce((sum, file) => sum + (readFileSync(join(REPO, file), "utf8").match(/\bcheckProperty\s*\(/g)?.length ?? 0), 0);
  const script = readFileSync(join(REPO, "scripts/property-long.sh"), "utf8");
  expect(script).toContain(`-t '${PROPERTY_FILTER}'`);
  // One run (plus fixed examples) per property: this checks selection, not the properties (those that also
  // count how often the native route was taken fail on one run, which does not matter here). Each property
  // test holds one checkProperty call, so the tests that ran must equal the call sites.
  const { output } = runBunTest(["-t", PROPERTY_FILTER, ...users.map((file) => `./${file}`)], { JSONFLAT_PROPERTY_SCALE: "0.0001" });
  // Bun repeats failed tests in its closing summary: count each full test name once.
  const ran = new Set(output.match(/^\((pass|fail)\) .*?(?= \[[\d.]+m?s\]$|$)/gm)?.map((line) => line.replace(/^\(\w+\) /, ""))).size;
  expect(ran).toBe(callSites);
});
