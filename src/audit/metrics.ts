import { sql } from "drizzle-orm";
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
 * The three monitoring figures (per-action response times, error rate, PHI accesses and
 * distinct patients), from `pms_audit_logs` with SQLite time arithmetic. The (account_id, created_at)
 * and (created_at, action) indexes keep each a range scan.
 */
export async function auditMetrics(db: Database, clock: Clock, window: MetricsWindow, accountId?: string): Promise<AuditMetrics> {
  const since = toSqlTimestamp(new Date(clock.now().getTime() - WINDOWS[window]));
  const scope = accountId ? sql`account_id = ${accountId} and created_at > ${since}` : sql`created_at > ${since}`;
  const [perAction, totals, phi, errors] = await Promise.all([
    db.all<{ action: string; n: number; avg_ms: number; max_ms: number; errors: number }>(sql`
      select action, count(*) as n, avg(response_time) as avg_ms, max(response_time) as max_ms,
             sum(case when success = 0 then 1 else 0 end) as errors
        from pms_audit_logs where ${scope} group by action order by action`),
    db.all<{ n: number; failed: number }>(sql`
      select count(*) as n, sum(case when success = 0 then 1 else 0 end) as failed from pms_audit_logs where ${scope}`),
    db.all<{ accesses: number; patients: number }>(sql`
      select count(*) as accesses, count(distinct patient_id) as patients
        from pms_audit_logs where ${scope} and phi_accessed = 1`),
    db.all<{ code: string; n: number }>(sql`
      select error_code as code, count(*) as n from pms_audit_logs
       where ${scope} and error_code like 'PMS_%' group by error_code`),
  ]);
  const n = Number(totals[0]?.n ?? 0);
  const failed = Number(totals[0]?.failed ?? 0);
  return {
    window,
    since,
    requests: n,
    errorRate: n === 0 ? 0 : Math.round((10_000 * failed) / n) / 100,
    perAction: perAction.map((r) => ({
      action: r.action,
      count: Number(r.n),
      avgResponseMs: Math.round(Number(r.avg_ms) * 10) / 10,
      maxResponseMs: Number(r.max_ms),
      errors: Number(r.errors),
    })),
    phi: { accesses: Number(phi[0]?.accesses ?? 0), distinctPatients: Number(phi[0]?.patients ?? 0) },
    pmsErrorsByCode: Object.fromEntries(errors.map((e) => [e.code, Number(e.n)])),
  };
}
