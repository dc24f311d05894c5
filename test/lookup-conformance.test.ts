/**
 * @module lookup-conformance.test — the lookup conformance suite (test/lookup-cases.ts) against the pure-TS
 * reference and against the native core, answer text for answer text.
 */
import { afterAll } from "bun:test";
import { native, type IndexHandle } from "../src/native";
import { resolveOptions } from "../src/core/options";
import { referenceDecode } from "../src/reference/bind";
import { referenceIndex } from "../src/reference/lookup";
import { planText } from "../src/bind/shape";
import { runLookupCases } from "./lookup-cases";

const encoder = new TextEncoder();

runLookupCases({ name: "reference", index: referenceIndex, decode: referenceDecode });

const indexes: IndexHandle[] = [];
afterAll(() => indexes.forEach((handle) => native().indexFree(handle)));

runLookupCases({
  name: "native",
  index: (input, options) => {
    const { handle, leaves } = native().indexBuild(input, resolveOptions(options));
    indexes.push(handle);
    return {
      get: (path) => native().indexGet(handle, encoder.encode(path)).text,
      byKey: (key) => native().indexFind(handle, "key", encoder.encode(key), 0).text,
      byValue: (value) => native().indexFind(handle, "value", value, 0).text,
      leaves,
    };
  },
  decode: (fields, input) => {
    const shape = native().compileShape(encoder.encode(planText(fields)));
    try {
      const { text, mismatch } = native().decode(shape, input, resolveOptions());
      return mismatch ? { ok: false, problems: text } : { ok: true, text };
    } finally {
      native().freeShape(shape);
    }
  },
});
