/**
 * @module native-handle.test — every owner of a native object (Query, PathIndex, Binding) shares one base:
 * `dispose()` is idempotent, `using` frees at the end of the block, use after dispose throws a JsonFlatError,
 * and nothing native stays alive.
 */
import { expect, test } from "bun:test";
import { bind, compileQuery, JsonFlatError, pathIndex, search } from "../src/index";
import { native } from "../src/native";
import { NativeHandle } from "../src/native/handle";

type Owner = { dispose(): void; [Symbol.dispose](): void };
const owners: Record<"query" | "index" | "binding", () => Owner> = {
  query: () => compileQuery({ key: "a" }),
  index: () => pathIndex('{"a":1}'),
  binding: () => bind({ a: "integer" }),
};
const uses = {
  query: (q: unknown) => search('{"a":1}', q as ReturnType<typeof compileQuery>),
  index: (i: unknown) => (i as ReturnType<typeof pathIndex>).get("a"),
  binding: (b: unknown) => (b as ReturnType<typeof bind>).decode('{"a":1}'),
};

for (const [what, make] of Object.entries(owners) as [keyof typeof owners, () => Owner][]) {
  test(`${what}: one NativeHandle base; dispose is idempotent and use after it throws INVALID_OPTION`, () => {
    const before = native().allocStats().liveBlocks;
    const owner = make();
    expect(owner).toBeInstanceOf(NativeHandle);
    uses[what](owner);
    owner.dispose();
    owner.dispose();
    expect(native().allocStats().liveBlocks).toBe(before);
    let thrown: unknown;
    try {
      uses[what](owner);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(JsonFlatError);
    expect(thrown).toMatchObject({ code: "INVALID_OPTION", message: `this ${what} was disposed` });
  });

  test(`${what}: \`using\` frees it at the end of the block`, () => {
    const before = native().allocStats().liveBlocks;
    {
      using owner = make();
      uses[what](owner);
      expect(native().allocStats().liveBlocks).toBeGreaterThan(before);
    }
    expect(native().allocStats().liveBlocks).toBe(before);
  });
}
