import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { clinicToken, createSandboxClinic, makeClinicTestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: Awaited<ReturnType<typeof makeClinicTestApp>>;

beforeEach(async () => {
  t = await makeClinicTestApp();
});
afterEach(() => t.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) => t.call(path, init);

async function expectError(res: Response, status: number, code: string) {
  const body = await json(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe("string");
  expect(body.error.requestId).toMatch(/^req_/);
  expect(JSON.stringify(body)).not.toContain("stack");
  return body;
}

describe("bad input gets a clear, typed error", () => {
  test("schema violations name the field, never echo the value", async () => {
    const body = await expectError(await call("/api/pms/appointments", { body: { patientId: "1", start: 42 } }), 400, "VALIDATION");
    expect(body.error.message).toContain("start");
    const missing = await expectError(await call("/api/pms/patients", { body: { firstName: "Zed" } }), 400, "VALIDATION");
    expect(missing.error.message).toMatch(/lastName|dateOfBirth|phone/);
    const secretValue = await expectError(
      await call("/api/pms/patients", { body: { firstName: "Zed", lastName: "Q", dateOfBirth: "not-a-date-SECRETVALUE", phone: "2025550100" } }),
      400,
      "VALIDATION",
    );
    expect(secretValue.error.message).not.toContain("SECRETVALUE");
  });

  test("semantic checks: range over 14 days, end before start, unknown appointment type, bad start, amount decimals", async () => {
    await expectError(await call("/api/pms/appointments/availability?startDate=2026-12-01&endDate=2026-12-20"), 400, "VALIDATION");
    await expectError(await call("/api/pms/appointments/availability?startDate=2026-12-05&endDate=2026-12-01"), 400, "VALIDATION");
    const type = await expectError(await call("/api/pms/appointments/availability?appointmentType=surgery"), 400, "VALIDATION");
    expect(type.error.message).toContain("cleaning");
    await expectError(await call("/api/pms/appointments", { body: { patientId: "1", start: "next tuesday" } }), 400, "VALIDATION");
    await expectError(await call("/api/pms/payments", { body: { patientId: "1", amount: 10.005, method: "cash" } }), 400, "VALIDATION");
    await expectError(await call("/api/pms/payments", { body: { patientId: "1", amount: -5, method: "cash" } }), 400, "VALIDATION");
    await expectError(await call("/api/pms/patients/search", { body: {} }), 400, "VALIDATION");
    await expectError(
      await call("/api/pms/patients", { body: { firstName: "A", lastName: "B", dateOfBirth: "2030-01-01", phone: "2025550100" } }),
      400,
      "VALIDATION",
    );
  });

  test("not-found and conflicts", async () => {
    await expectError(await call("/api/pms/patients/999999"), 404, "PATIENT_NOT_FOUND");
    await expectError(await call("/api/pms/patients/abc"), 404, "PATIENT_NOT_FOUND");
    await expectError(await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: "424242" } }), 404, "APPOINTMENT_NOT_FOUND");
    // in the past, outside office hours, and on top of an existing booking
    await expectError(await call("/api/pms/appointments", { body: { patientId: "1", start: "2026-11-30T10:00:00" } }), 409, "SLOT_UNAVAILABLE");
    await expectError(await call("/api/pms/appointments", { body: { patientId: "1", start: "2026-12-05T10:00:00" } }), 409, "SLOT_UNAVAILABLE");
    await expectError(await call("/api/pms/appointments", { body: { patientId: "1", start: "2026-12-02T16:45:00" } }), 409, "SLOT_UNAVAILABLE");
    const first = await call("/api/pms/appointments", { body: { patientId: "1", start: "2026-12-02T15:00:00", providerId: "1" } });
    expect(first.status).toBe(201);
    await expectError(
      await call("/api/pms/appointments", { body: { patientId: "2", start: "2026-12-02T15:15:00", providerId: "1" } }),
      409,
      "SLOT_UNAVAILABLE",
    );
    await expectError(await call("/api/pms/nope"), 404, "NOT_FOUND");
  });

  test("raw card data is refused anywhere in the request and never stored (T-card)", async () => {
    const card = "4111 1111 1111 1111";
    await expectError(await call("/api/pms/payments", { body: { patientId: "1", amount: 5, method: "card", reference: card } }), 400, "CARD_DATA_NOT_ALLOWED");
    await expectError(await call("/api/pms/payments", { body: { patientId: "1", amount: 5, method: "card", cvv: "123" } }), 400, "CARD_DATA_NOT_ALLOWED");
    await expectError(await call("/api/pms/patients/1/notes", { body: { text: `card is ${card.replaceAll(" ", "-")}` } }), 400, "CARD_DATA_NOT_ALLOWED");
    // a phone number or an order number that fails Luhn is not card data
    expect((await call("/api/pms/patients/1/notes", { body: { text: "call back on 202 555 0101, ref 1234567890123" } })).status).toBe(201);
    const stored = await t.database.client.execute("select text from sandbox_notes");
    expect(stored.rows.map((r) => String(r.text)).some((s) => s.includes("4111"))).toBe(false);
  });

  test("a body over 1 MiB is 413 before it is read", async () => {
    const big = JSON.stringify({ query: "x".repeat(1024 * 1024 + 10) });
    await expectError(await call("/api/pms/patients/search", { body: big }), 413, "PAYLOAD_TOO_LARGE");
  });

  test("a PMS that is not connected is PMS_UNAVAILABLE, not an empty answer", async () => {
    const bare = await t.deps.accounts.create({ name: "No PMS yet", timezone: "America/Denver" });
    const res = await t.handle(jsonRequest("/api/pms/patients/search", { headers: bearer(await clinicToken(bare.id)), body: { query: "Jane" } }));
    await expectError(res, 503, "PMS_UNAVAILABLE");
  });
});

describe("idempotent writes on REST (Idempotency-Key)", () => {
  const book = (key: string, start = "2026-12-08T10:00:00") =>
    call("/api/pms/appointments", { body: { patientId: "1", start, appointmentType: "exam", providerId: "1" }, headers: { "idempotency-key": key } });

  test("a repeat returns the first response and books nothing more", async () => {
    const first = await json(await book("key-1"));
    const again = await book("key-1");
    expect(again.status).toBe(201);
    expect((await json(again)).data.appointment.id).toBe(first.data.appointment.id);
    const rows = await t.database.client.execute("select count(*) as n from sandbox_appointments where start_utc = '2026-12-08T15:00:00.000Z'");
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  test("the same key with other arguments is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    await book("key-2");
    await expectError(await book("key-2", "2026-12-08T11:00:00"), 422, "IDEMPOTENCY_KEY_REUSED");
  });

  test("a business failure is remembered too; no key means no deduplication", async () => {
    await book("key-3", "2026-12-08T10:00:00");
    await expectError(await book("key-4", "2026-12-08T10:00:00"), 409, "SLOT_UNAVAILABLE");
    await expectError(await book("key-4", "2026-12-08T10:00:00"), 409, "SLOT_UNAVAILABLE");
    const a = await call("/api/pms/patients/1/notes", { body: { text: "one" } });
    const b = await call("/api/pms/patients/1/notes", { body: { text: "one" } });
    expect((await json(a)).data.note.id).not.toBe((await json(b)).data.note.id);
  });
});

describe("rate limits (contract §5)", () => {
  test("a clinic over its per-minute budget gets 429 with Retry-After; another clinic is unaffected", async () => {
    t.close();
    t = await makeClinicTestApp({ env: { RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "3", RATE_LIMIT_PER_IP_PER_MINUTE: "2" } });
    const a = { id: t.accountId };
    const b = await createSandboxClinic(t.deps, { name: "B" });
    const hA = bearer(await clinicToken(a.id));
    for (let i = 0; i < 3; i++) expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers: hA }))).status).toBe(200);
    const limited = await t.handle(jsonRequest("/api/pms/patients/1", { headers: hA }));
    await expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await t.handle(jsonRequest("/api/pms/patients/13", { headers: bearer(await clinicToken(b.id)) }))).status).toBe(200);
    t.clock.advance(60_000);
    expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers: hA }))).status).toBe(200);
  });

  test("failed authentications are limited per address and never spend a clinic's budget", async () => {
    t.close();
    t = await makeClinicTestApp({ env: { RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "3", RATE_LIMIT_PER_IP_PER_MINUTE: "3" } });
    const a = { id: t.accountId };
    const attacker = { "x-test-client-ip": "203.0.113.9", "x-vapi-secret": "wrong" };
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await t.handle(
            jsonRequest("/api/pms/patients/search", { headers: attacker, body: { call: { metadata: { accountId: a.id } }, data: { query: "x" } } }),
          )
        ).status,
      ).toBe(401);
    }
    const blocked = await t.handle(jsonRequest("/api/pms/patients/search", { headers: attacker, body: { query: "x" } }));
    await expectError(blocked, 429, "RATE_LIMITED");
    // a sender on the same (shared) address who does authenticate is not locked out
    const sameAddress = await t.handle(
      jsonRequest("/api/pms/patients/1", { headers: { ...bearer(await clinicToken(a.id)), "x-test-client-ip": "203.0.113.9" } }),
    );
    expect(sameAddress.status).toBe(200);
    // the clinic (one request above, two here = its budget of 3) lost nothing to the failed attempts
    const hA = { ...bearer(await clinicToken(a.id)), "x-test-client-ip": "198.51.100.7" };
    expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers: hA }))).status).toBe(200);
    expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers: hA }))).status).toBe(200);
  });
});
