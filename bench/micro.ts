import { DateTime } from "luxon";
import { auditMetrics } from "../src/audit/metrics";
import { openDatabase } from "../src/db/client";
import { applyMigrations } from "../src/db/migrate";
import { type BusyInterval, freeSlots, type ScheduleProvider } from "../src/domain/availability";
import { DEFAULT_APPOINTMENT_TYPES } from "../src/domain/practice";
import { percentile } from "./percentile";

/** Availability over 14 days with 10 providers and 5,000 booked appointments, the pure computation. */
export function availabilityBench(): { p50ms: number; p99ms: number; slots: number } {
  const zone = "America/New_York";
  const practice = {
    accountId: "bench",
    timezone: zone,
    currency: "USD",
    officeHours: {
      mon: [["07:00", "19:00"]],
      tue: [["07:00", "19:00"]],
      wed: [["07:00", "19:00"]],
      thu: [["07:00", "19:00"]],
      fri: [["07:00", "19:00"]],
      sat: [["08:00", "13:00"]],
    } as Record<string, Array<[string, string]>>,
    defaultDurationMinutes: 30,
    slotStepMinutes: 15,
    appointmentTypes: DEFAULT_APPOINTMENT_TYPES,
  };
  const providers: ScheduleProvider[] = Array.from({ length: 10 }, (_, i) => ({
    id: `p${i}`,
    name: `Provider ${i}`,
    operatoryIds: [`op${i}`],
    appointmentTypes: null,
  }));
  const start = DateTime.fromISO("2026-12-07T07:00", { zone });
  const busy: BusyInterval[] = [];
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 5000; i++) {
    const s = start.plus({ days: Math.floor(rand() * 14), minutes: Math.floor(rand() * 48) * 15 }).toMillis();
    const p = Math.floor(rand() * 10);
    busy.push({ providerId: `p${p}`, operatoryId: `op${p}`, start: s, end: s + 30 * 60_000 });
  }
  const times: number[] = [];
  let slots = 0;
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    slots = freeSlots({
      practice,
      providers,
      busy,
      query: { startDate: "2026-12-07", endDate: "2026-12-20", durationMinutes: 30, appointmentType: null, limit: 5 },
      now: new Date("2026-12-01T00:00:00Z"),
    }).length;
    times.push(performance.now() - t0);
  }
  return { p50ms: percentile(times.slice(10), 50), p99ms: percentile(times.slice(10), 99), slots };
}

/** The seed's monitoring queries over 1,000,000 audit rows (file database with the real migrations). */
export async function metricsBench(dir: string): Promise<{ rows: number; windows: Record<string, number> }> {
  const handle = await openDatabase({ url: `file:${dir}/metrics-bench.db` });
  await applyMigrations(handle.db);
  // Bulk rows straight in SQL: the chain trigger checks one insert at a time, and this is a throwaway copy.
  await handle.client.execute("drop trigger pms_audit_logs_chain");
  const actions = ["check_availability", "book_appointment", "search_patients", "get_patient", "get_patient_balance", "add_patient_note"];
  await handle.client.execute(`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000)
    insert into pms_audit_logs (account_id, call_id, action, patient_id, phi_accessed, success, status_code, error_code, response_time, request_id, actor, created_at)
    select 'acc_' || (i % 50), 'call-' || (i / 7), json_extract('${JSON.stringify(actions)}', '$[' || (i % 6) || ']'),
           cast(i % 5000 as text), (i % 6) > 0, (i % 37) > 0, case when (i % 37) > 0 then 200 else 503 end,
           case when (i % 37) > 0 then null else 'PMS_UNAVAILABLE' end, 20 + (i % 400), 'req_' || i, 'vapi',
           strftime('%Y-%m-%d %H:%M:%f', '2026-12-01 00:00:00', '-' || (i * 2.6) || ' seconds')
      from n`);
  await handle.client.execute("analyze");
  const clock = { now: () => new Date("2026-12-01T00:00:00Z") };
  const windows: Record<string, number> = {};
  for (const [label, window, account] of [
    ["1h, all clinics", "1h", undefined],
    ["24h, all clinics", "24h", undefined],
    ["24h, one clinic", "24h", "acc_7"],
    ["7d, one clinic", "7d", "acc_7"],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await auditMetrics(handle.db, clock, window, account);
      times.push(performance.now() - t0);
    }
    windows[label] = percentile(times.slice(2), 50);
  }
  handle.close();
  return { rows: 1_000_000, windows };
}
