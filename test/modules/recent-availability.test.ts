import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { makeClinicTestApp } from "../helpers/app";
import { json } from "../helpers/request";

/**
 * Availability answers reused for a few seconds on one instance: what another writer changes shows
 * within that time; what this instance books, moves or cancels shows at once.
 */
let t: Awaited<ReturnType<typeof makeClinicTestApp>>;
beforeEach(async () => {
  t = await makeClinicTestApp({ env: { AVAILABILITY_REUSE_MS: "2000" } });
});
afterEach(() => t.close());

const starts = async () => {
  const body = await json(await t.call("/api/pms/appointments/availability?date=2026-12-02&providerId=2&durationMinutes=30&limit=20"));
  return (body.data.slots as Array<{ start: string }>).map((s) => s.start);
};

describe("recent availability answers", () => {
  test("a booking through this instance shows at once; one made elsewhere shows within the reuse time", async () => {
    const [first] = await starts();
    expect(first).toBeDefined();
    const booked = await t.call("/api/pms/appointments", { body: { patientId: "1", start: first, durationMinutes: 30, providerId: "2" } });
    expect(booked.status).toBe(201);
    const after = await starts();
    expect(after).not.toContain(first);
    const second = after.at(-1) ?? "";
    expect(second).not.toBe("");

    // Another writer (another instance, through the same database) books the last time offered: this
    // instance may still offer it for up to 2 s, never longer.
    await t.database.client.execute({
      sql: `insert into sandbox_appointments (account_id, patient_id, provider_id, operatory_id, start_utc, end_utc, type, status, created_at, updated_at)
            select account_id, 1, 2, operatory_id, ?, ?, 'exam', 'scheduled', '', '' from sandbox_providers where account_id = ? and id = 2`,
      args: [new Date(second).toISOString(), new Date(Date.parse(second) + 30 * 60_000).toISOString(), t.accountId],
    });
    expect(await starts()).toContain(second);
    t.clock.advance(2_000);
    expect(await starts()).not.toContain(second);
  });
});
