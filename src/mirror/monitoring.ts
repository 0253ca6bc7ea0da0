import type { VendorRequestMeter } from "../lib/vendor-requests";
import type { MirrorStore } from "./store";

/** One practice's schedule mirror and vendor traffic, as monitoring shows them. */
export type PracticeFreshness = {
  accountId: string;
  provider: string;
  /** Seconds since the mirror last matched the vendor; null before its first load. */
  mirrorAgeSeconds: number | null;
  /** The last refresh's failure code, null when it worked. */
  mirrorError: string | null;
  /** Requests this instance sent to the practice's vendor, in all and in the last minute. */
  vendorRequests: number;
  vendorRequestsLastMinute: number;
};

export async function practiceFreshness(store: MirrorStore, meter: VendorRequestMeter, nowMs: number, accountId?: string): Promise<PracticeFreshness[]> {
  const rows = await store.overview(accountId);
  const seen = new Set(rows.map((r) => r.accountId));
  const figures: PracticeFreshness[] = rows.map((r) => ({
    accountId: r.accountId,
    provider: r.provider,
    mirrorAgeSeconds: r.syncedAt === null ? null : Math.max(0, Math.round((nowMs - r.syncedAt) / 1000)),
    mirrorError: r.lastError,
    vendorRequests: meter.total(r.accountId),
    vendorRequestsLastMinute: meter.lastMinute(r.accountId),
  }));
  // Practices on a PMS without a mirror still show their vendor traffic.
  for (const id of meter.accounts()) {
    if (seen.has(id) || (accountId && id !== accountId)) continue;
    figures.push({
      accountId: id,
      provider: "",
      mirrorAgeSeconds: null,
      mirrorError: null,
      vendorRequests: meter.total(id),
      vendorRequestsLastMinute: meter.lastMinute(id),
    });
  }
  return figures.sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** The same figures in Prometheus text format; labels are account ids and provider names only. */
export function renderFreshness(figures: PracticeFreshness[]): string {
  const lines = [
    "# HELP pms_gateway_schedule_mirror_age_seconds Seconds since the practice's schedule mirror last matched its PMS.",
    "# TYPE pms_gateway_schedule_mirror_age_seconds gauge",
    ...figures
      .filter((f) => f.mirrorAgeSeconds !== null)
      .map((f) => `pms_gateway_schedule_mirror_age_seconds{account="${f.accountId}",provider="${f.provider}"} ${f.mirrorAgeSeconds}`),
    "# HELP pms_gateway_schedule_mirror_failing 1 while the practice's last mirror refresh failed.",
    "# TYPE pms_gateway_schedule_mirror_failing gauge",
    ...figures
      .filter((f) => f.provider)
      .map((f) => `pms_gateway_schedule_mirror_failing{account="${f.accountId}",provider="${f.provider}"} ${f.mirrorError ? 1 : 0}`),
    "# HELP pms_gateway_vendor_requests_total Requests this instance sent to the practice's PMS vendor.",
    "# TYPE pms_gateway_vendor_requests_total counter",
    ...figures.map((f) => `pms_gateway_vendor_requests_total{account="${f.accountId}"} ${f.vendorRequests}`),
    "# HELP pms_gateway_vendor_requests_last_minute Requests to the practice's PMS vendor in the last 60 s.",
    "# TYPE pms_gateway_vendor_requests_last_minute gauge",
    ...figures.map((f) => `pms_gateway_vendor_requests_last_minute{account="${f.accountId}"} ${f.vendorRequestsLastMinute}`),
  ];
  return `${lines.join("\n")}\n`;
}
