import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { MirrorRefresher } from "../../src/mirror/refresher";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, type SikkaTestApp } from "../helpers/sikka";

let t: SikkaTestApp;
let north: Awaited<ReturnType<SikkaTestApp["sikkaClinic"]>>;
beforeEach(async () => {
  t = await makeSikkaTestApp();
  t.sikka.setNow(() => t.clock.now().getTime());
  north = await t.sikkaClinic("North", { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
});
afterEach(() => t.close());

const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) =>
  t.handle(jsonRequest(path, { ...init, headers: { ...north.headers, ...init.headers } }));
const dataCalls = () => t.sikka.calls.filter((c) => c.path !== "/request_key" && c.path !== "/authorized_practices");
const interval = () => t.deps.config.mirror.refreshIntervalMs;
/** Ten o'clock, the first morning slot both chairs can offer on the test day. */
const TEN = "2026-12-01T10:00:00-05:00";
const startsAt = async (date = "2026-12-01") => {
  const res = await call(`/api/pms/appointments/availability?date=${date}&limit=20&durationMinutes=60`);
  expect(res.status).toBe(200);
  const body = await json(res);
  return { starts: (body.data.slots as Array<{ start: string }>).map((s) => s.start), body };
};
/** The front desk fills both chairs at ten. */
const fillTenOClock = () => {
  const desk = t.sikka.frontDesk(t.north);
  return [
    desk.book({ date: "2026-12-01", time: "10:00", length: "60", provider_id: "DDS1", operatory: "OP1" }),
    desk.book({ date: "2026-12-01", time: "10:00", length: "60", provider_id: "HYG1", operatory: "OP2" }),
  ];
};
const refreshAfterInterval = async () => {
  t.clock.advance(interval());
  return t.deps.mirrorRefresher.refreshDue();
};

describe("the schedule mirror (Sikka)", () => {
  test("availability comes from the mirror without a vendor request; a front-desk booking leaves it at the next refresh", async () => {
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [north.id]: "full" });
    const before = dataCalls().length;
    expect((await startsAt()).starts).toContain(TEN);
    expect(dataCalls().length).toBe(before); // answered from the mirror

    const [first] = fillTenOClock();
    // Until the feed is read, the copy is behind (a booking then re-checks live: see below).
    expect((await startsAt()).starts).toContain(TEN);
    expect(await refreshAfterInterval()).toEqual({ [north.id]: "changes" });
    const feedReads = dataCalls().filter((c) => c.path === "/practice_events");
    expect(feedReads).toHaveLength(1);
    const feedQuery = new URLSearchParams(feedReads[0]!.query);
    expect(feedQuery.get("events")).toBe("appointments");
    expect(Number(feedQuery.get("interval"))).toBeLessThanOrEqual(3);
    expect(feedQuery.get("fields")).toContain("operatory");
    expect((await startsAt()).starts).not.toContain(TEN);

    // Cancelled at the front desk: the time is offered again after the next refresh.
    t.sikka.frontDesk(t.north).cancel(first!);
    await refreshAfterInterval();
    expect((await startsAt()).starts).toContain(TEN);
  });

  test("the mirror holds time ranges and patient ids only: no names, birth dates or phone numbers", async () => {
    t.north.appointments.push({
      appointment_sr_no: "A-77",
      patient_id: "7001",
      patient_name: "Carlene Victoria",
      provider_id: "DDS1",
      practice_id: "1",
      date: "2026-12-02T00:00:00",
      time: "09:00",
      length: "30",
      operatory: "OP1",
      cancelled: "False",
    });
    await t.deps.mirrorRefresher.refreshDue();
    const rows = await t.database.client.execute("select * from schedule_mirror_bookings");
    expect(rows.rows).toHaveLength(1);
    expect(Object.keys(rows.rows[0]!).sort()).toEqual(["account_id", "appointment_id", "end_ms", "operatory_id", "patient_id", "provider_id", "start_ms"]);
    const everything = JSON.stringify((await t.database.client.execute("select * from schedule_mirrors")).rows);
    expect(everything).not.toMatch(/Carlene|Victoria|1984|555/);
  });

  test("during an outage availability answers from the mirror and says how old it is; writes are refused honestly", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    t.sikka.behaviour.failNext = 1_000;
    t.clock.advance(5 * 60_000);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [north.id]: "failed" });
    const { starts, body } = await startsAt();
    expect(starts).toContain(TEN);
    expect(body.data.notice).toContain("couldn't reach the office's scheduling system");
    expect(body.data.notice).toContain("5 minutes ago");
    const booking = await call("/api/pms/appointments", { body: { patientId: "7001", start: TEN, durationMinutes: 60 } });
    expect(booking.status).toBe(503);
    expect((await json(booking)).error.code).toBe("PMS_UNAVAILABLE");
  });

  test("a refresh that fails marks the mirror; the next good one clears the note", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    t.sikka.behaviour.failNext = 3; // a read that fails on each of its three attempts: short of what opens the clinic's circuit breaker
    expect(await refreshAfterInterval()).toEqual({ [north.id]: "failed" });
    expect((await startsAt()).body.data.notice).toContain("couldn't reach");
    expect(await refreshAfterInterval()).toEqual({ [north.id]: "changes" });
    expect((await startsAt()).body.data.notice).toBeUndefined();
  });

  test("a booking re-checks the slot live; a conflict found then refreshes the mirror at once", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    fillTenOClock();
    expect((await startsAt()).starts).toContain(TEN); // the mirror has not heard yet
    const booking = await call("/api/pms/appointments", { body: { patientId: "7001", start: TEN, durationMinutes: 60 } });
    expect(booking.status).toBe(409);
    expect((await json(booking)).error.code).toBe("SLOT_UNAVAILABLE");
    const sent = dataCalls().filter((c) => c.method === "POST");
    expect(sent).toHaveLength(0); // nothing was written
    // Due now, without waiting for the interval.
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [north.id]: "changes" });
    expect((await startsAt()).starts).not.toContain(TEN);
  });

  test("the gateway's own pending booking is subtracted from mirrored availability", async () => {
    t.sikka.behaviour.writebackDurationMs = 10 * 60_000; // Sikka takes minutes to write it
    await t.deps.mirrorRefresher.refreshDue();
    const first = await call("/api/pms/appointments", { body: { patientId: "7001", start: TEN, durationMinutes: 60, providerId: "DDS1" } });
    expect([201, 202]).toContain(first.status);
    const slots = (await startsAt()).body.data.slots as Array<{ start: string; providerId: string }>;
    expect(slots.filter((s) => s.start === TEN).map((s) => s.providerId)).toEqual(["HYG1"]);
  });

  test("idle, a practice costs at most 6 vendor requests a minute; /metrics and the admin metrics show age and requests", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    const before = t.sikka.calls.length;
    for (let i = 0; i < 30; i++) {
      t.clock.advance(10_000); // the service ticks more often than the interval; due practices only are read
      await t.deps.mirrorRefresher.refreshDue();
    }
    const perMinute = (t.sikka.calls.length - before) / 5;
    expect(perMinute).toBeLessThanOrEqual(6);
    expect(perMinute).toBeGreaterThan(0);
    const figures = await json(await t.handle(jsonRequest(`/api/admin/metrics?accountId=${north.id}`, { method: "GET", headers: t.admin })));
    const practice = figures.practices.find((p: { accountId: string }) => p.accountId === north.id);
    expect(practice.provider).toBe("sikka");
    expect(practice.mirrorAgeSeconds).toBeLessThanOrEqual(20);
    expect(practice.mirrorError).toBeNull();
    expect(practice.vendorRequestsLastMinute).toBeLessThanOrEqual(6);
    expect(practice.vendorRequests).toBeGreaterThan(0);
    const prometheus = await (await t.handle(new Request("http://localhost/metrics", { headers: t.admin }))).text();
    expect(prometheus).toContain(`pms_gateway_schedule_mirror_age_seconds{account="${north.id}",provider="sikka"}`);
    expect(prometheus).toMatch(new RegExp(`pms_gateway_vendor_requests_last_minute\\{account="${north.id}"\\} [0-6]\\n`));
  });

  test("one instance refreshes a practice at a time: the lease is in the database", async () => {
    const other = new MirrorRefresher({
      store: t.deps.mirrors,
      integrations: t.deps.integrations,
      accounts: t.deps.accounts,
      clock: t.clock,
      logger: t.deps.logger,
      settings: t.deps.config.mirror,
      providers: ["sikka"],
      instanceId: "inst_other",
    });
    const [mine, theirs] = await Promise.all([t.deps.mirrorRefresher.refreshDue(), other.refreshDue()]);
    expect({ ...mine, ...theirs }).toEqual({ [north.id]: "full" });
    expect(Object.keys(mine).length + Object.keys(theirs).length).toBe(1);
    expect(t.sikka.calls.filter((c) => c.path === "/appointments")).toHaveLength(1);
    // An operator's resync while another instance holds the lease waits its turn.
    await t.database.client.execute({
      sql: "update schedule_mirrors set lease_owner = 'inst_other', lease_until = ?",
      args: [t.clock.now().getTime() + 30_000],
    });
    expect(await t.deps.mirrorRefresher.resync(north.id)).toBe("skipped");
  });

  test("a change feed that cannot reach back far enough (a day away) is replaced by a full reload", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    t.clock.advance(25 * 3600_000);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [north.id]: "full" });
    expect(t.sikka.calls.filter((c) => c.path === "/practice_events")).toHaveLength(0);
  });

  test("a change feed longer than the gateway reads at once is replaced by a full reload", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    // More changes in one interval than twenty pages of 500 (bookings far beyond the mirrored days).
    const desk = t.sikka.frontDesk(t.north);
    for (let i = 0; i <= 10_000; i++) desk.book({ date: "2027-09-01", time: "07:00", length: "15", provider_id: "DDS1", operatory: "OP1" });
    expect(await refreshAfterInterval()).toEqual({ [north.id]: "full" });
    expect(t.sikka.calls.filter((c) => c.path === "/practice_events")).toHaveLength(20);
  });

  test("a PMS that publishes its own open slots is always answered live", async () => {
    t.north.pms = "OrthoTrac";
    await t.deps.mirrorRefresher.refreshDue();
    const before = dataCalls().length;
    await startsAt();
    expect(dataCalls().filter((c) => c.path === "/appointments_available_slots").length).toBeGreaterThan(0);
    expect(dataCalls().length).toBeGreaterThan(before);
  });
});
