import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { auditMetrics, metricsScans } from "../../src/audit/metrics";
import { openDatabase } from "../../src/db/client";
import { applyMigrations } from "../../src/db/migrate";

/**
 * The monitoring figures come from two scans summed in code; they must equal what one query per figure
 * says (the plain SQL definition of each), for any mix of rows.
 */
const NOW = new Date("2026-12-01T12:00:00Z");
const row = fc.record({
  account: fc.constantFrom("acc_a", "acc_b"),
  action: fc.constantFrom("book_appointment", "check_availability", "get_patient", "search_patients"),
  code: fc.constantFrom(null, "PMS_UNAVAILABLE", "PMS_TIMEOUT", "VALIDATION", "PATIENT_NOT_FOUND"),
  success: fc.boolean(),
  phi: fc.boolean(),
  patient: fc.constantFrom(null, "1", "2", "3", "77"),
  ms: fc.integer({ min: 0, max: 5000 }),
  minutesAgo: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

test("every figure equals its plain SQL definition, per window and per clinic", async () => {
  const handle = await openDatabase({ url: ":memory:" });
  await applyMigrations(handle.db);
  // A throwaway copy: rows go in directly, without the chain.
  await handle.client.execute("drop trigger pms_audit_logs_chain");
  await handle.client.execute("drop trigger pms_audit_logs_no_delete");
  const clock = { now: () => NOW };
  await fc.assert(
    fc.asyncProperty(
      fc.array(row, { maxLength: 60 }),
      fc.constantFrom("1h", "24h", "7d"),
      fc.constantFrom(undefined, "acc_a"),
      async (rows, window, account) => {
        await handle.client.execute("delete from pms_audit_logs");
        for (const [i, r] of rows.entries()) {
          await handle.client.execute({
            sql: `insert into pms_audit_logs (account_id, action, patient_id, phi_accessed, success, status_code, error_code, response_time, request_id, actor, created_at)
                values (?, ?, ?, ?, ?, 200, ?, ?, ?, 'vapi', strftime('%Y-%m-%d %H:%M:%f', ?, '-' || ? || ' minutes'))`,
            args: [r.account, r.action, r.patient, r.phi ? 1 : 0, r.success ? 1 : 0, r.code, r.ms, `req_${i}`, "2026-12-01 12:00:00", r.minutesAgo],
          });
        }
        const m = await auditMetrics(handle.db, clock, window, account);
        const since = m.since;
        const scope = account ? "account_id = ? and created_at > ?" : "created_at > ?";
        const args = account ? [account, since] : [since];
        const q = async (sql: string) => (await handle.client.execute({ sql, args })).rows;
        const perAction = await q(`select action, count(*) as n, avg(response_time) as avg_ms, max(response_time) as max_ms,
          sum(case when success = 0 then 1 else 0 end) as errors from pms_audit_logs where ${scope} group by action order by action`);
        const [totals] = await q(`select count(*) as n, sum(case when success = 0 then 1 else 0 end) as failed from pms_audit_logs where ${scope}`);
        const [phi] = await q(`select count(*) as accesses, count(distinct patient_id) as patients from pms_audit_logs where ${scope} and phi_accessed = 1`);
        const errors = await q(`select error_code as code, count(*) as n from pms_audit_logs where ${scope} and error_code like 'PMS_%' group by error_code`);
        const n = Number(totals?.n ?? 0);
        expect(m.requests).toBe(n);
        expect(m.errorRate).toBe(n === 0 ? 0 : Math.round((10_000 * Number(totals?.failed ?? 0)) / n) / 100);
        expect(m.perAction).toEqual(
          perAction.map((r) => ({
            action: String(r.action),
            count: Number(r.n),
            avgResponseMs: Math.round(Number(r.avg_ms) * 10) / 10,
            maxResponseMs: Number(r.max_ms),
            errors: Number(r.errors),
          })),
        );
        expect(m.phi).toEqual({ accesses: Number(phi?.accesses ?? 0), distinctPatients: Number(phi?.patients ?? 0) });
        expect(m.pmsErrorsByCode).toEqual(Object.fromEntries(errors.map((e) => [String(e.code), Number(e.n)])));
      },
    ),
    { numRuns: 60 },
  );
  handle.close();
});

test("every window is read from an index alone, never row by row from the table", async () => {
  const handle = await openDatabase({ url: ":memory:" });
  await applyMigrations(handle.db);
  for (const accountId of [undefined, "acc_a"]) {
    for (const scan of Object.values(metricsScans("2026-12-01 00:00:00.000", accountId))) {
      const plan = (await handle.db.all<{ detail: string }>(sql`explain query plan ${scan}`)).map((step) => step.detail);
      expect(plan.some((step) => /USING COVERING INDEX pms_audit_logs_/.test(step))).toBe(true);
      expect(plan.some((step) => /SCAN pms_audit_logs|USING INDEX|PRIMARY KEY/.test(step))).toBe(false);
    }
  }
  handle.close();
});
