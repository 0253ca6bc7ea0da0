import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { adminToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, fixture, toolCallsMessage, webhook } from "../helpers/vapi";

let t: TestApp;
let accountId: string;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await makeTestApp();
  accountId = (await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID], callSummaryNotes: true })).id;
  headers = { ...bearer(await adminToken()), "x-account-id": accountId };
});
afterAll(() => t.close());

const CARD = "4111 1111 1111 1111";
/**
 * Any trace of the test card number (4111 1111 …) with any separators. Not "4111" alone: hashes and
 * random ids in the dump contain that by chance.
 */
const CARD_TRACE = /4111\D{0,3}1111/;

const everything = async () => {
  const tables = ["call_reports", "pms_audit_logs", "idempotency_keys", "sandbox_notes", "sandbox_payments"];
  const dump: unknown[] = [];
  for (const table of tables) dump.push((await t.database.client.execute(`select * from ${table}`)).rows);
  return JSON.stringify(dump) + t.logLines.join("\n");
};

describe("card data never reaches storage, logs or the PMS", () => {
  test("REST: the payment reference, the Idempotency-Key, the query and full-width digits are all refused", async () => {
    const cases: Array<{ path: string; method?: string; body?: unknown; extra?: Record<string, string> }> = [
      { path: "/api/pms/payments", body: { patientId: "1", amount: 5, method: "cash", reference: "4111.1111.1111.1111" } },
      { path: "/api/pms/payments", body: { patientId: "1", amount: 5, method: "cash" }, extra: { "idempotency-key": "4111-1111-1111-1111" } },
      { path: "/api/pms/appointments/availability?date=2026-12-02&providerId=4111%201111%201111%201111" },
      { path: "/api/pms/patients/1/notes", body: { text: "card ４１１１１１１１１１１１１１１１" } },
      { path: "/api/pms/patients/1/notes", body: { text: "card 4111\n1111\n1111\n1111" } },
      { path: "/api/pms/patients/1/notes", body: { text: "the security code is ١٢٣" } },
      { path: "/api/pms/patients/search", body: { call: { id: `call ${CARD}`, metadata: { accountId } }, data: { firstName: "Jane" } } },
    ];
    for (const c of cases) {
      const res = await t.handle(jsonRequest(c.path, { ...(c.body ? { body: c.body } : {}), headers: { ...headers, ...c.extra } }));
      expect({ path: c.path, status: res.status, code: (await json(res)).error?.code }).toEqual({ path: c.path, status: 400, code: "CARD_DATA_NOT_ALLOWED" });
    }
    expect(await everything()).not.toMatch(CARD_TRACE);
  });

  test("a tool call with card data in any argument is refused and audited without the number", async () => {
    const res = await t.handle(
      webhook(
        toolCallsMessage([
          { id: "cd-1", name: "process_payment", arguments: { patientId: "1", amount: 5, method: "other", reference: "4111_1111_1111_1111" } },
        ]),
      ),
    );
    expect((await json(res)).results[0].error).toContain("CARD_DATA_NOT_ALLOWED");
    expect(await everything()).not.toMatch(CARD_TRACE);
  });

  test("an end-of-call summary with a card number and CVV is stored, returned and written to the PMS redacted", async () => {
    const verify = toolCallsMessage([{ id: "cd-v", name: "search_patients", arguments: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } }], {
      callId: "card-call",
    });
    await t.handle(webhook(verify));
    const report = fixture("end-of-call-report");
    report.message.call = { id: "card-call", phoneNumberId: CLINIC_PHONE_NUMBER_ID };
    report.message.analysis = { summary: `Caller read her card ${CARD} and CVV 123 before we stopped her; booked a cleaning.` };
    expect((await t.handle(webhook(report))).status).toBe(200);
    const listed = await json(await t.handle(jsonRequest(`/api/admin/call-reports?accountId=${accountId}`, { headers: bearer(await adminToken()) })));
    const stored =
      listed.callReports?.find?.((r: { callId: string }) => r.callId === "card-call") ??
      listed.reports?.find?.((r: { callId: string }) => r.callId === "card-call");
    expect(JSON.stringify(listed)).toContain("[card data removed]");
    expect(stored ?? listed).toBeDefined();
    const notes = (await t.database.client.execute("select text from sandbox_notes")).rows.map((r) => String(r.text));
    expect(notes.some((n) => n.includes("booked a cleaning") && n.includes("[card data removed]"))).toBe(true);
    expect(await everything()).not.toMatch(CARD_TRACE);
    expect(await everything()).not.toMatch(/CVV 123/);
  });
});
