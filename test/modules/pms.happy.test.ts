import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app";
import { openDatabase } from "../../src/db/client";
import { createDeps } from "../../src/deps";
import { adminToken, makeClinicTestApp } from "../helpers/app";
import { bearer, envelope, json, jsonRequest, signedRequest } from "../helpers/request";

let t: Awaited<ReturnType<typeof makeClinicTestApp>>;
let accountId: string;

beforeEach(async () => {
  // These tests are about credentials, not the caller gate (it has its own tests): REST with a Vapi credential is ungated here.
  t = await makeClinicTestApp({ account: { restCallerGate: false } });
  ({ accountId } = t);
});
afterEach(() => t.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) => t.call(path, init);

async function findJane() {
  const res = await call("/api/pms/patients/search", { body: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } });
  const body = await json(res);
  return body.data.patients[0] as { id: string };
}

describe("the eleven PMS operations on the sandbox PMS", () => {
  test("check availability: free slots only, inside office hours, in the clinic's zone, none in the past", async () => {
    const res = await call("/api/pms/appointments/availability?date=2026-12-02&limit=20");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = await json(res);
    expect(body.summary).toMatch(/opening/);
    expect(body.data.slots.length).toBeGreaterThan(0);
    expect(body.data.slots.length).toBeLessThanOrEqual(20);
    for (const slot of body.data.slots) {
      expect(slot.start).toMatch(/^2026-12-02T\d{2}:\d{2}:00-05:00$/);
      const hour = Number(slot.start.slice(11, 13));
      expect(hour).toBeGreaterThanOrEqual(8);
      expect(hour).toBeLessThan(17);
      expect(typeof slot.providerName).toBe("string");
    }
  });

  test("book, reschedule and cancel an appointment", async () => {
    const jane = await findJane();
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&appointmentType=exam&limit=3"))).data.slots;
    const booked = await call("/api/pms/appointments", {
      body: { patientId: jane.id, start: slots[0].start, appointmentType: "exam", providerId: slots[0].providerId },
    });
    expect(booked.status).toBe(201);
    const appointment = (await json(booked)).data.appointment;
    expect(appointment).toMatchObject({
      patientId: jane.id,
      start: slots[0].start,
      durationMinutes: 30,
      status: "scheduled",
      confirmation: "confirmed",
      type: "exam",
    });

    // the booked time is no longer offered
    const again = (await json(await call(`/api/pms/appointments/availability?date=2026-12-03&appointmentType=exam&providerId=${slots[0].providerId}&limit=20`)))
      .data.slots;
    expect(again.some((s: { start: string }) => s.start === slots[0].start)).toBe(false);

    const moved = await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: appointment.id, start: "2026-12-04T11:00:00" } });
    expect(moved.status).toBe(200);
    const movedBody = await json(moved);
    expect(movedBody.data.appointment.start).toBe("2026-12-04T11:00:00-05:00");
    expect(movedBody.summary).toContain("Friday, December 4 at 11:00 AM");

    const cancelled = await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: appointment.id, reason: "feeling better" } });
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).data.appointment.status).toBe("cancelled");
  });

  test("search, get and create patients", async () => {
    const jane = await findJane();
    const got = await call(`/api/pms/patients/${jane.id}`);
    expect(got.status).toBe(200);
    expect((await json(got)).data.patient).toEqual({
      id: jane.id,
      firstName: "Jane",
      lastName: "Doe",
      dateOfBirth: "1985-04-12",
      phone: "+12025550101",
      email: "jane.doe@example.com",
    });

    const byQuery = await json(await call("/api/pms/patients/search?query=garcia", { body: {} }));
    expect(byQuery.data.patients.map((p: { lastName: string }) => p.lastName)).toEqual(["Garcia"]);
    const byPhone = await json(await call("/api/pms/patients/search", { body: { phone: "(202) 555-0107" } }));
    expect(byPhone.data.patients.map((p: { firstName: string }) => p.firstName).sort()).toEqual(["Emma", "Liam"]);

    const created = await call("/api/pms/patients", {
      body: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1990-12-10", phone: "202-555-0199", email: "ada@example.com" },
    });
    expect(created.status).toBe(201);
    const patient = (await json(created)).data.patient;
    expect(patient).toMatchObject({ firstName: "Ada", lastName: "Lovelace", phone: "+12025550199" });
    const found = await json(await call("/api/pms/patients/search", { body: { query: "Ada Lovelace" } }));
    expect(found.data.patients[0].id).toBe(patient.id);
  });

  test("notes, balance, insurance and payments", async () => {
    const jane = await findJane();
    const note = await call(`/api/pms/patients/${jane.id}/notes`, { body: { text: "Prefers morning appointments", type: "scheduling" } });
    expect(note.status).toBe(201);
    expect((await json(note)).data.note).toMatchObject({ patientId: jane.id });

    const balance = await json(await call(`/api/pms/patients/${jane.id}/balance`));
    expect(balance.data.balance).toMatchObject({ patientId: jane.id, total: 165, patientPortion: 120, insurancePortion: 45, currency: "USD" });
    expect(balance.summary).toBe("The patient owes $120.00, and $45.00 is pending with insurance.");

    const insurance = await json(await call(`/api/pms/patients/${jane.id}/insurance`));
    expect(insurance.data.insurance).toEqual([
      { carrier: "Delta Dental", memberIdLast4: "1222", groupNumber: "G-1001", relationship: "self", priority: "primary" },
      { carrier: "MetLife Dental", memberIdLast4: "8877", groupNumber: null, relationship: "spouse", priority: "secondary" },
    ]);

    const paid = await call("/api/pms/payments", { body: { patientId: jane.id, amount: 20.5, method: "card", paymentToken: "tok_visa_4242" } });
    expect(paid.status).toBe(201);
    expect((await json(paid)).data.payment).toMatchObject({ patientId: jane.id, amount: 20.5, currency: "USD", status: "posted", method: "card" });
    const after = await json(await call(`/api/pms/patients/${jane.id}/balance`));
    expect(after.data.balance.patientPortion).toBe(99.5);
  });

  test("a booking persists across a restart: a new app, new services and a new connection on the same database file", async () => {
    const first = await makeClinicTestApp({ fileDatabase: true });
    const jane = (await json(await first.call("/api/pms/patients/search", { body: { query: "Jane Doe" } }))).data.patients[0];
    const booked = await json(
      await first.call("/api/pms/appointments", { body: { patientId: jane.id, start: "2026-12-07T15:00:00", appointmentType: "consultation" } }),
    );
    // The first process's state is gone: its database connection is closed, its caches with it.
    first.database.close();
    const database = await openDatabase(first.deps.config.database);
    try {
      const restarted = createApp(createDeps({ config: first.deps.config, db: database.db, clock: first.clock, logger: first.deps.logger }));
      const res = await restarted.handle(
        jsonRequest("/api/pms/appointments", { method: "DELETE", headers: first.headers, body: { appointmentId: booked.data.appointment.id } }),
      );
      expect((await json(res)).data.appointment.start).toBe("2026-12-07T15:00:00-05:00");
    } finally {
      database.close();
      first.close();
    }
  });

  test("the same operations through the Vapi HMAC scheme with the seed's envelope, and an admin token", async () => {
    const signed = await t.handle(signedRequest("/api/pms/patients/search", { body: envelope(accountId, { query: "Jane Doe" }) }));
    expect(signed.status).toBe(200);
    expect((await json(signed)).data.patients.length).toBe(2);

    const admin = await t.handle(
      jsonRequest("/api/pms/appointments/availability?date=2026-12-02", { headers: { ...bearer(await adminToken()), "x-account-id": accountId } }),
    );
    expect(admin.status).toBe(200);
  });
});
