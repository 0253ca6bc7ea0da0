import { describe, expect, test } from "bun:test";
import { clinicToken, createSandboxClinic, makeTestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";
import { runConnectorContract } from "./contract";

runConnectorContract("sandbox", async () => {
  const t = await makeTestApp();
  const account = await createSandboxClinic(t.deps);
  return { handle: t.handle, headers: bearer(await clinicToken(account.id)), close: t.close };
});

describe("sandbox booking: the patient is checked by the booking statement itself", () => {
  test("an unknown patient at a free slot is PATIENT_NOT_FOUND and nothing is booked; a known one books it", async () => {
    const t = await makeTestApp();
    try {
      const account = await createSandboxClinic(t.deps);
      const headers = bearer(await clinicToken(account.id));
      const call = (path: string, body?: unknown) => t.handle(jsonRequest(path, { headers, ...(body ? { method: "POST", body } : {}) }));
      const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=1"))).data.slots;
      const slot = slots[0];
      const missing = await call("/api/pms/appointments", { patientId: "999999", start: slot.start, durationMinutes: 30, providerId: slot.providerId });
      expect(missing.status).toBe(404);
      expect((await json(missing)).error.code).toBe("PATIENT_NOT_FOUND");
      const still = (await json(await call(`/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=1&providerId=${slot.providerId}`))).data
        .slots;
      expect(still[0].start).toBe(slot.start);
      const booked = await call("/api/pms/appointments", { patientId: "1", start: slot.start, durationMinutes: 30, providerId: slot.providerId });
      expect(booked.status).toBe(201);
    } finally {
      t.close();
    }
  });
});
