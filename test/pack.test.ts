/**
 * @module pack.test — `bun run pack` makes installable packages: the tarballs install into an empty folder
 * with `bun add` from their paths (the registry set to a closed local port, so nothing is fetched), and
 * there `bunx jsonflat` and a library call work with the library from the platform package. Then the
 * same tarballs are served by a small registry on loopback, and `bun add jsonflat@<version>` by name must
 * fetch only the platform package whose `os`, `cpu` and `libc` match this Bun (the optional-dependency
 * pattern).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A library call from `dir` works, with the library from the installed platform package. */
function expectLibraryCallWorks(dir: string): void {
  writeFileSync(
    join(dir, "call.ts"),
    'import { flatten, native, unflatten } from "jsonflat";\n' +
      'console.log(JSON.stringify({ flat: flatten(\'{"x":[{"y":1}]}\'), back: unflatten({ "x[0].y": 1 }), lib: native().path }));\n',
  );
  const call = run([BUN, "call.ts"], dir);
  expect(call.err).toBe("");
  const result = JSON.parse(call.out);
  expect(result.flat).toEqual({ "x[0].y": 1 });
  expect(result.back).toEqual({ x: [{ y: 1 }] });
  // The library comes from the installed platform package, not from this checkout's zig-out/.
  expect(result.lib.startsWith(join(dir, "node_modules", platformPackage()))).toBe(true);
}

interface Registry {
  url: string;
  /** Tarball file names fetched so far. */
  fetched: string[];
  stop(): void;
}

/**
 * A registry on loopback serving every tarball in `dist` under its package name: the package document
 * (the tarball's own package.json plus `dist` with URL and integrity) at `/<name>`, the file at `/-/<file>`.
 */
function serveRegistry(): Registry {
  const byName = new Map<string, { file: string; manifest: Record<string, unknown>; bytes: Buffer }>();
  for (const file of readdirSync(dist).filter((f) => f.endsWith(".tgz"))) {
    const manifest = JSON.parse(run(["tar", "-xzOf", join(dist, file), "package/package.json"], work).out);
    byName.set(manifest.name, { file, manifest, bytes: readFileSync(join(dist, file)) });
  }
  const fetched: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const path = decodeURIComponent(url.pathname.slice(1));
      if (path.startsWith("-/")) {
        const entry = [...byName.values()].find((e) => e.file === path.slice(2));
        if (!entry) return new Response("not found", { status: 404 });
        fetched.push(entry.file);
        return new Response(entry.bytes, { headers: { "content-type": "application/octet-stream" } });
      }
      const entry = byName.get(path);
      if (!entry) return Response.json({ error: "not found" }, { status: 404 });
      const version = entry.manifest.version as string;
      const dist = {
        tarball: `${url.origin}/-/${entry.file}`,
        integrity: `sha512-${createHash("sha512").update(entry.bytes).digest("base64")}`,
        shasum: createHash("sha1").update(entry.bytes).digest("hex"),
      };
      return Response.json({
        name: path,
        "dist-tags": { latest: version },
        versions: { [version]: { ...entry.manifest, dist } },
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/`, fetched, stop: () => server.stop(true) };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "jsonflat-pack-"));
  dist = join(work, "dist");
  app = join(work, "app");
  const packed = run([BUN, "scripts/pack.ts", "--out", dist, "--bun", BUN], ROOT);
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

  expectLibraryCallWorks(app);
});

test("bun add jsonflat by name from a registry fetches only the platform package for this os, cpu and libc", async () => {
  const named = join(work, "named");
  mkdirSync(named, { recursive: true });
  writeFileSync(join(named, "package.json"), '{ "name": "pack-named", "private": true }\n');
  const version = (await Bun.file(join(ROOT, "package.json")).json()).version;
  const registry = serveRegistry();
  try {
    // Async spawn: this process serves the registry while the child installs.
    const child = Bun.spawn([BUN, "add", `jsonflat@${version}`], {
      cwd: named,
      env: {
        ...env(),
        BUN_CONFIG_REGISTRY: registry.url,
        NPM_CONFIG_REGISTRY: registry.url,
        BUN_INSTALL_CACHE_DIR: join(work, "cache-named"),
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    expect(err).not.toContain("error:");
    expect(code).toBe(0);
  } finally {
    registry.stop();
  }
  // Bun (at the pinned version) filters optional dependencies by os, cpu and libc: exactly one comes.
  expect(registry.fetched.sort()).toEqual([`jsonflat-${version}.tgz`, `${platformPackage()}-${version}.tgz`].sort());
  const installed = readdirSync(join(named, "node_modules")).filter((n) => n.startsWith("jsonflat"));
  expect(installed.sort()).toEqual(["jsonflat", platformPackage()].sort());
  expectLibraryCallWorks(named);
});
