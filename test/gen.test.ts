/**
 * @module gen.test — the benchmark data generators: valid, reproducible, shaped like the Open Library dump.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDocument } from "../bench/gen/big-document";
import { generate } from "../bench/gen/openlibrary";

const dir = mkdtempSync(join(tmpdir(), "jsonflat-gen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("Open Library lines: 5 TSV fields, JSON in column 5, both shapes of the text fields, reproducible", async () => {
  const out = join(dir, "ol.txt");
  const written = await generate({ bytes: 4 << 20, seed: 7n, out, kinds: ["editions", "works", "authors"] });
  const text = await Bun.file(out).text();
  expect(Buffer.byteLength(text)).toBe(written);
  expect(written).toBeGreaterThanOrEqual(4 << 20);
  const lines = text.split("\n").filter(Boolean);
  const shapes = { string: 0, object: 0 };
  for (const line of lines) {
    const fields = line.split("\t");
    expect(fields.length).toBe(5);
    expect(fields[0]).toMatch(/^\/type\/(edition|work|author)$/);
    const json = JSON.parse(fields[4]!);
    expect(json.key).toBe(fields[1]);
    for (const field of ["notes", "description", "bio", "first_sentence"]) {
      if (typeof json[field] === "string") shapes.string++;
      else if (json[field]?.type === "/type/text") shapes.object++;
    }
  }
  expect(shapes.string).toBeGreaterThan(0);
  expect(shapes.object).toBeGreaterThan(0);
  const again = join(dir, "again.txt");
  await generate({ bytes: 4 << 20, seed: 7n, out: again, kinds: ["editions", "works", "authors"] });
  expect(Bun.hash(await Bun.file(again).bytes())).toBe(Bun.hash(await Bun.file(out).bytes()));
});

test("big document: one valid JSON value of the requested size, reproducible", async () => {
  const out = join(dir, "big.json");
  const written = generateDocument({ bytes: 2 << 20, seed: 3, out });
  const text = await Bun.file(out).text();
  expect(written).toBeGreaterThanOrEqual(2 << 20);
  const doc = JSON.parse(text);
  expect(doc.items.length).toBeGreaterThan(10);
  const again = join(dir, "big2.json");
  generateDocument({ bytes: 2 << 20, seed: 3, out: again });
  expect(await Bun.file(again).text()).toBe(text);
});
