import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { adminToken, makeClinicTestApp } from "../helpers/app";
import { bearer, envelope, json, jsonRequest, signedRequest } from "../helpers/request";

let t: Awaited<ReturnType<typeof makeClinicTestApp>>;
let accountId: string;

beforeEach(async () => {
  t = await makeClinicTestApp();
  ({ accountId } = t);
});
afterEach(() => t.close());

const rows = async () => (await t.database.client.execute("select * from pms_audit_logs order by id")).rows;
const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) => t.call(path, init);

describe("one audit row for every PMS operation, success or failure", () => {
  test("every one of the eleven operations writes its row with the tool name as action", async () => {
    await call("/api/pms/appointments/availability?date=2026-12-02");
    const booked = await json(await call("/api/pms/appointments", { body: { patientId: "1", start: "2026-12-02T13:00:00", providerId: "1" } }));
    const id = booked.data.appointment.id;
    await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: id, start: "2026-12-02T15:30:00" } });
    await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: id } });
    await call("/api/pms/patients/search", { body: { query: "Garcia" } });
    await call("/api/pms/patients/1");
    await call("/api/pms/patients", { body: { firstName: "New", lastName: "Person", dateOfBirth: "2000-01-01", phone: "2025550177" } });
    await call("/api/pms/patients/1/notes", { body: { text: "hello" } });
    await call("/api/pms/patients/1/balance");
    await call("/api/pms/patients/1/insurance");
    await call("/api/pms/payments", { body: { patientId: "1", amount: 1, method: "cash" } });
    const all = await rows();
    expect(JSON.stringify(all.filter((r) => r.success !== 1).map((r) => [r.action, r.error_code]))).toBe("[]");
    expect(all.map((r) => r.action)).toEqual([
      "check_availability",
      "book_appointment",
      "reschedule_appointment",
      "cancel_appointment",
      "search_patients",
      "get_patient",
      "create_patient",
      "add_patient_note",
      "get_patient_balance",
      "get_patient_insurance",
      "process_payment",
    ]);
    for (const r of all) {
      expect(r.account_id).toBe(accountId);
      expect(r.success).toBe(1);
      expect(r.actor).toBe("clinic");
      expect(String(r.created_at)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      expect(Number(r.response_time)).toBeGreaterThanOrEqual(0);
      expect(String(r.request_id)).toMatch(/^req_/);
    }
    expect(all[0]!.phi_accessed).toBe(0);
    expect(all.slice(1).every((r) => r.phi_accessed === 1)).toBe(true);
    expect(all.find((r) => r.action === "get_patient_balance")!.patient_id).toBe("1");
    expect(all.find((r) => r.action === "search_patients")!.patient_id).toBe("3"); // the one Garcia
  });

  test("a failed PMS operation, a validation failure and a card-data refusal each still write a row", async () => {
    const notFound = await call("/api/pms/patients/999");
    const invalid = await call("/api/pms/appointments", { body: { patientId: "1" } });
    const card = await call("/api/pms/payments", { body: { patientId: "1", amount: 5, method: "card", reference: "4242424242424242" } });
    const all = await rows();
    expect(all.map((r) => [r.action, r.success, r.status_code, r.error_code, r.phi_accessed, r.request_id])).toEqual([
      ["get_patient", 0, 404, "PATIENT_NOT_FOUND", 0, notFound.headers.get("x-request-id")],
      ["book_appointment", 0, 400, "VALIDATION", 0, invalid.headers.get("x-request-id")],
      ["process_payment", 0, 400, "CARD_DATA_NOT_ALLOWED", 0, card.headers.get("x-request-id")],
    ]);
  });

  test("the Vapi call id is recorded, no bodies or PHI values are", async () => {
    await t.handle(signedRequest("/api/pms/patients/search", { body: envelope(accountId, { query: "Jane Doe" }, "call-abc") }));
    const [row] = await rows();
    expect(row!.call_id).toBe("call-abc");
    expect(row!.actor).toBe("vapi");
    const text = JSON.stringify(row);
    for (const phi of ["Jane", "Doe", "1985", "5550101"]) expect(text).not.toContain(phi);
  });

  test("rows are listed through the admin API with filters", async () => {
    await call("/api/pms/patients/1");
    await call("/api/pms/patients/1/balance");
    const admin = bearer(await adminToken());
    const res = await json(await t.handle(jsonRequest(`/api/admin/audit-logs?accountId=${accountId}&action=get_patient`, { headers: admin })));
    expect(res.auditLogs.length).toBe(1);
    expect(res.auditLogs[0]).toMatchObject({ action: "get_patient", accountId, success: true, phiAccessed: true, patientId: "1" });
    const window = await json(await t.handle(jsonRequest(`/api/admin/audit-logs?from=2026-12-01T13:59:00Z&to=2026-12-01T14:01:00Z`, { headers: admin })));
    expect(window.auditLogs.length).toBe(2);
    const none = await json(await t.handle(jsonRequest(`/api/admin/audit-logs?from=2026-12-02`, { headers: admin })));
    expect(none.auditLogs.length).toBe(0);
  });

  test("the seed's monitoring queries answer from the table, ported to SQLite", async () => {
    await call("/api/pms/patients/1");
    await call("/api/pms/patients/2/balance");
    await call("/api/pms/patients/999");
    const since = "2026-12-01 13:00:00.000";
    const perAction = await t.database.client.execute({
      sql: `select action, avg(response_time) as avg_ms, max(response_time) as max_ms, count(*) as n
              from pms_audit_logs where created_at > ? group by action order by action`,
      args: [since],
    });
    expect(perAction.rows.map((r) => [r.action, Number(r.n)])).toEqual([
      ["get_patient", 2],
      ["get_patient_balance", 1],
    ]);
    const errorRate = await t.database.client.execute({
      sql: `select round(100.0 * sum(case when success = 0 then 1 else 0 end) / count(*), 2) as error_rate from pms_audit_logs where created_at > ?`,
      args: [since],
    });
    expect(Number(errorRate.rows[0]!.error_rate)).toBe(33.33);
    const phi = await t.database.client.execute({
      sql: `select count(*) as accesses, count(distinct patient_id) as patients from pms_audit_logs where phi_accessed = 1 and created_at > ?`,
      args: [since],
    });
    expect([Number(phi.rows[0]!.accesses), Number(phi.rows[0]!.patients)]).toEqual([2, 2]);
  });
});
