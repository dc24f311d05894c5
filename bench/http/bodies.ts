/**
 * @module bench/http/bodies — writes the request bodies of the load benchmark into a scratch directory: a ~2 KB
 * document cut from twitter.json, and the valid and bad bodies of the mixed run (with their list for wrk).
 *
 * usage: bun bench/http/bodies.ts DIR
 */
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: bun bench/http/bodies.ts DIR");
const TWITTER = new URL("../../../shared/data/bench/twitter.json", import.meta.url).pathname;
const twitter = await Bun.file(TWITTER).bytes();
const statuses = (JSON.parse(new TextDecoder().decode(twitter)) as { statuses: { user: Record<string, unknown> }[] }).statuses;

// About 2 KB of UTF-8: the first user objects of the timeline, then tweet texts, as many as fit.
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const users: unknown[] = [];
while (size({ users: [...users, statuses[users.length]!.user] }) <= 2048) users.push(statuses[users.length]!.user);
const texts: string[] = [];
for (const status of statuses as unknown as { text: string }[]) {
  if (size({ users, texts: [...texts, status.text] }) > 2048) break;
  texts.push(status.text);
}
const small = JSON.stringify({ users, texts });
await Bun.write(join(dir, "small.json"), small);

const encoder = new TextEncoder();
/** The mixed run: [method, path, content type, file]; every body is read by wrk once at start. */
const mixed: [string, string, string, string, string | Uint8Array][] = [
  ["POST", "/flatten", "application/json", "valid-small.json", small],
  ["POST", "/flatten?style=pointer&format=entries", "application/json", "valid-entries.json", small],
  ["POST", "/search?key=screen_name", "application/json", "valid-search.json", small],
  ["POST", "/schema", "application/json", "valid-schema.json", small],
  ["POST", "/flatten", "application/json", "truncated.json", small.slice(0, 1000)],
  ["POST", "/flatten", "application/json", "garbage.json", "{\"a\":[1,2,}tru"],
  ["POST", "/flatten", "application/json", "deep.json", "[".repeat(100_000) + "]".repeat(100_000)],
  ["POST", "/flatten", "application/json", "bad-utf8.json", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ["POST", "/flatten", "text/plain", "wrong-type.json", small],
  ["POST", "/flatten?style=xml", "application/json", "bad-option.json", small],
  ["POST", "/unflatten", "application/json", "conflict.json", '{"a":1,"a.b":2}'],
  ["POST", "/flatten?onError=emit", "application/x-ndjson", "ndjson-mixed.ndjson", `${small}\n{"bad":\n${small}\n`],
  ["POST", "/flatten", "application/x-ndjson", "ndjson-bad.ndjson", `${small}\nnot json\n`],
  ["POST", "/nowhere", "application/json", "not-found.json", "{}"],
  ["GET", "/flatten", "application/json", "empty.json", ""],
  ["POST", "/flatten", "application/json", "large.json", twitter],
];
const list: string[] = [];
for (const [method, path, type, file, body] of mixed) {
  await Bun.write(join(dir, file), typeof body === "string" ? encoder.encode(body) : body);
  list.push([method, path, type, join(dir, file)].join("\t"));
}
await Bun.write(join(dir, "mixed.tsv"), `${list.join("\n")}\n`);
console.error(`bodies in ${dir}: small.json ${Buffer.byteLength(small)} B, ${mixed.length} mixed kinds`);
