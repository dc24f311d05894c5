/**
 * @module version.test — the version is stated once per language: package.json for TypeScript (read by
 * src/core/version.ts) and JF_VERSION_STRING for the C library; they must agree, and the CLI prints it.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json";
import { VERSION } from "../src/core/version";
import { native } from "../src/native";
import { BUN } from "./fixtures/child-bun";

const ROOT = join(import.meta.dir, "..");

test("core/version is package.json's version", () => {
  expect(VERSION).toBe(pkg.version);
});

test("the C library's JF_VERSION_STRING agrees with package.json", () => {
  const header = readFileSync(join(ROOT, "c", "include", "jsonflat.h"), "utf8");
  expect(/#define JF_VERSION_STRING "([^"]+)"/.exec(header)?.[1]).toBe(VERSION);
  expect(native().version()).toBe(VERSION);
});

test("no other TypeScript source spells the version", () => {
  const { stdout } = Bun.spawnSync(["git", "grep", "-lF", `"${VERSION}"`, "--", "src"], { cwd: ROOT });
  expect(stdout.toString().trim()).toBe("");
});

test("jsonflat --version prints it", () => {
  const run = Bun.spawnSync([BUN, join(ROOT, "src", "cli", "main.ts"), "--version"]);
  expect(run.stdout.toString()).toStartWith(`jsonflat ${VERSION} (native ${VERSION})`);
});
