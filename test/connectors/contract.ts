import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { json, jsonRequest } from "../helpers/request";

export type ContractHarness = {
  handle(request: Request): Promise<Response>;
  /** Headers of a clinic token for a clinic on the connector under test. */
  headers: Record<string, string>;
  close(): void;
};

/**
 * The behaviour every PMS connector must show through the gateway's REST operations, whatever the
 * vendor. Data-agnostic: it creates what it needs, so the same suite runs on the sandbox and on Sikka.
 */
export function runConnectorContract(name: string, setup: () => Promise<ContractHarness>) {
  describe(`connector contract: ${name}`, () => {
    let h: ContractHarness;
    let patientId: string;
    let appointmentId: string;
    let providerId: string;
    const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) =>
      h.handle(jsonRequest(path, { ...init, headers: { ...h.headers, ...init.headers } }));

    beforeAll(async () => {
      h = await setup();
    });
    afterAll(() => h.close());

    test("create a patient, then find them by name + date of birth and by phone", async () => {
      const created = await call("/api/pms/patients", {
        body: { firstName: "Contract", lastName: "Tester", dateOfBirth: "1991-03-04", phone: "(202) 555-0177", email: "contract.tester@example.com" },
      });
      expect(created.status).toBe(201);
      const patient = (await json(created)).data.patient;
      expect(patient).toMatchObject({ firstName: "Contract", lastName: "Tester", dateOfBirth: "1991-03-04", phone: "+12025550177" });
      expect(typeof patient.id).toBe("string");
      patientId = patient.id;
      const byName = await json(await call("/api/pms/patients/search", { body: { firstName: "Contract", lastName: "Tester", dateOfBirth: "1991-03-04" } }));
      expect(byName.data.patients.map((p: { id: string }) => p.id)).toEqual([patientId]);
      const byPhone = await json(await call("/api/pms/patients/search", { body: { phone: "202-555-0177" } }));
      expect(byPhone.data.patients.map((p: { id: string }) => p.id)).toContain(patientId);
      const none = await json(await call("/api/pms/patients/search", { body: { lastName: "Zzyzx" } }));
      expect(none.data.patients).toEqual([]);
    });

    test("get the patient; unknown ids are PATIENT_NOT_FOUND", async () => {
      const got = await json(await call(`/api/pms/patients/${patientId}`));
      expect(got.data.patient.id).toBe(patientId);
      const missing = await call("/api/pms/patients/99999999");
      expect(missing.status).toBe(404);
      expect((await json(missing)).error.code).toBe("PATIENT_NOT_FOUND");
    });

    test("availability, then book the first slot: it is confirmed and no longer offered", async () => {
      const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=20"))).data.slots;
      expect(slots.length).toBeGreaterThan(0);
      const first = slots[0];
      const booked = await call("/api/pms/appointments", { body: { patientId, start: first.start, durationMinutes: 30, providerId: first.providerId } });
      expect(booked.status).toBe(201);
      const appointment = (await json(booked)).data.appointment;
      expect(appointment).toMatchObject({ patientId, start: first.start, status: "scheduled", confirmation: "confirmed" });
      expect(typeof appointment.id).toBe("string");
      appointmentId = appointment.id;
      providerId = first.providerId;
      const after = (await json(await call(`/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=20&providerId=${first.providerId}`)))
        .data.slots;
      expect(after.some((s: { start: string; providerId: string }) => s.start === first.start)).toBe(false);
      const clash = await call("/api/pms/appointments", { body: { patientId, start: first.start, durationMinutes: 30, providerId: first.providerId } });
      expect(clash.status).toBe(409);
    });

    test("reschedule and cancel the appointment", async () => {
      const free = (await json(await call(`/api/pms/appointments/availability?date=2026-12-04&durationMinutes=30&limit=20&providerId=${providerId}`))).data
        .slots;
      const target = free[free.length - 1].start;
      const moved = await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId, start: target } });
      expect({ target, status: moved.status, body: moved.status === 200 ? null : await moved.clone().json() }).toEqual({ target, status: 200, body: null });
      expect((await json(moved)).data.appointment.start).toBe(target);
      const cancelled = await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId } });
      expect(cancelled.status).toBe(200);
      expect((await json(cancelled)).data.appointment.status).toBe("cancelled");
      const missing = await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: "424242424" } });
      expect((await json(missing)).error.code).toBe("APPOINTMENT_NOT_FOUND");
    });

    test("note, balance, insurance and payment", async () => {
      const note = await call(`/api/pms/patients/${patientId}/notes`, { body: { text: "Prefers afternoons" } });
      expect(note.status).toBe(201);
      const balance = await json(await call(`/api/pms/patients/${patientId}/balance`));
      expect(balance.data.balance).toMatchObject({ patientId, currency: "USD" });
      expect(typeof balance.data.balance.total).toBe("number");
      const insurance = await json(await call(`/api/pms/patients/${patientId}/insurance`));
      expect(Array.isArray(insurance.data.insurance)).toBe(true);
      const paid = await call("/api/pms/payments", { body: { patientId, amount: 12.5, method: "cash" } });
      expect(paid.status).toBe(201);
      expect((await json(paid)).data.payment).toMatchObject({ patientId, amount: 12.5, method: "cash" });
    });
  });
}
