/**
 * @module pack.test — `bun run pack` makes installable packages: the tarballs install into an empty folder
 * with `bun add` from their paths (the registry set to a closed local port, so nothing is fetched), and
 * there `bunx jsonflat` and a library call work with the library from the platform package.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { platformPackage } from "../src/native";
import { BUN, BUN_DIR } from "./fixtures/child-bun";

const ROOT = resolve(import.meta.dir, "..");
let work: string;
let dist: string;
let app: string;

/** Environment for the child processes: no library override, no registry, a private install cache. */
function env(): Record<string, string> {
  const e: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete e.JSONFLAT_LIB;
  e.BUN_CONFIG_REGISTRY = "http://127.0.0.1:9/";
  e.NPM_CONFIG_REGISTRY = "http://127.0.0.1:9/";
  e.BUN_INSTALL_CACHE_DIR = join(work, "cache");
  e.PATH = `${BUN_DIR}:${join(ROOT, "node_modules", ".bin")}:${e.PATH ?? ""}`;
  return e;
}

function run(cmd: string[], cwd: string, stdin?: string): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(cmd, { cwd, env: env(), stdin: stdin === undefined ? "ignore" : Buffer.from(stdin) });
  return { code: r.exitCode ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "jsonflat-pack-"));
  dist = join(work, "dist");
  app = join(work, "app");
  const packed = run([BUN, "scripts/pack.ts", "--out", dist], ROOT);
  if (packed.code !== 0) throw new Error(`pack failed: ${packed.err}`);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test("pack writes the main package and the host's platform package with os, cpu and libc fields", async () => {
  const tarballs = readdirSync(dist).filter((f) => f.endsWith(".tgz"));
  const version = (await Bun.file(join(ROOT, "package.json")).json()).version;
  expect(tarballs).toContain(`jsonflat-${version}.tgz`);
  expect(tarballs).toContain(`${platformPackage()}-${version}.tgz`);
  const list = run(["tar", "-xzOf", join(dist, `${platformPackage()}-${version}.tgz`), "package/package.json"], work);
  const manifest = JSON.parse(list.out);
  expect(manifest.os).toEqual([process.platform]);
  expect(manifest.cpu).toEqual([process.arch]);
  if (process.platform === "linux") expect(manifest.libc).toHaveLength(1);
  const main = JSON.parse(run(["tar", "-xzOf", join(dist, `jsonflat-${version}.tgz`), "package/package.json"], work).out);
  expect(main.optionalDependencies[platformPackage()]).toBe(version);
  expect(main.devDependencies).toBeUndefined();
});

test("the tarballs install with bun add into an empty folder; bunx jsonflat and the library work there", () => {
  run(["mkdir", "-p", app], work);
  writeFileSync(join(app, "package.json"), '{ "name": "pack-check", "private": true }\n');
  const tarballs = readdirSync(dist)
    .filter((f) => f.endsWith(".tgz"))
    .map((f) => join(dist, f));
  const added = run([BUN, "add", ...tarballs], app);
  expect(added.err).not.toContain("error:");
  expect(added.code).toBe(0);

  const cli = run([BUN, "x", "jsonflat", "flatten"], app, '{"a":{"b":[1,{"c":null}]}}');
  expect(cli.err).toBe("");
  expect(JSON.parse(cli.out)).toEqual({ "a.b[0]": 1, "a.b[1].c": null });

  writeFileSync(
    join(app, "call.ts"),
    'import { flatten, native, unflatten } from "jsonflat";\n' +
      'console.log(JSON.stringify({ flat: flatten(\'{"x":[{"y":1}]}\'), back: unflatten({ "x[0].y": 1 }), lib: native().path }));\n',
  );
  const call = run([BUN, "call.ts"], app);
  expect(call.err).toBe("");
  const result = JSON.parse(call.out);
  expect(result.flat).toEqual({ "x[0].y": 1 });
  expect(result.back).toEqual({ x: [{ y: 1 }] });
  // The library comes from the installed platform package, not from this checkout's zig-out/.
  expect(result.lib.startsWith(join(app, "node_modules", platformPackage()))).toBe(true);
});
