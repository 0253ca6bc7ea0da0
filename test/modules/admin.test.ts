import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { adminToken, clinicToken, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
let admin: Record<string, string>;
beforeEach(async () => {
  t = await makeTestApp();
  admin = bearer(await adminToken());
});
afterEach(() => t.close());

const asAdmin = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) =>
  t.handle(jsonRequest(path, { ...init, headers: { ...admin, ...init.headers } }));

async function createClinic(body: Record<string, unknown> = {}) {
  const res = await asAdmin("/api/admin/accounts", { body: { name: "North Dental", timezone: "America/Chicago", ...body } });
  expect(res.status).toBe(201);
  return (await json(res)).account;
}

describe("accounts (contract §4)", () => {
  test("create with defaults, read, list and update", async () => {
    const account = await createClinic({ vapiPhoneNumberIds: ["pn-1"], vapiAssistantIds: ["as-1"] });
    expect(account).toMatchObject({
      name: "North Dental",
      timezone: "America/Chicago",
      currency: "USD",
      defaultDurationMinutes: 30,
      slotStepMinutes: 15,
      enabled: true,
      vapiPhoneNumberIds: ["pn-1"],
      vapiAssistantIds: ["as-1"],
      pms: { provider: null, configured: false, updatedAt: null },
    });
    expect(account.officeHours.mon).toEqual([["08:00", "17:00"]]);
    expect(account.appointmentTypes.map((a: { name: string }) => a.name)).toEqual(["cleaning", "exam", "emergency", "consultation"]);
    expect(account.id).toMatch(/^acc_[0-9a-z]{16}$/);

    const patched = await json(
      await asAdmin(`/api/admin/accounts/${account.id}`, {
        method: "PATCH",
        body: { officeHours: { sat: [["09:00", "13:00"]] }, slotStepMinutes: 20, vapiPhoneNumberIds: ["pn-2"], enabled: false },
      }),
    );
    expect(patched.account).toMatchObject({
      officeHours: { sat: [["09:00", "13:00"]] },
      slotStepMinutes: 20,
      vapiPhoneNumberIds: ["pn-2"],
      vapiAssistantIds: ["as-1"],
      enabled: false,
    });
    const list = await json(await asAdmin("/api/admin/accounts"));
    expect(list.accounts.map((a: { id: string }) => a.id)).toEqual([account.id]);
    expect((await asAdmin("/api/admin/accounts/acc_nope")).status).toBe(404);
  });

  test("bad settings are refused with VALIDATION", async () => {
    for (const body of [
      { timezone: "Mars/Olympus" },
      { officeHours: { mon: [["17:00", "08:00"]] } },
      { officeHours: { mon: [["8am", "5pm"]] } },
      {
        appointmentTypes: [
          { name: "exam", durationMinutes: 30 },
          { name: "exam", durationMinutes: 60 },
        ],
      },
      { currency: "dollars" },
    ]) {
      const res = await asAdmin("/api/admin/accounts", { body: { name: "X", timezone: "America/Chicago", ...body } });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect((await json(res)).error.code).toBe("VALIDATION");
    }
  });

  test("a Vapi phone-number id can belong to one clinic only", async () => {
    await createClinic({ vapiPhoneNumberIds: ["pn-shared"] });
    const res = await asAdmin("/api/admin/accounts", { body: { name: "Other", timezone: "America/Chicago", vapiPhoneNumberIds: ["pn-shared"] } });
    expect(res.status).toBe(400);
  });

  test("only admins create, list and update; a clinic token reads its own account", async () => {
    const account = await createClinic();
    const clinic = bearer(await clinicToken(account.id));
    expect((await t.handle(jsonRequest("/api/admin/accounts", { headers: clinic, body: { name: "X", timezone: "UTC" } }))).status).toBe(403);
    expect((await t.handle(jsonRequest(`/api/admin/accounts/${account.id}`, { method: "PATCH", headers: clinic, body: { name: "Y" } }))).status).toBe(403);
    expect((await t.handle(jsonRequest(`/api/admin/accounts/${account.id}`, { headers: clinic }))).status).toBe(200);
    expect((await t.handle(jsonRequest("/api/admin/accounts"))).status).toBe(401);
  });
});

describe("PMS credentials are write-only and bound to their clinic", () => {
  test("set credentials: the response and every later read show status only", async () => {
    const account = await createClinic();
    const res = await asAdmin(`/api/admin/accounts/${account.id}/pms`, { method: "PUT", body: { provider: "sandbox", credentials: {} } });
    expect(res.status).toBe(200);
    expect((await json(res)).pms).toMatchObject({ provider: "sandbox", configured: true });
    const read = await json(await asAdmin(`/api/admin/accounts/${account.id}`));
    expect(read.account.pms).toMatchObject({ provider: "sandbox", configured: true });
    // the sandbox practice was laid down, so the clinic can work at once
    const slots = await t.handle(jsonRequest("/api/pms/appointments/availability?date=2026-12-02", { headers: bearer(await clinicToken(account.id)) }));
    expect(slots.status).toBe(200);
  });

  test("unknown providers and wrong credential shapes are refused without echoing values", async () => {
    const account = await createClinic();
    const unknown = await asAdmin(`/api/admin/accounts/${account.id}/pms`, { method: "PUT", body: { provider: "dentrix", credentials: {} } });
    expect(unknown.status).toBe(400);
    const wrong = await asAdmin(`/api/admin/accounts/${account.id}/pms`, {
      method: "PUT",
      body: { provider: "sandbox", credentials: { secretKey: "VALUE-NOT-ECHOED" } },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).not.toContain("VALUE-NOT-ECHOED");
    expect((await asAdmin(`/api/admin/accounts/acc_missing/pms`, { method: "PUT", body: { provider: "sandbox", credentials: {} } })).status).toBe(404);
  });

  test("a ciphertext copied into another clinic's row does not decrypt: that clinic's PMS is unavailable (T-vault)", async () => {
    const a = await createClinic({ name: "A" });
    const b = await createClinic({ name: "B" });
    for (const id of [a.id, b.id]) await asAdmin(`/api/admin/accounts/${id}/pms`, { method: "PUT", body: { provider: "sandbox", credentials: {} } });
    const stored = await t.database.client.execute({ sql: "select credentials_ciphertext, key_id from pms_integrations where account_id = ?", args: [a.id] });
    await t.database.client.execute({
      sql: "update pms_integrations set credentials_ciphertext = ?, key_id = ? where account_id = ?",
      args: [stored.rows[0]!.credentials_ciphertext, stored.rows[0]!.key_id, b.id],
    });
    const res = await t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(b.id)) }));
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe("PMS_UNAVAILABLE");
    const ok = await t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(a.id)) }));
    expect(ok.status).toBe(200);
  });
});
