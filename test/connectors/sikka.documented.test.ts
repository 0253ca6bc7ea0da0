import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { MAX_PAGE_SIZE, MAX_PAGES } from "../../src/connectors/sikka/client";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, SIKKA_APP, type SikkaTestApp } from "../helpers/sikka";

/** Each rule of Sikka as the vendor documents it, against a fake that behaves that way. */
let t: SikkaTestApp;
let north: Awaited<ReturnType<SikkaTestApp["sikkaClinic"]>>;
beforeEach(async () => {
  t = await makeSikkaTestApp();
  north = await t.sikkaClinic("North", { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
});
afterEach(() => t.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}, headers = north.headers) =>
  t.handle(jsonRequest(path, { ...init, headers: { ...headers, ...init.headers } }));

describe("payments", () => {
  test("the transaction writeback sends a patient payment type's code and description; insurance and adjustment types are excluded by Sikka's filters", async () => {
    for (const [method, code, description] of [
      ["cash", "1", "Cash Payment"],
      ["check", "6", "Check Payment' Thank You"],
      ["card", "3.50", "Visa/MasterCard Payment"],
    ] as const) {
      const res = await call("/api/pms/payments", { body: { patientId: "7001", amount: 5, method, ...(method === "card" ? { paymentToken: "tok_1" } : {}) } });
      expect({ method, status: res.status }).toEqual({ method, status: 201 });
      const posted = t.sikka.calls.filter((c) => c.path === "/transaction").at(-1)!.body!;
      expect(posted).toMatchObject({ procedure_code: code, procedure_description: description });
    }
    const filters = t.sikka.calls.filter((c) => c.path === "/payment_types").map((c) => new URLSearchParams(c.query));
    expect(filters.some((q) => q.get("is_insurance_type") === "true")).toBe(true);
    expect(filters.some((q) => q.get("is_adjustment_type") === "true")).toBe(true);
    expect(filters.some((q) => q.get("is_debit_adjustment_type") === "true")).toBe(true);
  });
});

describe("onboarding at scale", () => {
  test("a clinic whose office is past the first page of 60+ authorized practices connects; a truly absent one is refused clearly", async () => {
    t.sikka.addOtherOffices(64);
    const late = t.sikka.addPractice({ officeId: "D77777", secretKey: "late-secret", practiceId: "1" });
    expect(late.officeId).toBe("D77777");
    const ok = await t.sikkaClinic("Late", { officeId: "D77777", secretKey: "late-secret", practiceId: "1" });
    expect(ok.status).toBe(200);
    const pages = t.sikka.calls.filter((c) => c.path === "/authorized_practices").map((c) => new URLSearchParams(c.query).get("offset"));
    expect(pages).toContain("1");
    const absent = await t.sikkaClinic("Absent", { officeId: "D00000", secretKey: "x", practiceId: "1" });
    expect(absent.status).toBe(400);
    expect(absent.body.error.message).toContain("not among the practices Sikka has authorized for office D00000");
  });

  test("Sikka's Windows time zone is mapped to IANA and a disagreement is a warning in the PUT answer", async () => {
    t.north.windowsTimeZone = "Pacific Standard Time";
    const created = await json(await t.handle(jsonRequest("/api/admin/accounts", { headers: t.admin, body: { name: "TZ", timezone: "America/New_York" } })));
    const res = await json(
      await t.handle(
        jsonRequest(`/api/admin/accounts/${created.account.id}/pms`, {
          method: "PUT",
          headers: t.admin,
          body: { provider: "sikka", credentials: { officeId: "D20006", secretKey: "secret-north", practiceId: "1" } },
        }),
      ),
    );
    expect(res.pms.configured).toBe(true);
    expect(res.pms.warnings).toEqual([expect.stringContaining("America/Los_Angeles")]);
    expect(north.body.pms.warnings).toEqual([]);
  });
});

describe("pagination", () => {
  test("a filtered listing longer than one page is read page by page from our own request, never from Sikka's filter-less next links", async () => {
    // A page and twenty more of other providers' bookings that week, then the one that matters on the second page.
    for (let i = 0; i < MAX_PAGE_SIZE + 20; i++) {
      t.north.appointments.push({
        appointment_sr_no: String(20000 + i),
        patient_id: "5001",
        provider_id: `X${i}`,
        practice_id: "1",
        date: "2026-12-07T00:00:00",
        time: "08:00",
        length: "15",
        operatory: `XOP${i}`,
        cancelled: "False",
        status: "Scheduled",
      });
    }
    // Rows outside the filter: a client following `next` (which drops startdate/enddate) would mix them in.
    t.north.appointments.push({
      appointment_sr_no: "29999",
      patient_id: "5001",
      provider_id: "DDS1",
      practice_id: "1",
      date: "2027-03-01T00:00:00",
      time: "10:00",
      length: "60",
      operatory: "OP1",
      cancelled: "False",
      status: "Scheduled",
    });
    for (const [provider, chair] of [
      ["DDS1", "OP1"],
      ["HYG1", "OP2"],
    ]) {
      t.north.appointments.push({
        appointment_sr_no: `3${provider}`,
        patient_id: "5002",
        provider_id: provider!,
        practice_id: "1",
        date: "2026-12-07T00:00:00",
        time: "10:00",
        length: "60",
        operatory: chair!,
        cancelled: "False",
        status: "Scheduled",
      });
    }
    const res = await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-07T10:00:00" } });
    expect((await json(res)).error?.code).toBe("SLOT_UNAVAILABLE");
    const pages = t.sikka.calls.filter((c) => c.path === "/appointments" && c.query.includes("startdate"));
    expect(pages.map((c) => new URLSearchParams(c.query).get("offset")).slice(0, 2)).toEqual(["0", "1"]);
    for (const page of pages) expect(new URLSearchParams(page.query).get("startdate")).toBe("2026-12-07");
  });
});

describe("no double booking through the gateway", () => {
  test("a booking still pending is subtracted from availability, and a second booking of it is refused before anything is sent", async () => {
    t.sikka.behaviour.writebackPolls = 1_000; // Sikka takes its time: the booking stays pending
    const first = await json(
      await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-03T11:00:00", durationMinutes: 30, providerId: "DDS1" } }),
    );
    expect(first.data.appointment).toMatchObject({ confirmation: "pending", operatoryId: "OP1" });
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&providerId=DDS1&limit=20"))).data.slots;
    expect(slots.map((s: { start: string }) => s.start)).not.toContain("2026-12-03T11:00:00-05:00");
    const second = await call("/api/pms/appointments", { body: { patientId: "5001", start: "2026-12-03T11:00:00", durationMinutes: 30, providerId: "DDS1" } });
    expect((await json(second)).error.code).toBe("SLOT_UNAVAILABLE");
    expect(t.sikka.calls.filter((c) => c.path === "/appointment")).toHaveLength(1);
    const held = await t.database.client.execute("select count(*) as n from pms_booking_holds where status = 'pending'");
    expect(Number(held.rows[0]!.n)).toBe(1);
  });

  test("with Data-Insert: in progress, availability says the schedule may be incomplete", async () => {
    t.sikka.behaviour.dataInsertInProgress = true;
    const res = await json(await call("/api/pms/appointments/availability?date=2026-12-03"));
    expect(res.summary).toContain("may already be taken");
    expect(res.data.notice).toContain("still being loaded");
  });

  test("a writeback refused because the chair was taken at the front desk is SLOT_UNAVAILABLE with fresh alternatives on the line", async () => {
    t.sikka.behaviour.writebackError = "Operatory is already booked for this time";
    const res = await json(
      await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-03T13:00:00", durationMinutes: 30, providerId: "DDS1" } }),
    );
    expect(res.error.code).toBe("SLOT_UNAVAILABLE");
    expect(res.error.message).toContain("taken at the office");
    expect(res.error.message).toContain("Other open times that day:");
    const held = await t.database.client.execute("select count(*) as n from pms_booking_holds");
    expect(Number(held.rows[0]!.n)).toBe(0);
  });

  test("after the call, a booking refused for a taken chair is recorded for follow-up (SLOT_UNAVAILABLE in the audit log)", async () => {
    t.sikka.behaviour.writebackPolls = 1_000;
    const pending = await json(
      await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-03T14:00:00", durationMinutes: 30, providerId: "DDS1" } }),
    );
    for (const wb of t.sikka.writebacks.values()) {
      wb.pollsLeft = 0;
      wb.error = "Appointment time is not available";
    }
    t.clock.advance(15_001);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 0, failed: 1, pending: 0 });
    const rows = await t.database.client.execute({
      sql: "select action, actor, error_code from pms_audit_logs where request_id = ?",
      args: [pending.data.appointment.reference],
    });
    expect(rows.rows).toEqual([{ action: "book_appointment", actor: "system", error_code: "SLOT_UNAVAILABLE" } as never]);
  });
});

describe("unknown outcomes are never retried into duplicates", () => {
  test("a POST answered 502 that was in fact applied: pending, never sent again, found through GET /v4/writebacks and completed, and the audit log says so", async () => {
    t.sikka.behaviour.lostWriteAnswer = 502;
    const send = () =>
      call("/api/pms/appointments", {
        body: { patientId: "7001", start: "2026-12-03T15:00:00", durationMinutes: 30, providerId: "HYG1" },
        headers: { "idempotency-key": "lost-answer-1" },
      });
    const first = await json(await send());
    expect(first.data.appointment).toMatchObject({ id: null, confirmation: "pending" });
    expect(await json(await send())).toEqual(first);
    expect(t.sikka.calls.filter((c) => c.path === "/appointment")).toHaveLength(1);
    t.clock.advance(15_001);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 1, failed: 0, pending: 0 });
    const audit = await t.database.client.execute("select action, success from pms_audit_logs where actor = 'system' order by id");
    expect(audit.rows.map((r) => [r.action, r.success])).toEqual([
      ["book_appointment.reconciled", 1],
      ["book_appointment", 1],
    ]);
    expect(t.north.appointments.filter((a) => a.time === "15:00")).toHaveLength(1);
  });

  test("a POST that timed out and never reached Sikka is recorded as not received after the search window", async () => {
    t.sikka.behaviour.lostWriteAnswer = 504;
    const first = await json(await call("/api/pms/patients/7001/notes", { body: { text: "Lost on the way" } }));
    expect(first.data.note).toMatchObject({ id: null, confirmation: "pending" });
    t.sikka.writebacks.clear(); // Sikka has no record of it
    t.clock.advance(31 * 60_000);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 0, failed: 1, pending: 0 });
  });
});

describe("writebacks that take minutes or never complete", () => {
  test("a few polls inside the caller's budget, then background checks with growing gaps", async () => {
    t.sikka.setNow(() => t.clock.now().getTime());
    t.sikka.behaviour.writebackDurationMs = 3 * 60_000; // the documented example took 2 min 42 s
    const before = t.sikka.counters.writebackPolls;
    const res = await json(
      await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-04T09:00:00", durationMinutes: 30, providerId: "DDS1" } }),
    );
    expect(res.data.appointment.confirmation).toBe("pending");
    expect(t.sikka.counters.writebackPolls - before).toBeLessThanOrEqual(4);
    const checks: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [row] = (await t.database.client.execute("select next_check_at, status from pms_writebacks")).rows;
      if (row!.status !== "pending") break;
      checks.push(Number(row!.next_check_at));
      t.clock.set(new Date(Number(row!.next_check_at)));
      await t.deps.writebackPoller.pollOnce();
    }
    const gaps = checks.slice(1).map((c, i) => c - checks[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    expect(checks.length).toBeLessThanOrEqual(6); // minutes of waiting, a handful of checks
    const status = await t.database.client.execute("select status from pms_writebacks");
    expect(status.rows[0]!.status).toBe("completed");
  });

  test("past the deadline a still-pending writeback is deleted before it is recorded as failed", async () => {
    t.sikka.setNow(() => t.clock.now().getTime());
    t.sikka.behaviour.writebackDurationMs = 10 * 3600_000; // the office server is off for the day
    await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-04T10:00:00", durationMinutes: 30, providerId: "DDS1" } });
    t.clock.advance(61 * 60_000);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(t.sikka.counters.writebackDeletes).toBe(1);
    expect(t.north.appointments.filter((a) => a.time === "10:00")).toHaveLength(0);
  });

  test("if it completed just before the delete, the completion is recorded instead", async () => {
    t.sikka.setNow(() => t.clock.now().getTime());
    t.sikka.behaviour.writebackDurationMs = 10 * 3600_000;
    t.sikka.behaviour.completeBeforeDelete = true;
    await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-04T11:00:00", durationMinutes: 30, providerId: "DDS1" } });
    t.clock.advance(61 * 60_000);
    expect(await t.deps.writebackPoller.pollOnce()).toEqual({ completed: 1, failed: 0, pending: 0 });
    expect(t.north.appointments.filter((a) => a.time === "11:00")).toHaveLength(1);
  });
});

describe("insurance carrier names", () => {
  test("carriers are read with fields=get_all, so plans name their carrier", async () => {
    const plans = (await json(await call("/api/pms/patients/7001/insurance"))).data.insurance;
    expect(plans.map((p: { carrier: string }) => p.carrier)).toEqual(["Delta Dental", "Guardian"]);
    const companyCalls = t.sikka.calls.filter((c) => c.path === "/insurance_companies");
    expect(companyCalls.every((c) => new URLSearchParams(c.query).get("fields") === "get_all")).toBe(true);
  });
});

describe("patient and appointment fields", () => {
  /** The first item of a list, asked of the fake directly with the north practice's request key. */
  const firstItem = async (path: string, query: string) => {
    const grant = await fetch(`${t.sikka.url}/request_key`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "request_key", office_id: "D20006", secret_key: "secret-north", app_id: SIKKA_APP.appId, app_key: SIKKA_APP.appKey }),
    });
    const { request_key } = (await grant.json()) as { request_key: string };
    const res = await fetch(`${t.sikka.url}${path}?practice_id=1&${query}`, { headers: { "Request-Key": request_key } });
    return ((await res.json()) as { items: Array<Record<string, string>> }).items[0]!;
  };
  const patientsOf = (query: string) => firstItem("/patients", `patient_id=7001&${query}`);
  const booking = (id: string, date: string, time: string) => ({
    appointment_sr_no: id,
    patient_id: "7001",
    provider_id: "DDS1",
    practice_id: "1",
    date: `${date}T00:00:00`,
    time,
    length: "45",
    operatory: "OP1",
    status: "Scheduled",
    cancelled: "False",
    type: "Cleaning",
  });

  test("the fake answers a patient as Sikka does: the default fields, plus what fields= adds, only those with lightweight=true", async () => {
    const byDefault = await patientsOf("");
    expect(Object.keys(byDefault)).toHaveLength(32);
    expect(byDefault).toMatchObject({
      href: "https://api.sikkasoft.com/v4/practices/1/patients/7001",
      guarantor_first_name: "Carlene",
      city: "Washington",
      middlename: "",
    });
    expect(byDefault).not.toHaveProperty("homephone");
    expect(Object.keys(await patientsOf("fields=homephone"))).toHaveLength(33);
    expect(await patientsOf("lightweight=true&fields=patient_id,firstname,homephone")).toEqual({ patient_id: "7001", firstname: "Carlene", homephone: "" });
    expect(await patientsOf("fields=get_all")).toHaveProperty("chart_number");
  });

  test("patient reads ask for only the fields the gateway reads, and still hold where Sikka ignores lightweight", async () => {
    for (const ignoreLightweight of [false, true]) {
      t.sikka.behaviour.ignoreLightweight = ignoreLightweight;
      const patient = (await json(await call("/api/pms/patients/7001"))).data.patient;
      expect(patient).toEqual({
        id: "7001",
        firstName: "Carlene",
        lastName: "Victoria",
        dateOfBirth: "1984-12-10",
        phone: "+12025550123",
        email: "carlene@example.com",
      });
      const found = (await json(await call("/api/pms/patients/search", { body: { lastName: "Victoria", dateOfBirth: "1984-12-10" } }))).data.patients;
      expect(found).toEqual([patient]);
      const note = await call("/api/pms/patients/7001/notes", { body: { text: "Asked about whitening." } });
      expect(note.status).toBe(201);
      expect(t.sikka.calls.filter((c) => c.path === "/medical_notes").at(-1)!.body).toMatchObject({ patient_id: "7001", provider_id: "DDS1" });
    }
    const reads = t.sikka.calls.filter((c) => c.path === "/patients").map((c) => new URLSearchParams(c.query));
    expect(reads.length).toBeGreaterThanOrEqual(4);
    for (const q of reads) {
      expect(q.get("lightweight")).toBe("true");
      expect(q.get("fields")?.split(",")).toEqual(expect.arrayContaining(["patient_id", "practice_id", "provider_id", "guarantor_id", "cell", "other_phone"]));
    }
  });
  test("the fake answers an appointment with the default fields of Sikka's example: the chair and the cancelled flag only when asked for", async () => {
    t.north.appointments.push(booking("61", "2026-12-04", "09:00"));
    const byDefault = await firstItem("/appointments", "appointment_sr_no=61");
    expect(Object.keys(byDefault)).toHaveLength(19);
    expect(byDefault).toMatchObject({ href: "https://api.sikkasoft.com/v4/practices/1/appointments/61", patient_name: "Carlene Victoria", length: "45" });
    expect(byDefault).not.toHaveProperty("operatory");
    expect(await firstItem("/appointments", "appointment_sr_no=61&fields=operatory")).toHaveProperty("operatory", "OP1");
    expect(await firstItem("/appointments", "appointment_sr_no=61&lightweight=true&fields=appointment_sr_no,operatory")).toEqual({
      appointment_sr_no: "61",
      operatory: "OP1",
    });
  });

  test("appointment reads ask for only the fields the gateway reads, and still hold where Sikka ignores lightweight", async () => {
    for (const ignoreLightweight of [false, true]) {
      t.sikka.behaviour.ignoreLightweight = ignoreLightweight;
      const [moveId, cancelId] = ignoreLightweight ? ["63", "64"] : ["61", "62"];
      t.north.appointments.push(booking(moveId, "2026-12-04", "09:00"), booking(cancelId, "2026-12-04", "10:00"));
      const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-04&providerId=DDS1&partOfDay=morning&limit=20"))).data.slots;
      const starts = slots.map((slot: { start: string }) => slot.start);
      expect(starts).not.toContain("2026-12-04T09:00:00-05:00");
      expect(starts).not.toContain("2026-12-04T10:00:00-05:00");
      const [free] = (await json(await call("/api/pms/appointments/availability?date=2026-12-07&providerId=DDS1"))).data.slots;
      const moved = await json(await call("/api/pms/appointments", { method: "PATCH", body: { appointmentId: moveId, start: free.start.slice(0, 19) } }));
      expect(moved.data.appointment).toMatchObject({ id: moveId, patientId: "7001", durationMinutes: 45, operatoryId: "OP1", type: "Cleaning" });
      const cancelled = await json(await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: cancelId } }));
      expect(cancelled.data.appointment).toMatchObject({ id: cancelId, status: "cancelled" });
      const again = await json(await call("/api/pms/appointments", { method: "DELETE", body: { appointmentId: cancelId } }));
      expect(again.data.appointment).toMatchObject({ id: cancelId, status: "cancelled" });
    }
    // A cancelled appointment is read as cancelled: the second cancel of each sends nothing.
    expect(t.sikka.calls.filter((c) => c.method === "PATCH")).toHaveLength(2);
    const reads = t.sikka.calls.filter((c) => c.path === "/appointments" && c.method === "GET").map((c) => new URLSearchParams(c.query));
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const q of reads) {
      expect(q.get("lightweight")).toBe("true");
      expect(q.get("fields")?.split(",")).toEqual(expect.arrayContaining(["appointment_sr_no", "practice_id", "operatory", "cancelled", "status", "length"]));
    }
  });
});

describe("balances", () => {
  test("the amounts are asked for (Sikka lists them only among a balance's get_all fields) and read", async () => {
    const res = await json(await call("/api/pms/patients/7001/balance"));
    expect(res.data.balance).toMatchObject({ total: 125.5, patientPortion: 85.5, insurancePortion: 40 });
    const asked = t.sikka.calls.filter((c) => c.path === "/patient_balance").map((c) => new URLSearchParams(c.query).get("fields")?.split(","));
    expect(asked).toEqual([expect.arrayContaining(["patient_due", "insurance_due", "account_balance"])]);
  });

  test("a balance answered without a single amount is an error, never a balance of zero", async () => {
    t.north.balances.splice(0, t.north.balances.length, { patient_id: "7001", patient_due: "", insurance_due: "n/a" });
    const res = await call("/api/pms/patients/7001/balance");
    const body = await json(res);
    expect(body.error.code).toBe("PMS_ERROR");
    expect(body).not.toHaveProperty("data");
    const audit = await t.database.client.execute("select success, error_code from pms_audit_logs where action = 'get_patient_balance'");
    expect(audit.rows.map((r) => [r.success, r.error_code])).toEqual([[0, "PMS_ERROR"]]);
  });
});

describe("vendor slots", () => {
  test("OrthoTrac slots are read with fields=get_all and a booking uses the slot's own chair and length", async () => {
    t.north.pms = "OrthoTrac";
    t.north.slots.push({ provider_id: "DDS1", practice_id: "1", date: "2026-12-03T00:00:00", time: "10:00", end_time: "10:45", operatory: "OP2" });
    const booked = await json(await call("/api/pms/appointments", { body: { patientId: "7001", start: "2026-12-03T10:00:00", durationMinutes: 30 } }));
    expect(booked.data.appointment).toMatchObject({ operatoryId: "OP2", durationMinutes: 45, providerId: "DDS1" });
    expect(t.sikka.calls.filter((c) => c.path === "/appointment").at(-1)!.body).toMatchObject({ operatory: "OP2", length: "45" });
  });
});

describe("keys", () => {
  test("a revoked key (API1004) leads to one fresh grant and one retry, and is never reused", async () => {
    await call("/api/pms/patients/7001");
    const grantsBefore = t.sikka.counters.requestKeyGrants + t.sikka.counters.refreshGrants;
    t.sikka.revokeKeys();
    expect((await call("/api/pms/patients/7001")).status).toBe(200);
    expect((await call("/api/pms/patients/7001/balance")).status).toBe(200);
    expect(t.sikka.counters.requestKeyGrants + t.sikka.counters.refreshGrants).toBe(grantsBefore + 1);
  });
});

describe("multi-location offices", () => {
  test("providers and chairs of another location of the same office are never used", async () => {
    // A second location under the same office and customer: its rows come back in office-wide lists.
    t.sikka.addPractice({
      officeId: "D20006",
      secretKey: "secret-north",
      practiceId: "1-9",
      custId: "C1",
      providers: [{ provider_id: "ELSEWHERE", firstname: "Other", lastname: "Location", provider_type: "Provider", status: "Active", practice_id: "1-9" }],
      operatories: [{ operatory: "FAR1", cust_id: "C1", is_hidden: "F", practice_id: "1-9", provider_id: "" }],
    });
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&limit=20"))).data.slots;
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots) {
      expect(["DDS1", "HYG1"]).toContain(slot.providerId);
      expect(["OP1", "OP2"]).toContain(slot.operatoryId);
    }
  });

  test("in a large office the practice's own providers and chairs are found past the first page of the office-wide lists", async () => {
    // Sixty rows of other locations come back first: one page of Sikka's default 50 holds none of ours.
    const others = Array.from({ length: 60 }, (_, i) => String(i));
    t.north.providers.unshift(
      ...others.map((i) => ({
        provider_id: `FAR${i}`,
        firstname: "Far",
        lastname: `Away${i}`,
        provider_type: "Provider",
        status: "Active",
        practice_id: "1-9",
      })),
    );
    t.north.operatories.unshift(...others.map((i) => ({ operatory: `FAROP${i}`, cust_id: "C1", is_hidden: "F", practice_id: "1-9", provider_id: "" })));
    const slots = (await json(await call("/api/pms/appointments/availability?date=2026-12-03&limit=20"))).data.slots;
    expect(slots.length).toBeGreaterThan(0);
    expect(new Set(slots.map((slot: { providerId: string }) => slot.providerId))).toEqual(new Set(["DDS1", "HYG1"]));
    for (const slot of slots) expect(["OP1", "OP2"]).toContain(slot.operatoryId);
  });
});

describe("schedules longer than one read", () => {
  test("availability over more bookings than the gateway reads at once is an error, never taken times offered as free", async () => {
    // Twenty pages of 5,000 is the scan's bound; one booking more and the rest of the day is unknown.
    for (let i = 0; i <= MAX_PAGES * MAX_PAGE_SIZE; i++) {
      t.north.appointments.push({
        appointment_sr_no: String(200_000 + i),
        patient_id: "5001",
        provider_id: i % 2 ? "DDS1" : "HYG1",
        practice_id: "1",
        date: "2026-12-03T00:00:00",
        time: "07:00",
        length: "15",
        operatory: i % 2 ? "OP1" : "OP2",
        status: "Scheduled",
        cancelled: "False",
      });
    }
    const res = await call("/api/pms/appointments/availability?date=2026-12-03&limit=20");
    expect((await json(res)).error.code).toBe("PMS_ERROR");
    expect(t.sikka.calls.filter((c) => c.path === "/appointments")).toHaveLength(20);
  });
});

describe("quota", () => {
  test("a daily cap (429 API2012) is not retried: PMS_UNAVAILABLE, and the practice is left alone until the reset", async () => {
    await call("/api/pms/patients/7001");
    t.sikka.behaviour.dailyCapNext = 5;
    const before = t.sikka.calls.length;
    const capped = await call("/api/pms/patients/7001/balance");
    expect((await json(capped)).error.code).toBe("PMS_UNAVAILABLE");
    expect(t.sikka.calls.length - before).toBe(1);
    const again = await call("/api/pms/patients/7001/insurance");
    expect((await json(again)).error.code).toBe("PMS_UNAVAILABLE");
    expect(t.sikka.calls.length - before).toBe(1); // nothing sent while capped
    t.sikka.behaviour.dailyCapNext = 0;
    t.clock.advance(61_000);
    expect((await call("/api/pms/patients/7001/insurance")).status).toBe(200);
  });

  test("when X-Rate-Limit-Remaining says the window is spent, the gateway waits for the reset instead of calling (refusing if the caller cannot wait)", async () => {
    t.sikka.behaviour.rateLimitRemaining = 0;
    await call("/api/pms/patients/7001");
    t.sikka.behaviour.rateLimitRemaining = null;
    const before = t.sikka.calls.length;
    const res = await call("/api/pms/patients/7001/balance");
    expect((await json(res)).error.code).toBe("PMS_UNAVAILABLE");
    expect(t.sikka.calls.length).toBe(before);
    t.clock.advance(61_000);
    expect((await call("/api/pms/patients/7001/balance")).status).toBe(200);
  });
});
