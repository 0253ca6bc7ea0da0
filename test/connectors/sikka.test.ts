// Longer than 300 lines on purpose: every Sikka behaviour the gateway depends on, run against one fake
// Sikka with the same two practices, so a reader sees the whole vendor contract in one place.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app";
import { createDeps } from "../../src/deps";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, type SikkaTestApp } from "../helpers/sikka";
import { CLINIC_PHONE_NUMBER_ID, splitResult, toolCallsMessage, webhook } from "../helpers/vapi";

/** A patient row as the fake practice holds one the front desk entered without phone or email. */
const patientRow = (id: string, firstname: string, lastname: string, birthdate: string) => ({
  patient_id: id,
  practice_id: "1",
  firstname,
  lastname,
  birthdate,
  cell: "",
  email: "",
});

let t: SikkaTestApp;
let north: Awaited<ReturnType<SikkaTestApp["sikkaClinic"]>>;
beforeEach(async () => {
  t = await makeSikkaTestApp();
  north = await t.sikkaClinic("North", { officeId: "D20006", secretKey: "secret-north", practiceId: "1" }, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
});
afterEach(() => t.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}, headers = north.headers) =>
  t.handle(jsonRequest(path, { ...init, headers: { ...headers, ...init.headers } }));
const dataCalls = () => t.sikka.calls.filter((c) => c.path !== "/request_key" && c.path !== "/authorized_practices");

describe("credentials bind a clinic to exactly its own office and practice", () => {
  test("a practice the office has not authorized is refused with a clear error; nothing is stored", async () => {
    const wrong = await t.sikkaClinic("Wrong", { officeId: "D20006", secretKey: "secret-north", practiceId: "9" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("practice 9 is not among the practices Sikka has authorized for office D20006");
    const badSecret = await t.sikkaClinic("Bad secret", { officeId: "D20006", secretKey: "not-it", practiceId: "1" });
    expect(badSecret.status).toBe(400);
    expect(JSON.stringify(badSecret.body)).not.toContain("not-it");
    const rows = await t.database.client.execute("select count(*) as n from pms_integrations where provider = 'sikka'");
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  test("two practices under one office and app never see each other's data", async () => {
    const south = await t.sikkaClinic("South", { officeId: "D20006", secretKey: "secret-north", practiceId: "1-1" });
    expect(south.status).toBe(200);
    const fromNorth = await json(await call("/api/pms/patients/search", { body: { lastName: "Southwell" } }));
    expect(fromNorth.data.patients).toEqual([]);
    const fromSouth = await json(await call("/api/pms/patients/search", { body: { lastName: "Southwell" } }, south.headers));
    expect(fromSouth.data.patients).toHaveLength(1);
    // every data call carried the clinic's own practice id
    for (const c of dataCalls()) if (c.practiceId) expect(["1", "1-1"]).toContain(c.practiceId);
    const southCalls = dataCalls().filter((c) => c.practiceId === "1-1");
    expect(southCalls.length).toBeGreaterThan(0);
  });

  test("a row that does not name this practice is not this practice's: no patient, no search result, no appointment", async () => {
    const { practice_id: _, ...unnamed } = patientRow("7099", "Nola", "Unclaimed", "1990-02-03");
    t.north.patients.push(unnamed);
    t.north.appointments.push({
      appointment_sr_no: "A-UNNAMED",
      patient_id: "7001",
      provider_id: "DDS1",
      date: "2026-12-03T00:00:00",
      time: "09:00",
      length: "30",
    });
    expect((await call("/api/pms/patients/7099")).status).toBe(404);
    const found = await json(await call("/api/pms/patients/search", { body: { lastName: "Unclaimed" } }));
    expect(found.data.patients).toEqual([]);
    expect((await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: "A-UNNAMED" } })).status).toBe(404);
  });
});

describe("reading Sikka's data", () => {
  test("search finds a patient beyond the first page (offset is a page index) and parses all-string values", async () => {
    const res = await json(await call("/api/pms/patients/search", { body: { firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10" } }));
    expect(res.data.patients).toEqual([
      { id: "7001", firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10", phone: "+12025550123", email: "carlene@example.com" },
    ]);
    const byDob = await json(await call("/api/pms/patients/search", { body: { dateOfBirth: "1984-12-10" } }));
    expect(byDob.data.patients.map((p: { id: string }) => p.id)).toEqual(["7001"]);
    const filler = await json(await call("/api/pms/patients/search", { body: { query: "Filler" } }));
    expect(filler.data.patients).toHaveLength(10); // at most 10, from a scan across pages
    const pages = t.sikka.calls.filter((c) => c.path === "/patients" && c.query.includes("search=filler"));
    expect(pages.map((p) => new URLSearchParams(p.query).get("offset"))).toEqual(["0"]);
  });

  test("a scan follows pagination.next across pages", async () => {
    for (let i = 0; i < 1200; i++) t.north.patients.push(patientRow(String(90000 + i), "Many", `Rows${i}`, "1950-05-05T00:00:00"));
    t.north.patients.push(patientRow("99999", "Last", "Rowsfinal", "1950-05-06T00:00:00"));
    t.sikka.behaviour.ignorePatientFilters = true; // Sikka returns everything: the match sits on page 3
    const res = await json(await call("/api/pms/patients/search", { body: { lastName: "Rowsfinal" } }));
    expect(res.data.patients.map((p: { id: string }) => p.id)).toEqual(["99999"]);
    const offsets = t.sikka.calls
      .filter((c) => c.path === "/patients" && c.query.includes("search=Rowsfinal"))
      .map((c) => new URLSearchParams(c.query).get("offset"));
    expect(offsets).toEqual(["0", "1", "2"]); // page indexes, not row counts
    const dobScan = await json(await call("/api/pms/patients/search", { body: { dateOfBirth: "1950-05-06" } }));
    expect(dobScan.data.patients.map((p: { id: string }) => p.id)).toEqual(["99999"]);
  });

  test("a pagination link to another host is never followed (SSRF, T26)", async () => {
    let stolen = 0;
    const elsewhere = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        stolen++;
        return new Response("{}");
      },
    });
    try {
      for (let i = 0; i < 600; i++) t.north.patients.push(patientRow(String(80000 + i), "Other", `Person${i}`, "1960-01-01T00:00:00"));
      t.north.patients.push(patientRow("88888", "Far", "Away", "1961-01-01T00:00:00"));
      t.sikka.behaviour.ignorePatientFilters = true;
      t.sikka.behaviour.nextLinkOrigin = `http://127.0.0.1:${elsewhere.port}`;
      const res = await json(await call("/api/pms/patients/search", { body: { lastName: "Away" } }));
      expect(res.data.patients.map((p: { id: string }) => p.id)).toEqual(["88888"]);
      expect(stolen).toBe(0);
    } finally {
      elsewhere.stop(true);
    }
  });

  test("unsafe upstream answers (T26): a redirect is not followed, invalid JSON and oversized bodies are errors, not empty data", async () => {
    await call("/api/pms/patients/7001");
    let followed = 0;
    const metadata = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        followed++;
        return Response.json({ items: [] });
      },
    });
    try {
      t.sikka.behaviour.rawResponse = () => new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${metadata.port}/latest/meta-data/` } });
      const redirected = await call("/api/pms/patients/7001/balance");
      expect(redirected.status).toBe(502);
      expect(followed).toBe(0);
      t.sikka.behaviour.rawResponse = () => new Response("{not json", { status: 200, headers: { "content-type": "application/json" } });
      const invalid = await call("/api/pms/patients/search", { body: { lastName: "Victoria" } });
      expect(invalid.status).toBe(502);
      expect((await json(invalid)).error.code).toBe("PMS_ERROR");
      t.sikka.behaviour.rawResponse = () => new Response(`{"items":[],"pad":"${"x".repeat(9 * 1024 * 1024)}"}`, { status: 200 });
      const huge = await call("/api/pms/patients/search", { body: { lastName: "Victoria" } });
      expect(huge.status).toBe(502);
      // The same without a declared length (chunked, valid JSON once whole): counted as it arrives and cut off past the cap.
      const chunks = ['{"items":[],"pad":"', ...Array.from({ length: 12 }, () => "x".repeat(1024 * 1024)), '"}'];
      t.sikka.behaviour.rawResponse = () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              const next = chunks.shift();
              if (next === undefined) controller.close();
              else controller.enqueue(new TextEncoder().encode(next));
            },
          }),
          { status: 200 },
        );
      const streamed = await call("/api/pms/patients/search", { body: { lastName: "Victoria" } });
      expect(streamed.status).toBe(502);
      // A compressed answer declares its compressed length (a few kilobytes here) and unpacks past the cap.
      const packed = Bun.gzipSync(new TextEncoder().encode(`{"items":[],"pad":"${"x".repeat(9 * 1024 * 1024)}"}`));
      t.sikka.behaviour.rawResponse = () => new Response(packed, { status: 200, headers: { "content-encoding": "gzip", "content-type": "application/json" } });
      const unpacked = await call("/api/pms/patients/search", { body: { lastName: "Victoria" } });
      expect(unpacked.status).toBe(502);
    } finally {
      t.sikka.behaviour.rawResponse = null;
      metadata.stop(true);
    }
  });

  test("balance and insurance expose only the minimum necessary", async () => {
    const balance = await json(await call("/api/pms/patients/7001/balance"));
    expect(balance.data.balance).toMatchObject({ patientId: "7001", total: 125.5, patientPortion: 85.5, insurancePortion: 40 });
    const insurance = await json(await call("/api/pms/patients/7001/insurance"));
    expect(insurance.data.insurance).toEqual([
      { carrier: "Delta Dental", memberIdLast4: "7766", groupNumber: "GRP-77", relationship: "self", priority: "primary" },
      { carrier: "Guardian", memberIdLast4: "3344", groupNumber: null, relationship: "spouse", priority: "secondary" },
    ]);
    expect(JSON.stringify(insurance)).not.toContain("MEM0099887766");
  });

  test("a balance is this patient's item, never another patient's when Sikka leaves the filter out", async () => {
    t.north.balances.unshift({ patient_id: "7002", patient_due: "999.00", insurance_due: "0.00", account_balance: "999.00" });
    t.sikka.behaviour.ignoreBalanceFilter = true;
    const mine = await json(await call("/api/pms/patients/7001/balance"));
    expect(mine.data.balance).toMatchObject({ patientId: "7001", total: 125.5, patientPortion: 85.5 });
    t.north.balances.splice(1);
    const others = await call("/api/pms/patients/7001/balance");
    expect(others.status).toBe(502);
    const text = await others.text();
    expect(JSON.parse(text).error.code).toBe("PMS_ERROR");
    expect(text).not.toContain("999");
  });

  test("HTTP 204 is an empty result, not an error", async () => {
    t.north.balances.length = 0;
    const balance = await json(await call("/api/pms/patients/7001/balance"));
    expect(balance.data.balance).toMatchObject({ total: 0, patientPortion: 0 });
    const insurance = await json(await call("/api/pms/patients/5001/insurance"));
    expect(insurance.data.insurance).toEqual([]);
  });

  test("availability is computed from providers, operatories and bookings in the clinic's zone", async () => {
    t.north.appointments.push({
      appointment_sr_no: "1",
      patient_id: "7001",
      provider_id: "DDS1",
      practice_id: "1",
      date: "2026-12-03T00:00:00",
      time: "09:00",
      length: "60",
      operatory: "OP1",
      status: "Scheduled",
      cancelled: "False",
    });
    t.north.appointments.push({
      appointment_sr_no: "2",
      patient_id: "7001",
      provider_id: "HYG1",
      practice_id: "1",
      date: "2026-12-03T00:00:00",
      time: "09:00",
      length: "60",
      operatory: "OP2",
      status: "Broken",
      cancelled: "False",
    });
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=20&partOfDay=morning"))).data.slots;
    const at9 = slots.filter((s: { start: string }) => s.start === "2026-12-03T09:00:00-05:00");
    // DDS1 is busy at 9 (and OP1 with it); HYG1's broken appointment does not block, and it takes the free chair
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s: { providerId: string }) => ["DDS1", "HYG1"].includes(s.providerId))).toBe(true);
    const all = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=20&providerId=DDS1"))).data.slots;
    expect(all.some((s: { start: string }) => s.start.startsWith("2026-12-03T09:"))).toBe(false);
    for (const s of at9) expect(s.providerId).toBe("HYG1");
    expect(t.sikka.calls.some((c) => c.path === "/operatories" && c.query.includes("cust_id=C1"))).toBe(true);
  });

  test("a practice reads its own customer's chairs when Sikka lists the office's other practices first", async () => {
    const south = await t.sikkaClinic("South", { officeId: "D20006", secretKey: "secret-north", practiceId: "1-1" });
    t.sikka.behaviour.ignorePracticeFilter = true;
    const res = await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30&limit=5", {}, south.headers);
    expect(res.status).toBe(200);
    const slots = (await json(res)).data.slots as Array<{ operatoryId: string | null }>;
    expect(slots.length).toBeGreaterThan(0);
    // South's own chairs: under the first practice's customer id, none of them would be listed.
    for (const s of slots) expect(["OP1", "OP2"] as Array<string | null>).toContain(s.operatoryId);
    const chairReads = t.sikka.calls.filter((c) => c.path === "/operatories" && c.practiceId === "1-1");
    expect(chairReads.length).toBeGreaterThan(0);
    for (const c of chairReads) expect(c.query).toContain("cust_id=C2");
  });

  test("a practice list without the clinic's practice fails the read instead of offering unchecked chairs", async () => {
    t.sikka.behaviour.rawResponse = () => Response.json({ offset: "0", limit: "50", total_count: "0", pagination: { next: "" }, items: [] });
    const res = await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30");
    expect(res.status).toBe(502);
    expect((await json(res)).error.code).toBe("PMS_ERROR");
  });

  test("OrthoTrac practices use Sikka's own available slots", async () => {
    t.north.pms = "OrthoTrac";
    t.north.slots.push({ provider_id: "DDS1", practice_id: "1", date: "2026-12-03T00:00:00", time: "10:00", end_time: "11:00", operatory: "OP2" });
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&durationMinutes=30"))).data.slots;
    expect(slots).toEqual([
      { start: "2026-12-03T10:00:00-05:00", end: "2026-12-03T10:30:00-05:00", providerId: "DDS1", providerName: "Avery Stone", operatoryId: "OP2" },
    ]);
  });
});

describe("request keys", () => {
  test("one request_key per practice, reused across requests and across a restart", async () => {
    for (let i = 0; i < 5; i++) await call("/api/pms/patients/7001");
    expect(t.sikka.counters.requestKeyGrants).toBe(1);
    const restarted = createApp(createDeps({ config: t.deps.config, db: t.deps.db, clock: t.clock, logger: t.deps.logger }));
    const res = await restarted.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }));
    expect(res.status).toBe(200);
    expect(t.sikka.counters.requestKeyGrants).toBe(1);
    const stored = await t.database.client.execute("select ciphertext from pms_tokens");
    expect(JSON.stringify(stored.rows)).not.toMatch(/request_?key|refresh/i);
  });

  test("concurrent first requests share one grant (no stampede)", async () => {
    await Promise.all(Array.from({ length: 8 }, () => call("/api/pms/patients/7001")));
    expect(t.sikka.counters.requestKeyGrants).toBe(1);
  });

  test("an expired key (API1025, HTTP 400) is refreshed once with the refresh_key grant and the call retried", async () => {
    await call("/api/pms/patients/7001");
    t.sikka.expireKeys();
    const res = await call("/api/pms/patients/7001");
    expect(res.status).toBe(200);
    expect(t.sikka.counters.refreshGrants).toBe(1);
    expect(t.sikka.counters.requestKeyGrants).toBe(1);
  });
});

describe("writebacks are asynchronous and reported honestly", () => {
  const book = (start = "2026-12-03T14:00:00") =>
    call("/api/pms/appointments", { body: { patientId: "7001", start, durationMinutes: 30, providerId: "DDS1" } });

  test("completed within the wait: confirmed, with the id Sikka created (never the writeback id)", async () => {
    const res = await json(await book());
    const created = [...t.sikka.writebacks.values()][0]!;
    expect(res.data.appointment.confirmation).toBe("confirmed");
    expect(res.data.appointment.id).not.toBe(created.id);
    expect(t.north.appointments.map((a) => a.appointment_sr_no)).toContain(res.data.appointment.id);
    const post = t.sikka.calls.find((c) => c.path === "/appointment");
    expect(post).toBeDefined();
  });

  test("still pending after the wait: id null, a reference, an honest summary; the poller finishes it and audits the outcome", async () => {
    t.sikka.behaviour.writebackPolls = 1000;
    const res = await book();
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.data.appointment).toMatchObject({ id: null, confirmation: "pending" });
    expect(body.data.appointment.reference).toMatch(/^ref_/);
    expect(body.summary).toContain("the office will confirm");
    const tracked = await t.database.client.execute("select * from pms_writebacks");
    expect(tracked.rows).toHaveLength(1);
    expect(tracked.rows[0]!.reference).toBe(body.data.appointment.reference);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 0, failed: 0, pending: 0 }); // not due yet
    t.clock.advance(15_001);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 0, failed: 0, pending: 1 });
    for (const wb of t.sikka.writebacks.values()) wb.pollsLeft = 0;
    t.clock.advance(30_001); // the next check backs off
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 1, failed: 0, pending: 0 });
    const audit = await t.database.client.execute("select action, actor, success, request_id from pms_audit_logs where actor = 'system'");
    expect(audit.rows.map((r) => [r.action, r.actor, r.success, r.request_id])).toEqual([["book_appointment", "system", 1, body.data.appointment.reference]]);
    const done = await t.database.client.execute("select status, created_id from pms_writebacks");
    expect(done.rows[0]!.status).toBe("completed");
  });

  test("a new patient still pending has no id yet, only a reference (a writeback id is never an id)", async () => {
    t.sikka.behaviour.writebackPolls = 1000;
    const res = await json(
      await call("/api/pms/patients", { body: { firstName: "Pending", lastName: "Person", dateOfBirth: "1990-01-01", phone: "2025550166" } }),
    );
    expect(res.data.patient).toMatchObject({ id: null, confirmation: "pending", firstName: "Pending" });
    expect(res.data.patient.reference).toMatch(/^ref_/);
    const writebackIds = [...t.sikka.writebacks.keys()];
    expect(writebackIds).not.toContain(res.data.patient.reference);
  });

  test("a write that times out is never sent again: it is answered pending, and the retry gets the same answer (T19)", async () => {
    t.sikka.behaviour.writeDelayMs = 6000;
    const retry = () =>
      call("/api/pms/appointments", {
        body: { patientId: "7001", start: "2026-12-03T14:00:00", durationMinutes: 30, providerId: "DDS1" },
        headers: { "idempotency-key": "slow-1" },
      });
    const first = await json(await retry());
    expect(first.data.appointment).toMatchObject({ id: null, confirmation: "pending" });
    expect(first.summary).toContain("the office will confirm");
    t.sikka.behaviour.writeDelayMs = 0;
    const second = await json(await retry());
    expect(second).toEqual(first);
    expect(t.sikka.calls.filter((c) => c.path === "/appointment")).toHaveLength(1);
  }, 20_000);

  test("has_error is a clear PMS_ERROR, not a booking", async () => {
    t.sikka.behaviour.writebackError = "Invalid description";
    const res = await book();
    expect(res.status).toBe(502);
    expect((await json(res)).error).toMatchObject({ code: "PMS_ERROR", message: "The practice system refused the change." });
  });

  test("an offline office server (412, API2017) is PMS_UNAVAILABLE, never a success, and is audited", async () => {
    t.sikka.behaviour.spuOffline = true;
    const res = await book();
    expect(res.status).toBe(503);
    expect((await json(res)).error.message).toContain("office's server is offline");
    const post = t.sikka.calls.filter((c) => c.path === "/appointment");
    expect(post).toHaveLength(1);
    const audit = await t.database.client.execute("select success, error_code from pms_audit_logs where action = 'book_appointment'");
    expect(audit.rows.map((r) => [r.success, r.error_code])).toEqual([[0, "PMS_UNAVAILABLE"]]);
  });

  test("the slot is re-checked against current appointments right before booking", async () => {
    t.north.appointments.push({
      appointment_sr_no: "55",
      patient_id: "5001",
      provider_id: "DDS1",
      practice_id: "1",
      date: "2026-12-03T00:00:00",
      time: "14:00",
      length: "30",
      operatory: "OP1",
      status: "Scheduled",
      cancelled: "False",
    });
    const res = await book();
    expect(res.status).toBe(409);
    expect(t.sikka.calls.some((c) => c.path === "/appointment")).toBe(false);
  });

  test("write bodies carry check_spu, the practice id and sanitized text", async () => {
    await call("/api/pms/patients/7001/notes", { body: { text: "Caller <script> asked about {whitening} & braces\nthanks" } });
    const note = t.north.notes[0]!;
    expect(note.text).toBe("Caller script asked about whitening & braces thanks");
    expect(note.type).toBe("PatNote");
    await book();
    const writes = t.sikka.calls.filter((c) => c.method !== "GET" && c.path !== "/request_key");
    expect(writes.map((w) => w.path)).toEqual(["/medical_notes", "/appointment"]);
    for (const w of writes) expect(w.body).toMatchObject({ check_spu: true, practice_id: "1" });
    expect(writes[1]!.body).toMatchObject({ patient_id: "7001", date: "2026-12-03", time: "14:00", length: "30", provider_id: "DDS1", operatory: "OP1" });
  });

  test("cancel sets the practice's cancel status by PATCH; payment uses a non-insurance payment code", async () => {
    t.north.appointments.push({
      appointment_sr_no: "77",
      patient_id: "7001",
      provider_id: "DDS1",
      practice_id: "1",
      date: "2026-12-05T00:00:00",
      time: "10:00",
      length: "30",
      operatory: "OP1",
      status: "Scheduled",
      cancelled: "False",
    });
    const cancelled = await json(await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: "77" } }));
    expect(cancelled.data.appointment).toMatchObject({ id: "77", status: "cancelled", confirmation: "confirmed" });
    expect(t.north.appointments.find((a) => a.appointment_sr_no === "77")!.cancelled).toBe("True");
    const paid = await json(await call("/api/pms/payments", { body: { patientId: "7001", amount: 20, method: "card", paymentToken: "tok_1" } }));
    expect(paid.data.payment).toMatchObject({ amount: 20, status: "posted" });
    expect(t.north.transactions[0]).toMatchObject({ procedure_code: "3.50", amount: "20.00" });
  });
});

describe("resilience", () => {
  test("a 429 with Retry-After on a read is waited out and retried", async () => {
    await call("/api/pms/patients/7001");
    t.sikka.behaviour.rateLimitNext = 1;
    const res = await call("/api/pms/patients/7001");
    expect(res.status).toBe(200);
  });

  test("one clinic's dead office server trips its own breaker, fails fast, and leaves other clinics alone", async () => {
    const south = await t.sikkaClinic("South", { officeId: "D20006", secretKey: "secret-north", practiceId: "1-1" });
    await call("/api/pms/patients/7001");
    t.sikka.behaviour.failNext = 1_000_000;
    for (let i = 0; i < 3; i++) expect((await call("/api/pms/patients/7001")).status).toBe(503);
    const before = t.sikka.calls.length;
    const fast = await call("/api/pms/patients/7001");
    expect(fast.status).toBe(503);
    expect((await json(fast)).error.message).toContain("not responding");
    expect(t.sikka.calls.length).toBe(before); // the breaker answered without calling Sikka
    t.sikka.behaviour.failNext = 0;
    const other = await call("/api/pms/patients/search", { body: { lastName: "Southwell" } }, south.headers);
    expect(other.status).toBe(200);
  });

  test("a per-clinic bulkhead caps Sikka calls in flight; another clinic is not held up (T24)", async () => {
    const south = await t.sikkaClinic("South", { officeId: "D20006", secretKey: "secret-north", practiceId: "1-1" });
    await call("/api/pms/patients/7001");
    await call("/api/pms/patients/search", { body: { lastName: "Southwell" } }, south.headers);
    t.sikka.maxInFlight.clear();
    t.sikka.behaviour.delayMs = 150;
    let burstDone = false;
    const burst = Promise.all(Array.from({ length: 40 }, () => call("/api/pms/patients/7001"))).then((r) => {
      burstDone = true;
      return r;
    });
    // Wait (by event, not by time) until this clinic's bulkhead is full at the fake.
    await t.sikka.untilInFlight("1", 10);
    const other = await call("/api/pms/patients/search", { body: { lastName: "Southwell" } }, south.headers);
    // The other clinic is answered while this clinic's queue is still draining (it waits for no one's slot).
    expect(burstDone).toBe(false);
    const results = await burst;
    t.sikka.behaviour.delayMs = 0;
    expect(other.status).toBe(200);
    expect(t.sikka.maxInFlight.get("1")).toBeLessThanOrEqual(10);
    expect(results.every((r) => r.status === 200)).toBe(true);
  }, 20_000);

  test("a Sikka that does not answer in time is PMS_TIMEOUT within the caller's budget", async () => {
    await call("/api/pms/patients/7001");
    t.sikka.behaviour.delayMs = 6000;
    const res = await call("/api/pms/patients/7001/balance");
    t.sikka.behaviour.delayMs = 0;
    // Answered with a timeout, so without waiting for Sikka's late (6 s) answer.
    expect(res.status).toBe(504);
    expect((await json(res)).error.code).toBe("PMS_TIMEOUT");
  }, 15_000);

  test("no Sikka key, secret or response body reaches the logs", async () => {
    await call("/api/pms/patients/7001");
    await call("/api/pms/patients/7001/insurance");
    t.sikka.behaviour.spuOffline = true;
    await call("/api/pms/patients/7001/notes", { body: { text: "hello" } });
    await t.idle();
    const logs = t.logLines.join("\n");
    for (const secret of ["secret-north", "app-test-key", "Carlene", "MEM0099887766", "request_key", "Delta Dental"]) expect(logs).not.toContain(secret);
  });
});

describe("through the Vapi server URL", () => {
  test("a verified caller books on Sikka; the result is honest about confirmation", async () => {
    const callId = "sikka-call-1";
    const verify = await json(
      await t.handle(
        webhook(
          toolCallsMessage([{ id: "v", name: "search_patients", arguments: { firstName: "Carlene", lastName: "Victoria", dateOfBirth: "1984-12-10" } }], {
            callId,
            callerNumber: "+12025550123",
          }),
        ),
      ),
    );
    expect(splitResult(verify.results[0].result).data.verified).toBe(true);
    const booked = await json(
      await t.handle(
        webhook(
          toolCallsMessage([{ id: "b", name: "book_appointment", arguments: { patientId: "7001", start: "2026-12-03T15:00:00", durationMinutes: 30 } }], {
            callId,
            callerNumber: "+12025550123",
          }),
        ),
      ),
    );
    const { sentence, data } = splitResult(booked.results[0].result);
    expect(data.appointment.confirmation).toBe("confirmed");
    expect(sentence).toContain("is booked for Thursday, December 3 at 3:00 PM");
  });
});

describe("never cache a failure", () => {
  test("practice facts that failed to load are asked for again after a short pause, not kept empty for an hour", async () => {
    t.sikka.behaviour.failNext = 1_000;
    const failed = await call("/api/pms/patients/7001/notes", { body: { text: "First try." } });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    t.sikka.behaviour.failNext = 0;
    const noteTypeCalls = () => t.sikka.calls.filter((c) => c.path === "/note_types").length;
    const before = noteTypeCalls();
    t.clock.advance(31_000);
    const ok = await call("/api/pms/patients/7001/notes", { body: { text: "Second try." } });
    expect(ok.status).toBe(201);
    expect(noteTypeCalls()).toBeGreaterThan(before);
  });
});
