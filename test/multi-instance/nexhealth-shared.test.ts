import { afterEach, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { createApp } from "../../src/app";
import { openDatabase } from "../../src/db/client";
import { createDeps } from "../../src/deps";
import { makeNexHealthTestApp, type NexHealthTestApp } from "../helpers/nexhealth";
import { json, jsonRequest } from "../helpers/request";

/**
 * NexHealth state that must hold across instances: the token per API key and the webhook signing
 * secret live sealed in the database, so a second instance (nothing shared in memory) uses the first
 * one's token and verifies deliveries for writes the first one made.
 */
let t: NexHealthTestApp;
afterEach(() => t.close());

test("a second instance reuses the sealed token and settles the first instance's booking from a webhook", async () => {
  t = await makeNexHealthTestApp({ fileDatabase: true, insertion: "manual" });
  const clinic = await t.nexhealthClinic("Downtown", { subdomain: "acme-demo-practice", locationId: 7 });
  const booked = await json(
    await t.handle(
      jsonRequest("/api/pms/appointments", { headers: clinic.headers, body: { patientId: "415", start: "2026-12-03T10:00:00", durationMinutes: 30 } }),
    ),
  );
  expect(booked.data.appointment.confirmation).toBe("pending");

  const database = await openDatabase(t.deps.config.database);
  try {
    const second = createApp(createDeps({ config: t.deps.config, db: database.db, clock: t.clock, logger: t.deps.logger }));
    const read = await second.handle(jsonRequest("/api/pms/patients/415", { headers: clinic.headers }));
    expect(read.status).toBe(200);
    expect(t.nexhealth.calls.filter((c) => c.path === "/authenticates")).toHaveLength(1);

    // NexHealth's delivery reaches the second instance this time.
    const appointment = t.nexhealth.appointments[0]!;
    appointment.foreign_id = "777";
    const endpoint = t.nexhealth.endpoints[0]!;
    const raw = JSON.stringify({
      resource_type: "Appointment",
      event_name: "appointment_insertion.complete",
      subdomain: "acme-demo-practice",
      data: { appointment: { ...appointment } },
    });
    const timestamp = String(Math.floor(t.clock.now().getTime() / 1000));
    const signature = createHmac("sha256", endpoint.secret_key)
      .update(`${timestamp}.${Buffer.from(raw).toString("base64")}`)
      .digest("hex");
    const delivered = await second.handle(new Request(endpoint.target_url, { method: "POST", headers: { timestamp, signature }, body: raw }));
    expect(delivered.status).toBe(200);
    expect(await json(delivered)).toEqual({ received: true, duplicate: false, settled: 1 });
    const rows = await t.database.client.execute("select status from pms_writebacks");
    expect(rows.rows.map((r) => r.status)).toEqual(["completed"]);
  } finally {
    database.close();
  }
});
