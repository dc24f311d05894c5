/**
 * @module bench/http/baseline — the plain Bun peer of the load benchmark: `JSON.stringify(flat(await req.json()))`
 * with npm `flat`, the JS pipeline a server would use without jsonflat. With `ceiling`, the same server reads the
 * body and answers `{}`: what Bun's HTTP layer alone allows on this machine.
 *
 * usage: bun bench/http/baseline.ts PORT [ceiling]
 */
import { flatten as flat } from "flat";

const ceiling = process.argv[3] === "ceiling";
const server = Bun.serve({
  port: Number(process.argv[2] ?? 8081),
  hostname: "127.0.0.1",
  maxRequestBodySize: 64 << 20,
  async fetch(req) {
    if (ceiling) {
      await req.arrayBuffer();
      return new Response("{}", { headers: { "content-type": "application/json" } });
    }
    try {
      return new Response(JSON.stringify(flat(await req.json())), { headers: { "content-type": "application/json" } });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 400 });
    }
  },
});
console.error(`baseline listening on ${server.url}`);
