import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { adminToken, clinicToken, makeClinicTestApp, TEST_WEBHOOK_SECRET } from "../helpers/app";
import { bearer, envelope, json, jsonRequest, signedRequest } from "../helpers/request";

let t: Awaited<ReturnType<typeof makeClinicTestApp>>;
beforeAll(async () => {
  // These tests are about credentials, not the caller gate (it has its own tests): REST with a Vapi credential is ungated here.
  t = await makeClinicTestApp({ account: { restCallerGate: false } });
});
afterAll(() => t.close());

type Op = { method: string; path: string; body?: Record<string, unknown>; status: number };

/** How each scheme of contract §1 sends one request, and names the clinic where it has to. */
const schemes: Record<string, (op: Op) => Promise<Request>> = {
  "Vapi HMAC": async (op) =>
    op.body
      ? signedRequest(op.path, { method: op.method, body: envelope(t.accountId, op.body) })
      : signedRequest(`${op.path}${op.path.includes("?") ? "&" : "?"}accountId=${t.accountId}`, { method: op.method }),
  "x-vapi-secret": async (op) =>
    jsonRequest(op.path, {
      method: op.method,
      headers: { "x-vapi-secret": TEST_WEBHOOK_SECRET, "x-account-id": t.accountId },
      ...(op.body ? { body: envelope(t.accountId, op.body) } : {}),
    }),
  "Vapi bearer": async (op) =>
    jsonRequest(op.path, {
      method: op.method,
      headers: { ...bearer(TEST_WEBHOOK_SECRET), "x-account-id": t.accountId },
      ...(op.body ? { body: op.body } : {}),
    }),
  "clinic JWT": async (op) =>
    jsonRequest(op.path, { method: op.method, headers: bearer(await clinicToken(t.accountId)), ...(op.body ? { body: op.body } : {}) }),
  "admin JWT": async (op) =>
    jsonRequest(op.path, { method: op.method, headers: { ...bearer(await adminToken()), "x-account-id": t.accountId }, ...(op.body ? { body: op.body } : {}) }),
};

describe("every operation of contract §2 through every authentication scheme", () => {
  let slot = 0;
  for (const [name, build] of Object.entries(schemes)) {
    test(name, async () => {
      const run = async (op: Op) => {
        const res = await t.handle(await build(op));
        const body = await json(res);
        expect({ scheme: name, op: `${op.method} ${op.path}`, status: res.status }).toEqual({ scheme: name, op: `${op.method} ${op.path}`, status: op.status });
        return body.data;
      };
      // Each scheme books its own slot on its own day, so the five runs never collide.
      const day = `2026-12-${String(14 + slot++).padStart(2, "0")}`;
      await run({ method: "GET", path: `/api/pms/appointments/availability?date=${day}`, status: 200 });
      const patient = (
        await run({
          method: "POST",
          path: "/api/pms/patients",
          body: { firstName: "Scheme", lastName: name.replace(/\W/g, ""), dateOfBirth: "1980-01-01", phone: "2025550133" },
          status: 201,
        })
      ).patient;
      await run({ method: "POST", path: "/api/pms/patients/search", body: { lastName: patient.lastName }, status: 200 });
      await run({ method: "GET", path: `/api/pms/patients/${patient.id}`, status: 200 });
      const appt = (
        await run({ method: "POST", path: "/api/pms/appointments", body: { patientId: patient.id, start: `${day}T10:00:00`, providerId: "1" }, status: 201 })
      ).appointment;
      await run({ method: "PATCH", path: "/api/pms/appointments", body: { appointmentId: appt.id, start: `${day}T11:00:00` }, status: 200 });
      await run({ method: "DELETE", path: "/api/pms/appointments", body: { appointmentId: appt.id }, status: 200 });
      await run({ method: "POST", path: `/api/pms/patients/${patient.id}/notes`, body: { text: "via scheme" }, status: 201 });
      await run({ method: "GET", path: `/api/pms/patients/${patient.id}/balance`, status: 200 });
      await run({ method: "GET", path: `/api/pms/patients/${patient.id}/insurance`, status: 200 });
      await run({ method: "POST", path: "/api/pms/payments", body: { patientId: patient.id, amount: 1, method: "cash" }, status: 201 });
    });
  }
});
