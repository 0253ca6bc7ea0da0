// Longer than 300 lines on purpose: every NexHealth behaviour the gateway depends on, run against one
// fake NexHealth with the same institutions, so a reader sees the whole vendor contract in one place.
import { afterEach, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import type { Insertion } from "../fakes/nexhealth";
import { GATEWAY_URL, makeNexHealthTestApp, type NexHealthTestApp } from "../helpers/nexhealth";
import { json, jsonRequest } from "../helpers/request";
import { CLINIC_PHONE_NUMBER_ID, splitResult, toolCallsMessage, webhook } from "../helpers/vapi";

let t: NexHealthTestApp;
let clinic: Awaited<ReturnType<NexHealthTestApp["nexhealthClinic"]>>;

async function setup(options: { insertion?: Insertion; emr?: string; env?: Record<string, string> } = {}) {
  t = await makeNexHealthTestApp(options);
  clinic = await t.nexhealthClinic("Downtown", { subdomain: "acme-demo-practice", locationId: 7 }, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
  expect(clinic.status).toBe(200);
}
afterEach(() => t?.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}, headers = clinic.headers) =>
  t.handle(jsonRequest(path, { ...init, headers: { ...headers, ...init.headers } }));
const callsTo = (path: string) => t.nexhealth.calls.filter((c) => c.path === path);
const writebacks = async () =>
  (await t.database.client.execute("select reference, writeback_id, status, action from pms_writebacks order by created_at")).rows.map((r) => ({
    reference: String(r.reference),
    writeback_id: String(r.writeback_id),
    status: String(r.status),
    action: String(r.action),
  }));
const settledAudit = async () =>
  (await t.database.client.execute("select action, success, error_code from pms_audit_logs where actor = 'system' order by rowid")).rows.map((r) => ({
    action: String(r.action),
    success: Number(r.success),
    error_code: r.error_code === null ? null : String(r.error_code),
  }));

/** A delivery signed as NexHealth signs it, with the secret of the endpoint the gateway registered. */
function delivery(payload: unknown, options: { secret?: string; timestamp?: string } = {}) {
  const raw = JSON.stringify(payload);
  const timestamp = options.timestamp ?? String(Math.floor(t.clock.now().getTime() / 1000));
  const secret = options.secret ?? t.nexhealth.endpoints[0]!.secret_key;
  const signature = createHmac("sha256", secret)
    .update(`${timestamp}.${Buffer.from(raw).toString("base64")}`)
    .digest("hex");
  return new Request(`${GATEWAY_URL}/api/connectors/nexhealth/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", timestamp, signature },
    body: raw,
  });
}

async function bookThursdayTen(patientId = "415") {
  const res = await call("/api/pms/appointments", { body: { patientId, start: "2026-12-03T10:00:00", durationMinutes: 30, providerId: "83" } });
  return { status: res.status, body: await json(res) };
}

describe("onboarding binds a clinic to one institution and one of its locations", () => {
  test("an institution the key cannot reach, or a location of another institution, is refused saying which; nothing is stored", async () => {
    await setup();
    const stranger = await t.nexhealthClinic("Stranger", { subdomain: "stranger-dental", locationId: 11 });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.message).toContain('cannot reach institution "stranger-dental"');
    const wrongLocation = await t.nexhealthClinic("Wrong location", { subdomain: "acme-demo-practice", locationId: 9 });
    expect(wrongLocation.status).toBe(400);
    expect(wrongLocation.body.error.message).toContain('location 9 is not a location of institution "acme-demo-practice"');
    const rows = await t.database.client.execute("select count(*) as n from pms_integrations where provider = 'nexhealth'");
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  test("a location in another time zone is accepted with a warning; the webhook endpoint is registered once and each institution subscribed", async () => {
    await setup();
    const uptown = await t.nexhealthClinic("Uptown", { subdomain: "acme-demo-practice", locationId: "8" });
    expect(uptown.status).toBe(200);
    expect(uptown.body.pms.warnings.join(" ")).toContain("America/Chicago");
    const curve = await t.nexhealthClinic("Other", { subdomain: "other-smiles", locationId: 9 });
    expect(curve.body.pms.warnings.join(" ")).toContain("Curve through NexHealth does not support: reschedule, cancel, new_patient, alert, payment");
    expect(t.nexhealth.endpoints.map((e) => e.target_url)).toEqual([`${GATEWAY_URL}/api/connectors/nexhealth/webhook`]);
    const subscribed = (institutionId: number) =>
      t.nexhealth.subscriptions
        .filter((s) => s.institution_id === institutionId)
        .map((s) => `${s.resource_type}:${s.event}`)
        .sort();
    const expected = ["Appointment:appointment_created", "Appointment:appointment_insertion", "Appointment:appointment_updated", "Payment:payment_insertion"];
    expect(subscribed(1)).toEqual(expected);
    expect(subscribed(2)).toEqual(expected);
    // the signing secret is stored sealed, never in clear
    const stored = await t.database.client.execute("select ciphertext from pms_tokens where account_id like 'nexhealth:webhook:%'");
    expect(stored.rows).toHaveLength(1);
    expect(String(stored.rows[0]!.ciphertext)).not.toContain(t.nexhealth.endpoints[0]!.secret_key);
  });

  test("without NEXHEALTH_API_KEY a NexHealth clinic cannot be connected", async () => {
    t = await makeNexHealthTestApp({ env: { NEXHEALTH_API_KEY: "" } });
    const res = await t.nexhealthClinic("No key", { subdomain: "acme-demo-practice", locationId: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("NEXHEALTH_API_KEY");
  });
});

describe("tokens and the envelope", () => {
  test("one token per API key, sealed and shared; an expired token is renewed once and the call still answers", async () => {
    await setup();
    await call("/api/pms/patients/415");
    await call("/api/pms/patients/415/insurance");
    expect(callsTo("/authenticates")).toHaveLength(1);
    const sealed = await t.database.client.execute("select ciphertext from pms_tokens where account_id like 'nexhealth:token:%'");
    expect(sealed.rows).toHaveLength(1);
    t.nexhealth.expireTokens();
    const after = await call("/api/pms/patients/415");
    expect(after.status).toBe(200);
    expect(callsTo("/authenticates")).toHaveLength(2);
    // renewed before it expires (tokens last an hour), not after a refusal
    const refusedBefore = t.nexhealth.calls.length;
    t.clock.advance(57 * 60_000);
    expect((await call("/api/pms/patients/415")).status).toBe(200);
    expect(callsTo("/authenticates")).toHaveLength(3);
    expect(t.nexhealth.calls.slice(refusedBefore).map((c) => c.path)).toEqual(["/authenticates", "/patients/415"]);
  });

  test("`code: false` inside a 200 is a failure, never data", async () => {
    await setup();
    t.nexhealth.failNext(/^\/patients$/, 200, "Search failed", true);
    const res = await call("/api/pms/patients/search", { body: { firstName: "Carlene", lastName: "Victoria" } });
    expect(res.status).toBe(502);
    expect((await json(res)).error.code).toBe("PMS_ERROR");
  });
});

describe("rate limits are per API key", () => {
  test("after a 429 no call is sent with the key until the cool-down ends; callers hear 'busy' at once", async () => {
    await setup();
    t.nexhealth.failNext(/^\/patients\/415$/, 429, "Too Many Requests");
    const limited = await call("/api/pms/patients/415");
    expect(limited.status).toBe(503);
    expect((await json(limited)).error.code).toBe("PMS_UNAVAILABLE");
    const before = t.nexhealth.calls.length;
    const uptown = await t.nexhealthClinic("Uptown", { subdomain: "acme-demo-practice", locationId: 8 });
    expect(uptown.status).toBe(200); // onboarding is not throttled by a clinic's burst
    const during = await call("/api/pms/patients/415");
    expect(during.status).toBe(503);
    expect(t.nexhealth.calls.slice(before).filter((c) => c.path === "/patients/415")).toEqual([]);
    t.clock.advance(11_000);
    expect((await call("/api/pms/patients/415")).status).toBe(200);
  });
});

describe("reading through NexHealth", () => {
  test("availability asks for this location's bookable providers only, in the location's zone", async () => {
    await setup();
    const res = await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=20"));
    expect(res.data.slots[0]).toMatchObject({ start: "2026-12-03T09:00:00-05:00", providerId: expect.stringMatching(/^8[34]$/) });
    const q = callsTo("/available_slots")[0]!.query;
    expect(q.getAll("lids[]")).toEqual(["7"]);
    expect(q.getAll("pids[]").sort()).toEqual(["83", "84"]);
    expect(q.get("slot_length")).toBe("30");
    expect(callsTo("/providers")[0]!.query.get("per_page")).toBe("100");
  });

  test("an empty day names the next opening; a red read status says the schedule may be out of date", async () => {
    await setup();
    const weekend = await json(await call("/api/pms/appointments/availability?date=2026-12-05&durationMinutes=30"));
    expect(weekend.data.slots).toEqual([]);
    expect(weekend.data.notice).toContain("The next opening is on Monday, December 7.");
    t.acme.readStatus = "red";
    t.clock.advance(2 * 60_000);
    const stale = await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30"));
    expect(stale.data.slots.length).toBeGreaterThan(0);
    expect(stale.data.notice).toContain("has not synced recently");
  });

  test("patient search is strict to the location and pages explicitly; another location's patient is not found", async () => {
    await setup();
    const found = await json(await call("/api/pms/patients/search", { body: { firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10" } }));
    expect(found.data.patients).toEqual([
      { id: "415", firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10", phone: "+12025550123", email: "carlene@example.com" },
    ]);
    const q = callsTo("/patients")[0]!.query;
    expect([q.get("location_strict"), q.get("per_page"), q.get("inactive"), q.get("non_patient")]).toEqual(["true", "100", "false", "false"]);
    const uptownPatient = await call("/api/pms/patients/416");
    expect(uptownPatient.status).toBe(404);
    const byPhone = await json(await call("/api/pms/patients/search", { body: { phone: "+1 202 555 0123" } }));
    expect(byPhone.data.patients.map((p: { id: string }) => p.id)).toEqual(["415"]);
    expect(callsTo("/patients").at(-1)!.query.get("phone_number")).toBe("2025550123");
  });

  test("insurance: carrier is the plan's name and only the last four of the member id leave the gateway", async () => {
    await setup();
    const res = await call("/api/pms/patients/415/insurance");
    const text = await res.clone().text();
    expect((await json(res)).data.insurance).toEqual([
      { carrier: "Delta Dental PPO", memberIdLast4: "7766", groupNumber: "G-7788", relationship: "self", priority: "primary" },
    ]);
    expect(text).not.toContain("XK99887766");
  });

  test("balance from the guarantor balance; a ledger NexHealth has not enabled is UNSUPPORTED_BY_PMS with the reason", async () => {
    await setup();
    const balance = await json(await call("/api/pms/patients/415/balance"));
    expect(balance.data.balance).toMatchObject({ patientId: "415", total: 125.5, currency: "USD" });
    t.acme.financialData = false;
    const off = await call("/api/pms/patients/415/balance");
    expect(off.status).toBe(501);
    const body = await json(off);
    expect(body.error.code).toBe("UNSUPPORTED_BY_PMS");
    expect(body.error.message).toContain("financial data is not enabled");
  });

  test("a guarantor balance without a readable total is an error, never a balance of zero", async () => {
    await setup();
    const patient = t.nexhealth.patients.find((p) => p.id === 415)!;
    patient.balance = "";
    const res = await call("/api/pms/patients/415/balance");
    expect((await json(res)).error.code).toBe("PMS_ERROR");
  });

  test("a balance is the patient's guarantor's row, never another's when NexHealth leaves the filter out", async () => {
    await setup();
    t.nexhealth.patients.unshift({
      id: 414,
      first_name: "Other",
      last_name: "Guarantor",
      name: "Other Guarantor",
      institution_id: 1,
      location_ids: [7],
      guarantor_id: 414,
      inactive: false,
      balance: "999.00",
      bio: { date_of_birth: "1970-01-01" },
    });
    t.nexhealth.behaviour.ignoreGuarantorFilter = true;
    const mine = await json(await call("/api/pms/patients/415/balance"));
    expect(mine.data.balance).toMatchObject({ patientId: "415", total: 125.5 });
    delete t.nexhealth.patients.find((p) => p.id === 415)!.balance;
    const others = await call("/api/pms/patients/415/balance");
    const text = await others.text();
    expect(JSON.parse(text).error.code).toBe("PMS_ERROR");
    expect(text).not.toContain("999");
  });

  test("a guarantor who owes nothing has no balance row (NexHealth leaves zero balances out): the balance is zero", async () => {
    await setup();
    delete t.nexhealth.patients.find((p) => p.id === 415)!.balance;
    const res = await call("/api/pms/patients/415/balance");
    expect(res.status).toBe(200);
    expect((await json(res)).data.balance).toMatchObject({ patientId: "415", total: 0, patientPortion: 0, insurancePortion: 0 });
  });

  test("a readable total with an unreadable portion is an error too: the caller is never told they owe nothing", async () => {
    await setup();
    const patient = t.nexhealth.patients.find((p) => p.id === 415)!;
    patient.insurance_estimate = "40.00";
    patient.guarantor_portion = "85.50";
    const split = (await json(await call("/api/pms/patients/415/balance"))).data.balance;
    expect(split).toMatchObject({ total: 125.5, patientPortion: 85.5, insurancePortion: 40 });
    patient.guarantor_portion = "n/a";
    expect((await json(await call("/api/pms/patients/415/balance"))).error.code).toBe("PMS_ERROR");
    patient.guarantor_portion = "85.50";
    patient.insurance_estimate = "";
    expect((await json(await call("/api/pms/patients/415/balance"))).error.code).toBe("PMS_ERROR");
  });
});

describe("writes are pending until NexHealth reports the PMS insertion", () => {
  test("a booking answers pending, and a signed insertion webhook confirms it (a redelivery changes nothing)", async () => {
    await setup({ insertion: "manual" });
    const booked = await bookThursdayTen();
    expect(booked.status).toBe(201);
    expect(booked.body.data.appointment).toMatchObject({ confirmation: "pending", id: null, start: "2026-12-03T10:00:00-05:00" });
    const nexhealthId = Number(booked.body.data.appointment.reference);
    const post = callsTo("/appointments").find((c) => c.method === "POST")!;
    expect(post.query.get("notify_patient")).toBe("false");
    expect(post.body).toMatchObject({
      appt: { patient_id: 415, provider_id: 83, operatory_id: 183, start_time: "2026-12-03T15:00:00+0000", end_time: "2026-12-03T15:30:00+0000" },
    });
    expect((await writebacks()).map((w) => w.status)).toEqual(["pending"]);
    // the pending booking is not offered to the next caller
    const after = await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&providerId=83&limit=20"));
    expect(after.data.slots.some((s: { start: string }) => s.start === "2026-12-03T10:00:00-05:00")).toBe(false);

    t.nexhealth.insertAppointment(nexhealthId, "complete");
    await t.nexhealth.flush();
    expect(t.nexhealth.deliveries.map((d) => d.status)).toEqual([200]);
    expect((await writebacks()).map((w) => w.status)).toEqual(["completed"]);
    expect(await settledAudit()).toEqual([{ action: "book_appointment", success: 1, error_code: null }]);
    const settled = await t.database.client.execute("select created_id from pms_writebacks");
    expect(String(settled.rows[0]!.created_id)).toBe(String(nexhealthId));

    t.nexhealth.redeliverLast();
    await t.nexhealth.flush();
    expect(t.nexhealth.deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(await settledAudit()).toHaveLength(1);
  });

  test("a failed or timed-out insertion is recorded as failed and audited", async () => {
    await setup({ insertion: "manual" });
    const booked = await bookThursdayTen();
    t.nexhealth.insertAppointment(Number(booked.body.data.appointment.reference), "timed_out");
    await t.nexhealth.flush();
    expect((await writebacks()).map((w) => w.status)).toEqual(["failed"]);
    expect(await settledAudit()).toEqual([{ action: "book_appointment", success: 0, error_code: "PMS_ERROR" }]);
  });

  test("an insertion that fails while the caller waits is answered honestly, and the slot is free again", async () => {
    await setup({ env: { NEXHEALTH_INSERTION_WAIT_MS: "3000" } });
    t.nexhealth.failNextInsertion();
    const { status, body } = await bookThursdayTen();
    expect(status).toBe(502);
    expect(body.error.message).toContain("did not accept the booking");
    expect((await writebacks()).map((w) => w.status)).toEqual(["failed"]);
    expect(await settledAudit()).toEqual([{ action: "book_appointment", success: 0, error_code: "PMS_ERROR" }]);
    const holds = await t.database.client.execute("select count(*) as n from pms_booking_holds");
    expect(Number(holds.rows[0]!.n)).toBe(0);
  });

  test("an insertion seen during the call confirms the booking and needs no background check", async () => {
    await setup({ env: { NEXHEALTH_INSERTION_WAIT_MS: "3000" } });
    const { status, body } = await bookThursdayTen();
    expect(status).toBe(201);
    expect(body.data.appointment.confirmation).toBe("confirmed");
    expect((await writebacks()).map((w) => w.status)).toEqual(["completed"]);
  });

  test("without a webhook, the background poll settles the booking when foreign_id appears", async () => {
    await setup({ insertion: "manual" });
    const booked = await bookThursdayTen();
    const id = Number(booked.body.data.appointment.reference);
    t.nexhealth.appointments.find((a) => a.id === id)!.foreign_id = "55667";
    t.clock.advance(60_000);
    expect(await t.deps.writebackPoller.pollOnce()).toMatchObject({ completed: 1 });
    expect((await writebacks()).map((w) => w.status)).toEqual(["completed"]);
  });

  test("a booking whose answer was lost is never re-sent: it is pending, then found among the app's bookings", async () => {
    await setup({ insertion: "manual" });
    t.nexhealth.loseNextAnswer(/^\/appointments$/);
    const book = () =>
      call("/api/pms/appointments", {
        body: { patientId: "415", start: "2026-12-03T10:00:00", durationMinutes: 30, providerId: "83" },
        headers: { "idempotency-key": "book-415-thu" },
      });
    const booked = await book();
    expect(booked.status).toBe(201);
    expect((await json(booked)).data.appointment).toMatchObject({ confirmation: "pending", id: null });
    // the client's retry with the same key gets the same answer and does not book twice
    const retried = await book();
    expect((await json(retried)).data.appointment).toMatchObject({ confirmation: "pending", id: null });
    expect(t.nexhealth.appointments).toHaveLength(1);
    expect(callsTo("/appointments").filter((c) => c.method === "POST")).toHaveLength(1);
    t.clock.advance(60_000);
    await t.deps.writebackPoller.pollOnce();
    const [row] = await writebacks();
    expect(row!.writeback_id).toBe(`acme-demo-practice:appointment:${t.nexhealth.appointments[0]!.id}`);
    t.nexhealth.insertAppointment(t.nexhealth.appointments[0]!.id, "complete");
    await t.nexhealth.flush();
    expect((await writebacks()).map((w) => w.status)).toEqual(["completed"]);
  });

  test("a payment is sent negative, typed and keyed by the gateway, and settled by payment_insertion", async () => {
    await setup({ insertion: "manual" });
    const paid = await call("/api/pms/payments", { body: { patientId: "415", amount: 40, method: "card" }, headers: { "idempotency-key": "pay-415-1" } });
    expect(paid.status).toBe(201);
    expect((await json(paid)).data.payment).toMatchObject({ status: "pending", amount: 40 });
    const sent = t.nexhealth.payments[0]!;
    expect(sent).toMatchObject({ payment_amount: -40, payment_type_id: 12 });
    expect(sent.transaction_id).toMatch(/^PMSGW:[0-9a-f]{40}$/);
    t.nexhealth.insertPayment(sent.transaction_id, "complete");
    await t.nexhealth.flush();
    expect((await writebacks()).map((w) => [w.action, w.status])).toEqual([["process_payment", "completed"]]);
  });
});

describe("the webhook receiver trusts only what verifies", () => {
  const insertion = (subdomain: string, id: number) => ({
    resource_type: "Appointment",
    event_name: "appointment_insertion.complete",
    event_time: "2026-12-01T14:00:00Z",
    subdomain,
    institution_id: 1,
    data: { appointment: { id, foreign_id: "1", updated_at: "2026-12-01T14:00:00Z" } },
  });

  test("unsigned, wrongly signed or stale deliveries are refused with 401 and settle nothing", async () => {
    await setup({ insertion: "manual" });
    const id = Number((await bookThursdayTen()).body.data.appointment.reference);
    const unsigned = await t.handle(
      new Request(`${GATEWAY_URL}/api/connectors/nexhealth/webhook`, { method: "POST", body: JSON.stringify(insertion("acme-demo-practice", id)) }),
    );
    expect(unsigned.status).toBe(401);
    expect((await json(unsigned)).error.code).toBe("UNAUTHORIZED");
    const forged = await t.handle(delivery(insertion("acme-demo-practice", id), { secret: "not-the-secret" }));
    expect(forged.status).toBe(401);
    const stale = await t.handle(delivery(insertion("acme-demo-practice", id), { timestamp: String(Math.floor(t.clock.now().getTime() / 1000) - 3600) }));
    expect(stale.status).toBe(401);
    expect((await writebacks()).map((w) => w.status)).toEqual(["pending"]);
  });

  test("an address that keeps sending bad signatures is slowed down with 429", async () => {
    await setup({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: "3" } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.handle(delivery({ event_name: "x" }, { secret: "guess" }));
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  test("a provider without webhooks is 404, an oversized delivery 413, each with the error envelope", async () => {
    await setup();
    const sandbox = await t.handle(new Request(`${GATEWAY_URL}/api/connectors/sandbox/webhook`, { method: "POST", body: "{}" }));
    expect([sandbox.status, (await json(sandbox)).error.code]).toEqual([404, "NOT_FOUND"]);
    const huge = await t.handle(new Request(`${GATEWAY_URL}/api/connectors/nexhealth/webhook`, { method: "POST", body: "x".repeat(300 * 1024) }));
    expect([huge.status, (await json(huge)).error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  test("a verified delivery naming another institution cannot settle this clinic's write", async () => {
    await setup({ insertion: "manual" });
    const id = Number((await bookThursdayTen()).body.data.appointment.reference);
    const res = await t.handle(delivery(insertion("other-smiles", id)));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: true, duplicate: false, settled: 0 });
    expect((await writebacks()).map((w) => w.status)).toEqual(["pending"]);
  });
});

describe("moving an appointment", () => {
  test("in place on a supported PMS, same provider only, with the new time held while it is pending", async () => {
    await setup();
    const booked = await bookThursdayTen();
    const id = booked.body.data.appointment.id;
    const otherProvider = await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: id, start: "2026-12-03T11:00:00", providerId: "84" } });
    expect(otherProvider.status).toBe(400);
    expect((await json(otherProvider)).error.message).toContain("another provider");
    const moved = await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: id, start: "2026-12-03T11:00:00" } });
    expect(moved.status).toBe(200);
    const patch = t.nexhealth.calls.find((c) => c.method === "PATCH")!;
    expect(patch.body).toMatchObject({ appt: { start_time: "2026-12-03T16:00:00+0000", end_time: "2026-12-03T16:30:00+0000" } });
    const holds = await t.database.client.execute("select count(*) as n from pms_booking_holds where status = 'pending' and reference is not null");
    expect(Number(holds.rows[0]!.n)).toBe(1);
  });
});

describe("per-PMS limits and sync health", () => {
  test("a Curve location books, but cannot move, cancel, register, note or pay: UNSUPPORTED_BY_PMS with a sayable message", async () => {
    t = await makeNexHealthTestApp();
    clinic = await t.nexhealthClinic("Other", { subdomain: "other-smiles", locationId: 9 });
    t.nexhealth.patients.push({
      id: 901,
      first_name: "Ola",
      last_name: "Curve",
      name: "Ola Curve",
      email: "o@example.com",
      institution_id: 2,
      location_ids: [9],
      bio: { date_of_birth: "1990-01-01", phone_number: "2025550901" },
    });
    const booked = await call("/api/pms/appointments", { body: { patientId: "901", start: "2026-12-03T10:00:00", durationMinutes: 30 } });
    expect(booked.status).toBe(201);
    const appointment = (await json(booked)).data.appointment;
    const id = appointment.id ?? appointment.reference;
    const attempts = [
      await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: id } }),
      await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: id, start: "2026-12-03T11:00:00" } }),
      await call("/api/pms/patients", {
        body: { firstName: "New", lastName: "Person", dateOfBirth: "1990-02-02", phone: "2025550999", email: "n@example.com" },
      }),
      await call("/api/pms/patients/901/notes", { body: { text: "Prefers mornings" } }),
      await call("/api/pms/payments", { body: { patientId: "901", amount: 10, method: "cash" } }),
    ];
    for (const res of attempts) {
      const body = await json(res);
      expect({ status: res.status, body }).toMatchObject({ status: 501 });
      expect(body.error.code).toBe("UNSUPPORTED_BY_PMS");
      expect(body.error.message).toContain("office");
    }
    expect(t.nexhealth.calls.filter((c) => c.method === "PATCH" || c.path === "/payments" || c.path.endsWith("/alerts"))).toEqual([]);
  });

  test("when NexHealth reports writes to the PMS failing, writes are refused before they are sent", async () => {
    await setup();
    t.acme.writeStatus = "red";
    t.clock.advance(2 * 60_000);
    const { status, body } = await bookThursdayTen();
    expect(status).toBe(503);
    expect(body.error.code).toBe("PMS_UNAVAILABLE");
    expect(callsTo("/appointments").filter((c) => c.method === "POST")).toEqual([]);
  });
});

describe("a Vapi conversation on a NexHealth clinic", () => {
  let turn = 0;
  const say = async (callId: string, name: string, args: unknown) => {
    const res = await json(
      await t.handle(webhook(toolCallsMessage([{ id: `${name}-${++turn}`, name, arguments: args }], { callId, callerNumber: "+12025550123" }))),
    );
    if (!res.results?.[0]?.result) throw new Error(JSON.stringify(res));
    return splitResult(res.results[0].result);
  };

  test("verify, book (pending, then confirmed by the signed webhook); a second booking whose insertion fails is recorded", async () => {
    await setup({ insertion: "manual" });
    const verified = await say("call-nh", "search_patients", { firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10" });
    expect(verified.data.verified).toBe(true);
    const booked = await say("call-nh", "book_appointment", { patientId: "415", start: "2026-12-03T10:00:00", durationMinutes: 30 });
    expect(booked.data.appointment.confirmation).toBe("pending");
    expect(booked.sentence.toLowerCase()).toContain("office will confirm");
    t.nexhealth.insertAppointment(Number(booked.data.appointment.reference), "complete");
    const second = await say("call-nh", "book_appointment", { patientId: "415", start: "2026-12-04T10:00:00", durationMinutes: 30 });
    expect(second.data.appointment.confirmation).toBe("pending");
    t.nexhealth.insertAppointment(Number(second.data.appointment.reference), "failed");
    await t.nexhealth.flush();
    expect((await writebacks()).map((w) => w.status)).toEqual(["completed", "failed"]);
    expect((await settledAudit()).map((a) => a.success)).toEqual([1, 0]);
  });
});
