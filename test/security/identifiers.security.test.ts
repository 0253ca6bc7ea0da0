import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { verifyAuditChain } from "../../src/audit/verify";
import { adminToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, toolCallsMessage, webhook } from "../helpers/vapi";

let t: TestApp;
let accountId: string;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await makeTestApp();
  accountId = (await createSandboxClinic(t.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] })).id;
  headers = { ...bearer(await adminToken()), "x-account-id": accountId };
});
afterAll(() => t.close());

describe("identifiers are 1–128 printable characters; NUL is refused in any text", () => {
  test("ids with control characters or over 128 characters, and free text with NUL, are 400 VALIDATION", async () => {
    const cases = [
      jsonRequest(`/api/pms/patients/${encodeURIComponent("1\u0000")}`, { headers }),
      jsonRequest(`/api/pms/patients/${"9".repeat(129)}`, { headers }),
      jsonRequest("/api/pms/appointments", { method: "DELETE", body: { appointmentId: "17\u0007" }, headers }),
      jsonRequest("/api/pms/patients/1/notes", { body: { text: "hello\u0000world" }, headers }),
      jsonRequest("/api/pms/payments", { body: { patientId: "1", amount: 1, method: "cash" }, headers: { ...headers, "idempotency-key": "k".repeat(129) } }),
      jsonRequest(`/api/pms/patients/1?accountId=${"a".repeat(129)}`, { headers: bearer(await adminToken()) }),
    ];
    for (const request of cases) {
      const res = await t.handle(request);
      const body = await json(res);
      expect({ url: request.url.slice(0, 80), status: res.status, code: body.error?.code }).toEqual({
        url: request.url.slice(0, 80),
        status: 400,
        code: "VALIDATION",
      });
    }
  });

  test("property: any tool-call id or argument string (NUL, surrogates, controls) leaves the audit chain verifiable (200 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 150 }), fc.string({ unit: "binary", maxLength: 60 }), async (id, patientId) => {
        const res = await t.handle(webhook(toolCallsMessage([{ id, name: "get_patient", arguments: { patientId } }], { callId: `c-${id.length}` })));
        expect(res.status).toBe(200);
      }),
      { numRuns: 200 },
    );
    const report = await verifyAuditChain(t.deps.db, t.deps.chainKeys);
    expect(report.ok).toBe(true);
    expect(report.rows).toBeGreaterThanOrEqual(200);
  });
});
