/**
 * @module bench/types/once — one timed pass over an NDJSON file in this process: `schema` (the per-path schema,
 * `schemaStream`) or `types` (the type statistics behind JSON Schema and TypeScript, `typeStatsStream`). Prints
 * `{"mode","seconds","cpuSeconds","bytes","paths"}`. The library is whichever `JSONFLAT_LIB` names (bench/types/run.ts
 * alternates builds).
 *
 * @example
 * // JSONFLAT_LIB=zig-out/lib/libjsonflat.so bun bench/types/once.ts types /tmp/ol.txt 5
 */
import { statSync } from "node:fs";
import { schemaStream } from "../../src/query/schema";
import { typeStatsStream } from "../../src/query/type-stats";

const [mode, file, column] = process.argv.slice(2);
if ((mode !== "schema" && mode !== "types") || !file) throw new Error("usage: once.ts schema|types FILE [COLUMN]");
const options = { column: column ? Number(column) : 0, onError: "skip" as const };
const cpuBefore = process.cpuUsage();
const start = performance.now();
const paths = mode === "schema" ? Object.keys(await schemaStream(file, options)).length : (await typeStatsStream(file, options)).paths.size;
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6; // less disturbed than wall time on a shared machine
console.log(JSON.stringify({ mode, seconds, cpuSeconds, bytes: statSync(file).size, paths }));
