/**
 * @module abi-layout.test — the TypeScript ABI table (src/native/layout.ts) against the C compiler's own
 * sizeof/offsetof (`jf_abi_layout()`, c/src/abi.c): every struct, its size and every field's offset.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAYOUT, native, type StructLayout } from "../src/native";

type Table = Record<string, StructLayout>;
const C: Table = JSON.parse(native().abiLayout());
const TS: Table = LAYOUT;

test("both sides list the same structs", () => {
  expect(Object.keys(TS).sort()).toEqual(Object.keys(C).sort());
});

for (const name of Object.keys(TS)) {
  test(`${name}: size and every field offset agree with C`, () => {
    const ts = TS[name]!;
    const c = C[name];
    expect(c).toBeDefined();
    expect({ struct: name, size: ts.size }).toEqual({ struct: name, size: c!.size });
    // Same fields in the same (declaration) order, each at the same byte.
    expect(Object.entries(ts.fields)).toEqual(Object.entries(c!.fields));
  });
}

test("every struct the header declares as `Layout fixed` is in the table", () => {
  const header = readFileSync(join(import.meta.dir, "..", "c", "include", "jsonflat.h"), "utf8");
  const fixed = new Set<string>();
  // A doc comment saying "Layout (is) fixed" followed by `typedef struct name {`.
  for (const m of header.matchAll(/Layout (?:is )?fixed[\s\S]*?\*\/\s*typedef struct (\w+) \{/g)) fixed.add(m[1]!);
  expect(fixed.size).toBeGreaterThan(0);
  for (const name of fixed) expect(Object.keys(TS)).toContain(name);
});

test("no TypeScript file outside src/native/ imports bun:ffi, and inside it only ffi.ts does", () => {
  const { stdout } = Bun.spawnSync(["git", "grep", "-l", "from \"bun:ffi\"", "--", "src"], { cwd: join(import.meta.dir, "..") });
  expect(stdout.toString().trim().split("\n")).toEqual(["src/native/ffi.ts"]);
});
