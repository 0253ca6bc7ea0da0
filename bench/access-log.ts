import { closeSync, openSync, readSync, statSync } from "node:fs";
import { percentile } from "./percentile";

export type ServiceShare = { requests: number; inService: Percentiles; inConnector: Percentiles; own: Percentiles };
type Percentiles = { p50: number; p99: number };

/** Where the service's log file ends now: a later `serviceShare` reads only what was written after it. */
export const logOffset = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

const percentiles = (values: number[]): Percentiles => ({ p50: percentile(values, 50), p99: percentile(values, 99) });

/**
 * Reads the service's own access-log lines for `route` written since `offset`: each says how long the
 * request took in the service (`ms`, from reading it to handing back the answer) and how much of that was
 * spent in the practice system's connector (`pmsMs`, the vendor's answer included). What is left is the
 * service's own handling. It does not see the time a request waited before the service read it.
 */
export function serviceShare(file: string, offset: number, route: string): ServiceShare {
  const size = logOffset(file) - offset;
  const buffer = Buffer.alloc(Math.max(0, size));
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  const inService: number[] = [];
  const inConnector: number[] = [];
  const own: number[] = [];
  for (const text of buffer.toString("utf8").split("\n")) {
    if (!text.includes('"msg":"request"') || !text.includes(`"route":${JSON.stringify(route)}`)) continue;
    const line = JSON.parse(text) as { status: number; ms?: number; pmsMs?: number };
    if (line.status !== 200 || line.ms === undefined || line.pmsMs === undefined) continue;
    inService.push(line.ms);
    inConnector.push(line.pmsMs);
    own.push(line.ms - line.pmsMs);
  }
  return { requests: own.length, inService: percentiles(inService), inConnector: percentiles(inConnector), own: percentiles(own) };
}
