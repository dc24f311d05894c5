#!/usr/bin/env bun
/**
 * @module mesh — writes one number-heavy JSON document shaped like a 3D mesh (default 8 MB), seeded and
 * reproducible: `vertices` and `normals` as [x, y, z] rows of floats, `uv` as [u, v] rows, `faces` as
 * [a, b, c] rows of integer indexes, plus a small header. What canada.json is for 2D coordinate pairs, this is
 * for rows of three: the flatten walk's rows (c/src/flatten.c, index_run) against the yyjson ceiling.
 *
 * @example
 * bun bench/gen/mesh.ts --bytes 8M --seed 1 --out /tmp/mesh.json
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { random } from "./big-document";
import { parseSize, timed } from "./run";

const encoder = new TextEncoder();

/** A float as a mesh exporter writes it: 6 to 17 significant digits, some with exponents. */
function float(rand: () => number, scale: number): string {
  const x = (rand() * 2 - 1) * scale;
  const pick = rand();
  if (pick < 0.6) return x.toFixed(6);
  if (pick < 0.95) return String(x);
  return x.toExponential(8);
}

/**
 * Writes a mesh document of about `bytes` bytes to `out` (`-`: stdout) and returns its size. A quarter of the
 * vertex count goes to each of vertices, normals, uv and faces, so the four arrays are about the same length.
 *
 * @example
 * generateMesh({ bytes: 1 << 20, seed: 1, out: "/tmp/mesh.json" }) // ≈ 1 MiB
 */
export function generateMesh(options: { bytes: number; seed: number; out: string }): number {
  const rand = random(options.seed);
  const vertices = Math.max(1, Math.floor(options.bytes / 122)); // ≈ 122 bytes of text per vertex over the four arrays
  const rows = (count: number, row: () => string) => {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(row());
    return `[${parts.join(",")}]`;
  };
  const text =
    `{"type":"mesh","name":"seeded ${options.seed}","bounds":{"min":[-100,-100,-100],"max":[100,100,100]},` +
    `"vertices":${rows(vertices, () => `[${float(rand, 100)},${float(rand, 100)},${float(rand, 100)}]`)},` +
    `"normals":${rows(vertices, () => `[${float(rand, 1)},${float(rand, 1)},${float(rand, 1)}]`)},` +
    `"uv":${rows(vertices, () => `[${rand().toFixed(5)},${rand().toFixed(5)}]`)},` +
    `"faces":${rows(vertices, () => `[${Math.floor(rand() * vertices)},${Math.floor(rand() * vertices)},${Math.floor(rand() * vertices)}]`)}}\n`;
  const bytes = encoder.encode(text);
  const fd = options.out === "-" ? 1 : openSync(options.out, "w");
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  if (fd !== 1) closeSync(fd);
  return bytes.length;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      bytes: { type: "string", default: "8M" },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: "-" },
    },
  });
  await timed("mesh", () => generateMesh({ bytes: parseSize(values.bytes!), seed: Number(values.seed), out: values.out! }));
}
