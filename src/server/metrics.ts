/**
 * @module server/metrics — request counters in the Prometheus text format: requests by route and status,
 * body bytes in and out, a latency histogram, and the process's memory (RSS, JS heap, live native bytes).
 */
import { native } from "../native";

/** Upper bounds of the latency histogram, in seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's counters; `observe` after each response, `render` for `GET /metrics`.
 *
 * @example
 * const metrics = new Metrics();
 * metrics.observe("/flatten", 200, 2048, 1900, 0.0007);
 * metrics.render() // "# HELP jsonflat_http_requests_total ...\n..."
 */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly bytesIn = new Map<string, number>();
  private readonly bytesOut = new Map<string, number>();
  private readonly buckets = new Map<string, number[]>();
  private readonly sums = new Map<string, number>();
  private inFlight = 0;

  /** A request started (for the in-flight gauge). */
  start(): void {
    this.inFlight++;
  }

  /**
   * A request ended: its route label, status, body bytes read and written, and seconds from arrival to the
   * last byte written.
   */
  observe(route: string, status: number, bytesIn: number, bytesOut: number, seconds: number): void {
    this.inFlight--;
    const key = `route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.bytesIn.set(route, (this.bytesIn.get(route) ?? 0) + bytesIn);
    this.bytesOut.set(route, (this.bytesOut.get(route) ?? 0) + bytesOut);
    let counts = this.buckets.get(route);
    if (!counts) this.buckets.set(route, (counts = new Array(BUCKETS.length + 1).fill(0)));
    const bucket = BUCKETS.findIndex((bound) => seconds <= bound);
    counts[bucket < 0 ? BUCKETS.length : bucket]!++;
    this.sums.set(route, (this.sums.get(route) ?? 0) + seconds);
  }

  /** Requests counted so far with this status class (5 for 5xx), for tests and benchmarks. */
  count(statusClass?: number): number {
    let n = 0;
    for (const [key, value] of this.requests) {
      if (statusClass === undefined || key.includes(`status="${statusClass}`)) n += value;
    }
    return n;
  }

  /** The Prometheus text exposition of every counter. */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("jsonflat_http_requests_total", "counter", "Requests by route and status.");
    for (const [labels, n] of this.requests) lines.push(`jsonflat_http_requests_total{${labels}} ${n}`);
    family("jsonflat_http_request_bytes_total", "counter", "Request body bytes read, by route.");
    for (const [route, n] of this.bytesIn) lines.push(`jsonflat_http_request_bytes_total{route="${route}"} ${n}`);
    family("jsonflat_http_response_bytes_total", "counter", "Response body bytes written, by route.");
    for (const [route, n] of this.bytesOut) lines.push(`jsonflat_http_response_bytes_total{route="${route}"} ${n}`);
    family("jsonflat_http_requests_in_flight", "gauge", "Requests being handled now.");
    lines.push(`jsonflat_http_requests_in_flight ${this.inFlight}`);
    family("jsonflat_http_request_duration_seconds", "histogram", "Time from arrival to the last byte written, by route.");
    for (const [route, counts] of this.buckets) {
      let cumulative = 0;
      BUCKETS.forEach((bound, i) => {
        cumulative += counts[i]!;
        lines.push(`jsonflat_http_request_duration_seconds_bucket{route="${route}",le="${bound}"} ${cumulative}`);
      });
      cumulative += counts[BUCKETS.length]!;
      lines.push(`jsonflat_http_request_duration_seconds_bucket{route="${route}",le="+Inf"} ${cumulative}`);
      lines.push(`jsonflat_http_request_duration_seconds_sum{route="${route}"} ${this.sums.get(route)}`);
      lines.push(`jsonflat_http_request_duration_seconds_count{route="${route}"} ${cumulative}`);
    }
    const memory = process.memoryUsage();
    const allocated = native().allocStats();
    family("jsonflat_process_resident_bytes", "gauge", "Resident set size of the server process.");
    lines.push(`jsonflat_process_resident_bytes ${memory.rss}`);
    family("jsonflat_process_js_heap_bytes", "gauge", "JavaScript heap in use.");
    lines.push(`jsonflat_process_js_heap_bytes ${memory.heapUsed}`);
    family("jsonflat_native_live_bytes", "gauge", "Bytes the native library has allocated and not yet freed (results not yet collected included).");
    lines.push(`jsonflat_native_live_bytes ${allocated.liveBytes}`);
    return `${lines.join("\n")}\n`;
  }
}
