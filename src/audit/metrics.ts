import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Clock, toSqlTimestamp } from "../lib/clock";

export const WINDOWS = { "15m": 15 * 60_000, "1h": 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000, "30d": 30 * 24 * 3600_000 } as const;
export type MetricsWindow = keyof typeof WINDOWS;

export type AuditMetrics = {
  window: MetricsWindow;
  since: string;
  requests: number;
  errorRate: number;
  perAction: Array<{ action: string; count: number; avgResponseMs: number; maxResponseMs: number; errors: number }>;
  phi: { accesses: number; distinctPatients: number };
  pmsErrorsByCode: Record<string, number>;
};

/**
 * The two scans of a window: one grouped by action and error code, from which every count, time and
 * error figure is summed, and one for the distinct patients. A window is a range of an index that
 * carries every column read here: the (account_id, created_at, …) one for a clinic, the (created_at, …)
 * one for all of them.
 */
export function metricsScans(since: string, accountId?: string): { groups: SQL; patients: SQL } {
  const scope = accountId ? sql`account_id = ${accountId} and created_at > ${since}` : sql`created_at > ${since}`;
  return {
    groups: sql`
      select action, error_code as code, count(*) as n, sum(response_time) as total_ms, max(response_time) as max_ms,
             sum(case when success = 0 then 1 else 0 end) as failed, sum(phi_accessed) as phi
        from pms_audit_logs where ${scope} group by action, error_code`,
    patients: sql`select count(distinct patient_id) as patients from pms_audit_logs where ${scope} and phi_accessed = 1`,
  };
}

/**
 * The three monitoring figures (per-action response times, error rate, PHI accesses and
 * distinct patients), from `pms_audit_logs` with SQLite time arithmetic.
 */
export async function auditMetrics(db: Database, clock: Clock, window: MetricsWindow, accountId?: string): Promise<AuditMetrics> {
  const since = toSqlTimestamp(new Date(clock.now().getTime() - WINDOWS[window]));
  const scans = metricsScans(since, accountId);
  const [groups, phi] = await Promise.all([
    db.all<{ action: string; code: string | null; n: number; total_ms: number; max_ms: number; failed: number; phi: number }>(scans.groups),
    db.all<{ patients: number }>(scans.patients),
  ]);
  const actions = new Map<string, { count: number; totalMs: number; maxMs: number; errors: number }>();
  const pmsErrorsByCode: Record<string, number> = {};
  let n = 0;
  let failed = 0;
  let accesses = 0;
  for (const g of groups) {
    const count = Number(g.n);
    const a = actions.get(g.action) ?? { count: 0, totalMs: 0, maxMs: Number.NEGATIVE_INFINITY, errors: 0 };
    a.count += count;
    a.totalMs += Number(g.total_ms);
    a.maxMs = Math.max(a.maxMs, Number(g.max_ms));
    a.errors += Number(g.failed);
    actions.set(g.action, a);
    n += count;
    failed += Number(g.failed);
    accesses += Number(g.phi);
    if (g.code?.startsWith("PMS_")) pmsErrorsByCode[g.code] = (pmsErrorsByCode[g.code] ?? 0) + count;
  }
  return {
    window,
    since,
    requests: n,
    errorRate: n === 0 ? 0 : Math.round((10_000 * failed) / n) / 100,
    perAction: [...actions.entries()]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([action, a]) => ({
        action,
        count: a.count,
        avgResponseMs: Math.round((a.totalMs / a.count) * 10) / 10,
        maxResponseMs: a.maxMs,
        errors: a.errors,
      })),
    phi: { accesses, distinctPatients: Number(phi[0]?.patients ?? 0) },
    pmsErrorsByCode,
  };
}
