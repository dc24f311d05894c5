#!/usr/bin/env bun
/**
 * @module pack — `bun run pack`: the installable packages, as tarballs in `dist/` (esbuild's pattern).
 *
 *   bun scripts/pack.ts [--out dir] [--require-all] [--bun path]
 *
 * - `jsonflat-<version>.tgz`: the TypeScript sources (what Bun runs), their `.d.ts` declarations in `types/`
 *   (what an app's `tsc` reads, through the `types` condition of each export: it then never type-checks
 *   jsonflat's sources under the app's own options), README and the `jsonflat` bin, with one optional
 *   dependency per platform at the same version. A package manager installs only the one whose `os`,
 *   `cpu` and `libc` fields match the machine.
 * - `jsonflat-<platform>-<version>.tgz`: `package.json`, the library, and an `index.js` whose default export
 *   is the library's path, imported `with { type: "file" }`: `src/native/ffi.ts` requires the package by its
 *   literal name, so `bun build --compile` of an app embeds the library and the executable loads it from
 *   there. One package per platform whose library has been built under `zig-out/<target>/`
 *   (`zig build -Dall`). The host's own platform falls back to the `zig-out/lib/` build, so a plain
 *   `zig build` is enough to pack and test on one machine. Without `--require-all` a platform whose
 *   library is missing is left out with a warning.
 * - `--bun`: the Bun that runs `bun pm pack` (default: the one running this script). Under emulation this
 *   script's own executable cannot be started directly, so the tests pass the wrapper they use.
 *
 * Prints one line per tarball: its path, its size and what it holds.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { platformPackage } from "../src/native";

interface Platform {
  /** Folder under zig-out/ written by `zig build -Dall`. */
  target: string;
  os: string;
  cpu: string;
  libc?: "glibc" | "musl";
  file: string;
}

/** Every platform Bun ships for (build.zig's dist_targets). */
export const PLATFORMS: Platform[] = [
  { target: "x86_64-linux-gnu", os: "linux", cpu: "x64", libc: "glibc", file: "libjsonflat.so" },
  { target: "aarch64-linux-gnu", os: "linux", cpu: "arm64", libc: "glibc", file: "libjsonflat.so" },
  { target: "x86_64-linux-musl", os: "linux", cpu: "x64", libc: "musl", file: "libjsonflat.so" },
  { target: "aarch64-linux-musl", os: "linux", cpu: "arm64", libc: "musl", file: "libjsonflat.so" },
  { target: "x86_64-macos", os: "darwin", cpu: "x64", file: "libjsonflat.dylib" },
  { target: "aarch64-macos", os: "darwin", cpu: "arm64", file: "libjsonflat.dylib" },
  { target: "x86_64-windows-gnu", os: "win32", cpu: "x64", file: "jsonflat.dll" },
];

/** The package name of a platform; the same rule as `platformPackage()` in src/native/ffi.ts. */
export function packageName(p: Platform): string {
  const libc = p.os === "linux" ? (p.libc === "musl" ? "-musl" : "-gnu") : "";
  return `jsonflat-${p.os}-${p.cpu}${libc}`;
}

const ROOT = resolve(import.meta.dir, "..");

function libraryOf(p: Platform): string | undefined {
  const built = join(ROOT, "zig-out", p.target, p.file);
  if (existsSync(built)) return built;
  const host = join(ROOT, "zig-out", "lib", p.file);
  return packageName(p) === platformPackage() && existsSync(host) ? host : undefined;
}

/** A platform package's index.js: the library's path, embedded by `bun build --compile`. */
function libraryModule(file: string): string {
  return [
    "// The jsonflat native library's path: the file on disk in a plain run; in an executable made by",
    "// `bun build --compile`, the copy embedded in it (/$bunfs/...), which bun:ffi's dlopen loads as is.",
    `import library from "./${file}" with { type: "file" };`,
    "export default library;",
    "",
  ].join("\n");
}

/** The `.d.ts` declarations of src/ into `outDir` (tsconfig.types.json), by TypeScript run on `bun`. */
function emitDeclarations(bun: string, outDir: string): void {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const run = Bun.spawnSync([bun, tsc, "-p", join(ROOT, "tsconfig.types.json"), "--outDir", outDir], {
    cwd: ROOT,
    stderr: "pipe",
  });
  if (run.exitCode !== 0) throw new Error(`tsc (declarations) failed: ${run.stdout.toString()}${run.stderr.toString()}`);
  for (const file of readdirSync(outDir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".d.ts")) continue;
    const path = join(outDir, file);
    writeFileSync(path, withExtensions(readFileSync(path, "utf8"), dirname(path)));
  }
}

/**
 * Relative specifiers of a declaration file with an explicit `.js` (`./errors` → `./errors.js`, a folder →
 * `./coworker/index.js`): the sources import without extensions (Bun's style), which an app compiled with
 * `moduleResolution: "nodenext"` refuses in an ES module; `.js` resolves to the `.d.ts` under every mode.
 */
function withExtensions(text: string, dir: string): string {
  return text.replace(/(from |import\()"(\.\.?\/[^"]*)"/g, (_all, head: string, spec: string) => {
    if (spec.endsWith(".js")) return `${head}"${spec}"`;
    if (existsSync(join(dir, `${spec}.d.ts`))) return `${head}"${spec}.js"`;
    if (existsSync(join(dir, spec, "index.d.ts"))) return `${head}"${spec}/index.js"`;
    throw new Error(`pack: ${spec} in the declarations of ${dir} resolves to no .d.ts`);
  });
}

/** `./src/x.ts` (or `src/x.ts`) → `./types/x.d.ts`. */
function declarationOf(source: string): string {
  const match = /^(?:\.\/)?src\/(.+)\.ts$/.exec(source);
  if (!match) throw new Error(`pack: ${source} is not a src/*.ts file`);
  return `./types/${match[1]}.d.ts`;
}

/** Each export as `{ types, default }`: TypeScript takes the declarations, Bun the sources. */
function typedExports(exports: Record<string, string>): Record<string, { types: string; default: string }> {
  return Object.fromEntries(
    Object.entries(exports).map(([key, source]) => [key, { types: declarationOf(source), default: source }]),
  );
}

/** `bun pm pack` of a staged folder into `out`; returns the tarball's path. */
function packFolder(bun: string, folder: string, out: string): string {
  const run = Bun.spawnSync([bun, "pm", "pack", "--quiet", "--destination", out], {
    cwd: folder,
    stderr: "pipe",
  });
  if (run.exitCode !== 0) throw new Error(`bun pm pack in ${folder} failed: ${run.stderr.toString()}`);
  const lines = run.stdout.toString().trim().split("\n");
  return resolve(out, lines[lines.length - 1]!.trim());
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "dist" },
      "require-all": { type: "boolean", default: false },
      bun: { type: "string", default: process.execPath },
    },
  });
  const bun = values.bun!;
  const out = resolve(ROOT, values.out!);
  const stage = join(out, "stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const version: string = manifest.version;
  const made: string[] = [];

  const optionalDependencies: Record<string, string> = {};
  for (const p of PLATFORMS) {
    const name = packageName(p);
    const lib = libraryOf(p);
    if (!lib) {
      if (values["require-all"]) throw new Error(`${name}: no library at zig-out/${p.target}/${p.file} (zig build -Dall)`);
      console.warn(`pack: skipping ${name}: no zig-out/${p.target}/${p.file} (run zig build -Dall)`);
      continue;
    }
    optionalDependencies[name] = version;
    const dir = join(stage, name);
    mkdirSync(dir, { recursive: true });
    cpSync(lib, join(dir, p.file));
    writeFileSync(join(dir, "index.js"), libraryModule(p.file));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        {
          name,
          version,
          description: `The jsonflat native library for ${p.os} ${p.cpu}${p.libc ? ` ${p.libc}` : ""}`,
          license: manifest.license,
          os: [p.os],
          cpu: [p.cpu],
          ...(p.libc ? { libc: [p.libc] } : {}),
          type: "module",
          main: "index.js",
          exports: { ".": "./index.js", "./package.json": "./package.json" },
          files: [p.file, "index.js"],
          preferUnplugged: true,
        },
        null,
        2,
      ) + "\n",
    );
    made.push(`${packFolder(bun, dir, out)}  (${p.file} from ${lib.slice(ROOT.length + 1)})`);
  }

  // The main package: sources, declarations and bin; no dev-only fields.
  const main = join(stage, "jsonflat");
  mkdirSync(main, { recursive: true });
  cpSync(join(ROOT, "src"), join(main, "src"), { recursive: true });
  emitDeclarations(bun, join(main, "types"));
  for (const f of ["README.md", "LICENSE"]) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(main, f));
  const { devDependencies: _dev, scripts: _scripts, ...published } = manifest;
  writeFileSync(
    join(main, "package.json"),
    JSON.stringify(
      {
        ...published,
        types: declarationOf(published.module),
        exports: typedExports(published.exports),
        files: ["src", "types", "README.md"],
        optionalDependencies,
      },
      null,
      2,
    ) + "\n",
  );
  made.unshift(`${packFolder(bun, main, out)}  (sources, bin jsonflat; ${Object.keys(optionalDependencies).length} platform packages)`);
  rmSync(stage, { recursive: true, force: true });
  for (const line of made) console.log(line);
}

if (import.meta.main) main();
