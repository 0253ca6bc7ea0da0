import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { adminToken, clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, envelope, json, jsonRequest, signedRequest } from "../helpers/request";

let t: TestApp;
let clinicA: string;
let clinicB: string;
let tokenA: Record<string, string>;
let patientOfB: string;
let appointmentOfB: string;

beforeAll(async () => {
  t = await makeTestApp();
  clinicA = (await createSandboxClinic(t.deps, { name: "Clinic A", vapiPhoneNumberIds: ["pn-a"], vapiAssistantIds: ["as-a"] })).id;
  clinicB = (await createSandboxClinic(t.deps, { name: "Clinic B", vapiPhoneNumberIds: ["pn-b"] })).id;
  tokenA = bearer(await clinicToken(clinicA));
  const tokenB = bearer(await clinicToken(clinicB));
  // Clinic B's own patient and appointment, created through B's credentials.
  const created = await json(
    await t.handle(
      jsonRequest("/api/pms/patients", { headers: tokenB, body: { firstName: "Bea", lastName: "Only", dateOfBirth: "1970-01-01", phone: "+12025550150" } }),
    ),
  );
  patientOfB = created.data.patient.id;
  const booked = await json(
    await t.handle(
      jsonRequest("/api/pms/appointments", { headers: tokenB, body: { patientId: patientOfB, start: "2026-12-03T10:00:00", appointmentType: "exam" } }),
    ),
  );
  appointmentOfB = booked.data.appointment.id;
});
afterAll(() => t.close());

const asA = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) => t.handle(jsonRequest(path, { ...init, headers: { ...tokenA, ...init.headers } }));

describe("one clinic can never reach another clinic's data (T09, T10)", () => {
  test("clinic A's token reading clinic B's patient by id: 404 on every patient route", async () => {
    for (const path of [`/api/pms/patients/${patientOfB}`, `/api/pms/patients/${patientOfB}/balance`, `/api/pms/patients/${patientOfB}/insurance`]) {
      const res = await asA(path);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe("PATIENT_NOT_FOUND");
    }
    const note = await asA(`/api/pms/patients/${patientOfB}/notes`, { body: { text: "hello" } });
    expect(note.status).toBe(404);
    const pay = await asA("/api/pms/payments", { body: { patientId: patientOfB, amount: 5, method: "cash" } });
    expect(pay.status).toBe(404);
    const book = await asA("/api/pms/appointments", { body: { patientId: patientOfB, start: "2026-12-03T13:00:00" } });
    expect(book.status).toBe(404);
  });

  test("clinic A cannot move or cancel clinic B's appointment", async () => {
    const move = await asA("/api/pms/appointments", { method: "PATCH", body: { appointmentId: appointmentOfB, start: "2026-12-04T10:00:00" } });
    expect(move.status).toBe(404);
    expect((await json(move)).error.code).toBe("APPOINTMENT_NOT_FOUND");
    const cancel = await asA("/api/pms/appointments", { method: "DELETE", body: { appointmentId: appointmentOfB } });
    expect(cancel.status).toBe(404);
    // still scheduled for B
    const stillThere = await t.handle(
      jsonRequest("/api/pms/appointments", {
        method: "DELETE",
        headers: bearer(await clinicToken(clinicB)),
        body: { appointmentId: appointmentOfB, reason: "check" },
      }),
    );
    expect((await json(stillThere)).data.appointment.start).toBe("2026-12-03T10:00:00-05:00");
  });

  test("clinic A's search never returns clinic B's patients", async () => {
    const res = await json(await asA("/api/pms/patients/search", { body: { lastName: "Only" } }));
    expect(res.data.patients).toEqual([]);
  });

  test("a clinic token naming another clinic is 403 FORBIDDEN (header, query or envelope)", async () => {
    for (const res of [
      await asA("/api/pms/patients/search", { body: { query: "Jane" }, headers: { "x-account-id": clinicB } }),
      await asA(`/api/pms/appointments/availability?accountId=${clinicB}`),
      await asA("/api/pms/patients/search", { body: envelope(clinicB, { query: "Jane" }) }),
    ]) {
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe("FORBIDDEN");
    }
  });

  test("a clinic token cannot read another clinic's account or audit log", async () => {
    expect((await asA(`/api/admin/accounts/${clinicB}`)).status).toBe(403);
    expect((await asA(`/api/admin/audit-logs?accountId=${clinicB}`)).status).toBe(403);
    expect((await asA(`/api/admin/accounts/${clinicA}`)).status).toBe(200);
    const own = await json(await asA("/api/admin/audit-logs"));
    expect(own.auditLogs.every((r: { accountId: string }) => r.accountId === clinicA)).toBe(true);
    expect((await asA("/api/admin/accounts")).status).toBe(403);
  });
});

describe("account resolution for Vapi credentials (contract §1)", () => {
  const search = (payload: unknown) => t.handle(signedRequest("/api/pms/patients/search", { body: payload }));

  test("from the phone-number or assistant id a clinic registered, when the call has no metadata", async () => {
    const byPhone = await search({
      message: { call: { id: "c1", phoneNumberId: "pn-a" } },
      data: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" },
    });
    expect(byPhone.status).toBe(200);
    const byAssistant = await search({ call: { id: "c2", assistantId: "as-a" }, data: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } });
    expect(byAssistant.status).toBe(200);
  });

  test("from assistantOverrides metadata or variableValues", async () => {
    const res = await search({
      call: { id: "c3", assistantOverrides: { variableValues: { accountId: clinicA } } },
      data: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" },
    });
    expect(res.status).toBe(200);
  });

  test("two sources naming different clinics: 403 ACCOUNT_MISMATCH", async () => {
    const res = await search({ call: { id: "c4", metadata: { accountId: clinicA }, phoneNumberId: "pn-b" }, data: { query: "Jane" } });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe("ACCOUNT_MISMATCH");
  });

  test("never from the tool arguments", async () => {
    const res = await search({ query: "Jane", accountId: clinicA });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("ACCOUNT_REQUIRED");
  });

  test("unknown and disabled clinics are both 404 ACCOUNT_NOT_FOUND", async () => {
    const unknown = await search(envelope("acc_doesnotexist", { query: "Jane" }));
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("ACCOUNT_NOT_FOUND");
    const disabled = await createSandboxClinic(t.deps, { name: "Closed clinic" });
    await t.deps.accounts.update(disabled.id, { enabled: false });
    const res = await search(envelope(disabled.id, { query: "Jane" }));
    expect(res.status).toBe(404);
    const token = await t.handle(jsonRequest("/api/pms/patients/search", { headers: bearer(await clinicToken(disabled.id)), body: { query: "Jane" } }));
    expect(token.status).toBe(404);
  });

  test("an admin must name the clinic", async () => {
    const res = await t.handle(jsonRequest("/api/pms/patients/search", { headers: bearer(await adminToken()), body: { query: "Jane" } }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("ACCOUNT_REQUIRED");
  });
});
