import { afterEach, beforeEach, expect, test } from "bun:test";
import { clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

// A temp-file database: concurrent requests use separate connections, as in production.
let t: TestApp;
let headers: Record<string, string>;
beforeEach(async () => {
  t = await makeTestApp({ fileDatabase: true });
  headers = bearer(await clinicToken((await createSandboxClinic(t.deps)).id));
});
afterEach(() => t.close());

const book = (patientId: string, extra: Record<string, string> = {}) =>
  t.handle(
    jsonRequest("/api/pms/appointments", {
      headers: { ...headers, ...extra },
      body: { patientId, start: "2026-12-09T10:00:00", providerId: "1", appointmentType: "exam" },
    }),
  );

test("ten callers booking the same slot at once: exactly one gets it", async () => {
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => book(String((i % 10) + 1))));
  const statuses = results.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  const rows = await t.database.client.execute(
    "select count(*) as n from sandbox_appointments where start_utc = '2026-12-09T15:00:00.000Z' and status = 'scheduled'",
  );
  expect(Number(rows.rows[0]!.n)).toBe(1);
});

test("the same Idempotency-Key sent five times at once: one booking, five identical answers", async () => {
  const results = await Promise.all(Array.from({ length: 5 }, () => book("1", { "idempotency-key": "same-key" })));
  const bodies = await Promise.all(results.map((r) => json(r)));
  expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
  expect(new Set(bodies.map((b) => b.data.appointment.id)).size).toBe(1);
  const rows = await t.database.client.execute("select count(*) as n from sandbox_appointments where start_utc = '2026-12-09T15:00:00.000Z'");
  expect(Number(rows.rows[0]!.n)).toBe(1);
  const audit = await t.database.client.execute("select count(*) as n from pms_audit_logs where action = 'book_appointment'");
  expect(Number(audit.rows[0]!.n)).toBe(5);
});
