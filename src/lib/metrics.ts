// biome-ignore-all lint/style/noNonNullAssertion: bucket arrays are created with one slot per bucket and indexed by the same loop.
/**
 * A small in-process Prometheus registry: request counts and latency per route, operation outcomes.
 * Labels are route patterns and codes only, never ids or PHI.
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  private requests = new Map<string, number>();
  private durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private operations = new Map<string, number>();

  observeRequest(method: string, route: string, status: number, seconds: number) {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const dKey = `method="${method}",route="${route}"`;
    const d = this.durations.get(dKey) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) d.buckets[i]!++;
    });
    d.sum += seconds;
    d.count++;
    this.durations.set(dKey, d);
  }

  observeOperation(action: string, outcome: string) {
    const key = `action="${action}",outcome="${outcome}"`;
    this.operations.set(key, (this.operations.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines: string[] = [
      "# HELP pms_gateway_http_requests_total HTTP requests by route and status.",
      "# TYPE pms_gateway_http_requests_total counter",
      ...[...this.requests].map(([k, v]) => `pms_gateway_http_requests_total{${k}} ${v}`),
      "# HELP pms_gateway_http_request_duration_seconds Time to answer, by route.",
      "# TYPE pms_gateway_http_request_duration_seconds histogram",
    ];
    for (const [k, d] of this.durations) {
      for (const [i, b] of BUCKETS.entries()) lines.push(`pms_gateway_http_request_duration_seconds_bucket{${k},le="${b}"} ${d.buckets[i]}`);
      lines.push(`pms_gateway_http_request_duration_seconds_bucket{${k},le="+Inf"} ${d.count}`);
      lines.push(`pms_gateway_http_request_duration_seconds_sum{${k}} ${d.sum.toFixed(6)}`);
      lines.push(`pms_gateway_http_request_duration_seconds_count{${k}} ${d.count}`);
    }
    lines.push("# HELP pms_gateway_operations_total PMS operations by tool name and outcome code.", "# TYPE pms_gateway_operations_total counter");
    for (const [k, v] of this.operations) lines.push(`pms_gateway_operations_total{${k}} ${v}`);
    return `${lines.join("\n")}\n`;
  }
}
