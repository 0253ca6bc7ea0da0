import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, type SikkaTestApp } from "../helpers/sikka";

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
    // 520 bookings of other providers in that week, then the one that matters on the second page.
    for (let i = 0; i < 520; i++) {
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
    expect(pages.map((c) => new URLSearchParams(c.query).get("offset"))).toEqual(["0", "1"]);
    for (const page of pages) expect(new URLSearchParams(page.query).get("startdate")).toBe("2026-12-07");
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
