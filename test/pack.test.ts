/**
 * @module pack.test — `bun run pack` makes installable packages: the tarballs install into an empty folder
 * with `bun add` from their paths (the registry set to a closed local port, so nothing is fetched), and
 * there `bunx jsonflat` and a library call work with the library from the platform package. Then the
 * same tarballs are served by a small registry on loopback, and `bun add jsonflat@<version>` by name must
 * fetch only the platform package whose `os`, `cpu` and `libc` match this Bun (the optional-dependency
 * pattern). Then the package as an app meets it: `tsc --noEmit` under strict settings sees 0 errors and
 * the documented types (test/fixtures/consumer/typed.ts); `bun build --compile` embeds the library, and the
 * executable runs from an empty folder with an empty environment; without the platform package (installed
 * or compiled in), the error names the package and how to get it; a `--target` cross-compile embeds the
 * target's package.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PLATFORMS, packageName } from "../scripts/pack";
import { platformPackage } from "../src/native";
import { BUN, BUN_DIR, EMULATED } from "./fixtures/child-bun";

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
    'import { flatten, unflatten } from "jsonflat";\n' +
      'import { native } from "jsonflat/native";\n' +
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

/** The Linux platform of the other architecture, same libc: what the cross-compile test targets. */
const CROSS = (() => {
  const [, os, cpu, libc] = platformPackage().split("-");
  const other = PLATFORMS.find((p) => p.os === os && p.cpu !== cpu && (p.libc === "musl") === (libc === "musl"));
  if (!other) return undefined;
  return { platform: other, name: packageName(other), bunTarget: `bun-linux-${other.cpu}${other.libc === "musl" ? "-musl" : ""}` };
})();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "jsonflat-pack-"));
  dist = join(work, "dist");
  app = join(work, "app");
  // The cross-compile test needs the other architecture's package: build every target if it is missing
  // (scripts/test.sh's build-all stage has done so already).
  if (CROSS && !existsSync(join(ROOT, "zig-out", CROSS.platform.target, CROSS.platform.file))) {
    const built = Bun.spawnSync([join(ROOT, ".tools", "zig", "ziglang", "zig"), "build", "-Dall"], { cwd: ROOT, stderr: "pipe" });
    if (built.exitCode !== 0) throw new Error(`zig build -Dall failed: ${built.stderr.toString()}`);
  }
  const packed = run([BUN, "scripts/pack.ts", "--out", dist, "--bun", BUN], ROOT);
  if (packed.code !== 0) throw new Error(`pack failed: ${packed.err}`);
}, 1_800_000); // tsc writes the declarations (minutes under emulation); -Dall (up to ~20 min on a busy 2-core box) on a first run

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

/*------------------------------------------------------------------------------
 * The package as an app meets it: types, compiled executables, a missing platform package
 *----------------------------------------------------------------------------*/

const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/**
 * A scratch app `work/<name>` (an ES module package) where `bun add <specs>` ran against the loopback
 * registry of the packed tarballs: `jsonflat@<version>` brings what a user gets, the one platform package
 * of this machine; `args` go to `bun add`.
 */
async function installApp(name: string, specs = [`jsonflat@${VERSION}`], args: string[] = []): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "package.json"))) {
    writeFileSync(join(dir, "package.json"), `{ "name": "pack-${name}", "private": true, "type": "module" }\n`);
  }
  const registry = serveRegistry();
  try {
    // Async spawn: this process serves the registry while the child installs.
    const child = Bun.spawn([BUN, "add", ...args, ...specs], {
      cwd: dir,
      env: { ...env(), BUN_CONFIG_REGISTRY: registry.url, NPM_CONFIG_REGISTRY: registry.url, BUN_INSTALL_CACHE_DIR: join(work, `cache-${name}`) },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    if (code !== 0 || err.includes("error:")) throw new Error(`bun add ${specs.join(" ")} in ${dir} failed: ${err}`);
  } finally {
    registry.stop();
  }
  return dir;
}

/** An app's entry point that prints what jsonflat did, or its error, with the files embedded in it. */
const REPORT_APP = `import { flatten } from "jsonflat";
import { native } from "jsonflat/native";
const embedded = [];
for (const file of Bun.embeddedFiles) {
  const head = new DataView(await file.slice(0, 20).arrayBuffer());
  embedded.push({ name: file.name, elfMachine: head.byteLength === 20 ? head.getUint16(18, true) : -1 });
}
try {
  console.log(JSON.stringify({ flat: flatten('{"x":[{"y":1}]}'), lib: native().path, embedded }));
} catch (e) {
  console.log(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message }, embedded }));
}
`;

interface Report {
  flat?: unknown;
  lib?: string;
  error?: { name: string; code: string; message: string };
  embedded: { name: string; elfMachine: number }[];
}

/** ELF e_machine of each Linux architecture. */
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183 };

/** `bun build --compile` of REPORT_APP (as `dir/main.js`) into `dir/<out>`; returns the executable's path. */
function compile(dir: string, out: string, extra: string[] = []): string {
  writeFileSync(join(dir, "main.js"), REPORT_APP);
  const built = run([BUN, "build", "--compile", ...extra, "main.js", "--outfile", out], dir);
  if (built.code !== 0) throw new Error(`bun build --compile failed: ${built.err}`);
  return join(dir, out);
}

/**
 * How this process starts a program built for its own target: directly, or under emulation through the
 * emulator and sysroot of the wrapper scripts/verify-target.sh writes (`exec qemu-aarch64 -L "root" …`).
 */
function launcher(): string[] {
  if (!EMULATED) return [];
  const wrapper = readFileSync(BUN, "utf8");
  const match = /^exec (\S+) -L "([^"]+)" "[^"]+" "\$@"$/m.exec(wrapper);
  if (!match) throw new Error(`cannot find the emulator in ${BUN}:\n${wrapper}`);
  return [Bun.which(match[1]!) ?? match[1]!, "-L", match[2]!];
}

/**
 * Runs an executable copied alone into a new empty folder, with an empty environment: nothing of this
 * checkout, the install or the shell is reachable. (LD_LIBRARY_PATH is kept when set: on the x64-musl
 * target it stands in for the system's C++ runtime, which Bun itself needs.)
 */
function runAlone(executable: string): Report {
  const empty = mkdtempSync(join(work, "alone-"));
  const copy = join(empty, "app");
  copyFileSync(executable, copy);
  chmodSync(copy, 0o755);
  const env: Record<string, string> = {};
  if (process.env.LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = process.env.LD_LIBRARY_PATH;
  const r = Bun.spawnSync([...launcher(), copy], { cwd: empty, env, stdin: "ignore" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
  expect(readdirSync(empty)).toEqual(["app"]);
  return JSON.parse(r.stdout.toString());
}

// What tsc reports depends on the shipped declarations only, never on the CPU or libc: the native x64 glibc
// stage checks it, and emulated stages (minutes of tsc under qemu, inside CI's 90) skip it.
test.skipIf(EMULATED)("an app with a strict tsconfig type-checks with 0 errors and sees the documented types", async () => {
  const dir = await installApp("typed");
  // @types/bun of this checkout (no registry here); bun-types resolves from the link's real path.
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules", "@types", "bun"), join(dir, "node_modules", "@types", "bun"));
  copyFileSync(join(ROOT, "test", "fixtures", "consumer", "typed.ts"), join(dir, "typed.ts"));
  const strict = {
    lib: ["ESNext"],
    target: "ESNext",
    types: ["bun"],
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
  };
  // What `bun init` writes (bundler resolution, skipLibCheck), the same checking jsonflat's declarations
  // too, and Node-style ESM resolution (explicit extensions) for apps configured that way.
  const configs: Record<string, object> = {
    "bun-init": { ...strict, module: "Preserve", moduleResolution: "bundler", moduleDetection: "force", allowImportingTsExtensions: true, verbatimModuleSyntax: true, skipLibCheck: true },
    "lib-check": { ...strict, module: "Preserve", moduleResolution: "bundler", verbatimModuleSyntax: true, skipLibCheck: false },
    nodenext: { ...strict, module: "NodeNext", moduleResolution: "NodeNext", skipLibCheck: false },
  };
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  for (const [name, compilerOptions] of Object.entries(configs)) {
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: ["typed.ts"] }, null, 2));
    const checked = run([BUN, tsc, "-p", `tsconfig.${name}.json`], dir);
    expect({ config: name, errors: checked.out + checked.err }).toEqual({ config: name, errors: "" });
    expect(checked.code).toBe(0);
  }
  // The app's compiler read the declarations, not the sources.
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules", "jsonflat", "package.json"), "utf8"));
  expect(manifest.exports["."]).toEqual({ types: "./types/index.d.ts", default: "./src/index.ts" });
}, 900_000); // three tsc runs: seconds here, minutes under emulation

test("bun build --compile embeds the library: the executable runs alone, from an empty folder with an empty environment", async () => {
  const dir = await installApp("compiled");
  const report = runAlone(compile(dir, "app"));
  expect(report.error).toBeUndefined();
  expect(report.flat).toEqual({ "x[0].y": 1 });
  expect(report.lib!.startsWith("/$bunfs/")).toBe(true);
  expect(report.embedded).toHaveLength(1);
  if (process.platform === "linux") expect(report.embedded[0]!.elfMachine).toBe(ELF_MACHINE[process.arch]!);
});

test("without the platform package the error names it, its version and how to get it: in a plain run and compiled", async () => {
  const dir = await installApp("bare");
  rmSync(join(dir, "node_modules", platformPackage()), { recursive: true });
  writeFileSync(join(dir, "main.js"), REPORT_APP);
  const plain = run([BUN, "main.js"], dir);
  expect(plain.err).toBe("");
  const report: Report = JSON.parse(plain.out);
  expect(report.error).toMatchObject({ name: "JsonFlatError", code: "IO" });
  expect(report.error!.message).toContain(`the package ${platformPackage()}, an optional dependency of jsonflat ${VERSION}`);
  expect(report.error!.message).toContain(`bun add ${platformPackage()}@${VERSION}`);
  // Nothing for contributors: the user has no checkout to run scripts in.
  expect(report.error!.message).not.toContain("setup.sh");

  const alone = runAlone(compile(dir, "app"));
  expect(alone.embedded).toEqual([]);
  expect(alone.error).toMatchObject({ name: "JsonFlatError", code: "IO" });
  expect(alone.error!.message).toContain("This executable was compiled without it");
  expect(alone.error!.message).toContain(`install ${platformPackage()}@${VERSION} where you run \`bun build --compile\``);
  expect(alone.error!.message).not.toContain("setup.sh");
});

// Cross-compiling needs the target's Bun, downloaded by `bun build`; offline, this Bun stands in for it
// (--compile-executable-path). The bundle is still made for the target (process.platform and arch are
// folded to its values), which is what decides the embedded library; the executable then runs here.
test.skipIf(!CROSS)("a --target cross-compile embeds the target's platform package, or says which one it lacks", async () => {
  const cross = CROSS!;
  const target = [`--target=${cross.bunTarget}`, `--compile-executable-path=${process.execPath}`];
  // First as installed on this machine: the target's package is not there.
  const dir = await installApp("cross");
  const without = runAlone(compile(dir, "app-without", target));
  expect(without.embedded).toEqual([]);
  expect(without.error).toMatchObject({ name: "JsonFlatError", code: "IO" });
  expect(without.error!.message).toContain(`install ${cross.name}@${VERSION} where you run \`bun build --compile\``);

  // Then with it, installed as README says: the optional dependencies for the target's cpu.
  const targeted = await installApp("cross-cpu", [`jsonflat@${VERSION}`], [`--cpu=${cross.platform.cpu}`]);
  expect(readdirSync(join(targeted, "node_modules")).filter((n) => n.startsWith("jsonflat-"))).toEqual([cross.name]);
  const report = runAlone(compile(targeted, "app-cross", target));
  expect(report.embedded).toHaveLength(1);
  expect(report.embedded[0]!.elfMachine).toBe(ELF_MACHINE[cross.platform.cpu]!);
  // The target's library cannot load on this machine, and says so as a JsonFlatError.
  expect(report.error).toMatchObject({ name: "JsonFlatError", code: "IO" });
  expect(report.error!.message).toContain("cannot load the native library /$bunfs/");
});

test("src/native/ffi.ts requires every platform package pack.ts writes by its literal name (or it cannot be embedded)", () => {
  const source = readFileSync(join(ROOT, "src", "native", "ffi.ts"), "utf8");
  for (const p of PLATFORMS) expect(source).toContain(`require("${packageName(p)}")`);
});
