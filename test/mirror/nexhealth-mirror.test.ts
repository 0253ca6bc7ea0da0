import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { makeNexHealthTestApp, type NexHealthTestApp } from "../helpers/nexhealth";
import { json, jsonRequest } from "../helpers/request";

let t: NexHealthTestApp;
let clinic: Awaited<ReturnType<NexHealthTestApp["nexhealthClinic"]>>;
beforeEach(async () => {
  t = await makeNexHealthTestApp();
  clinic = await t.nexhealthClinic("Downtown", { subdomain: "acme-demo-practice", locationId: 7 });
});
afterEach(() => t.close());

const call = (path: string) => t.handle(jsonRequest(path, { headers: clinic.headers }));
const readCalls = () => t.nexhealth.calls.filter((c) => c.method === "GET");
/** 10:00 in New York on Thursday 3 December (the location's zone is the clinic's). */
const TEN = "2026-12-03T10:00:00-05:00";
const slotsAt = async (query = "date=2026-12-03&durationMinutes=30&limit=20&providerId=83") => {
  const body = await json(await call(`/api/pms/appointments/availability?${query}`));
  return body.data.slots as Array<{ start: string; providerId: string; operatoryId: string | null }>;
};

describe("the schedule mirror (NexHealth)", () => {
  test("mirrored availability matches NexHealth's own slots, from working hours and chairs, without a vendor request", async () => {
    const all = "date=2026-12-03&durationMinutes=30&limit=20";
    const live = await slotsAt(all);
    expect(live.length).toBeGreaterThan(0);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "full" });
    const frameReads = readCalls().map((c) => c.path);
    expect(frameReads).toContain("/working_hours");
    expect(frameReads).toContain("/operatories");
    const before = t.nexhealth.calls.length;
    const mirrored = await slotsAt(all);
    expect(t.nexhealth.calls.length).toBe(before);
    const key = (s: { start: string; providerId: string; operatoryId: string | null }) => `${s.start}|${s.providerId}|${s.operatoryId}`;
    expect(mirrored.map(key).sort()).toEqual(live.map(key).sort());
    // No working hours on Saturday: nothing offered, from the mirror either, and the next opening named.
    const saturday = await json(await call("/api/pms/appointments/availability?date=2026-12-05&durationMinutes=30"));
    expect(saturday.data.slots).toEqual([]);
    expect(saturday.data.notice).toBe("The next opening is on Monday, December 7.");
  });

  test("a front-desk booking arrives by webhook and is out of availability at once; a cancellation by update puts it back", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    expect((await slotsAt()).some((s) => s.start === TEN && s.providerId === "83")).toBe(true);
    const id = t.nexhealth.frontDesk.book({ locationId: 7, providerId: 83, operatoryId: 183, start: "2026-12-03T15:00:00Z", minutes: 60 });
    await t.nexhealth.flush();
    expect(t.nexhealth.deliveries.at(-1)?.status).toBe(200);
    // The event made the practice due now: no need to wait for the interval.
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "changes" });
    const read = t.nexhealth.calls.filter((c) => c.path === "/appointments" && c.query.get("updated_since"));
    expect(read).toHaveLength(1);
    expect((await slotsAt()).some((s) => s.start === TEN && s.providerId === "83")).toBe(false);

    t.nexhealth.frontDesk.cancel(id);
    await t.nexhealth.flush();
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "changes" });
    expect((await slotsAt()).some((s) => s.start === TEN && s.providerId === "83")).toBe(true);
  });

  test("without webhooks the updated_since read picks the change up within the refresh interval", async () => {
    await t.deps.mirrorRefresher.refreshDue();
    for (const e of t.nexhealth.endpoints) e.active = false; // deliveries lost
    t.nexhealth.frontDesk.book({ locationId: 7, providerId: 83, operatoryId: 183, start: "2026-12-03T15:00:00Z", minutes: 60 });
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({}); // not due yet
    t.clock.advance(t.deps.config.mirror.refreshIntervalMs);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "changes" });
    expect((await slotsAt()).some((s) => s.start === TEN && s.providerId === "83")).toBe(false);
  });

  test("schedules longer than the gateway reads at once: a reload refuses rather than show taken times free, and changes cut short bring a reload", async () => {
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "full" });
    // Twenty pages of 1,000 is the scan's bound: one booking more in the mirrored days.
    const booking = (i: number, cancelled: boolean) => ({
      id: 900_000 + i,
      patient_id: 401,
      provider_id: 83,
      location_id: 7,
      operatory_id: 183,
      start_time: "2026-12-04T13:00:00.000Z",
      end_time: "2026-12-04T13:15:00.000Z",
      cancelled,
      unavailable: false,
      foreign_id: null,
      created_at: new Date(t.clock.now().getTime()).toISOString(),
      updated_at: new Date(t.clock.now().getTime()).toISOString(),
    });
    // Changed since the last read, all of them cancelled: the changes run past the bound, the bookings do not.
    for (let i = 0; i <= 20_000; i++) t.nexhealth.appointments.push(booking(i, true));
    t.clock.advance(t.deps.config.mirror.refreshIntervalMs);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "full" });
    // Now the bookings themselves run past it: the reload fails and the mirror says so.
    for (const a of t.nexhealth.appointments) if (a.id >= 900_000) a.cancelled = false;
    t.clock.advance(25 * 3600_000);
    expect(await t.deps.mirrorRefresher.refreshDue()).toEqual({ [clinic.id]: "failed" });
  });

  test("a working hour with a recurrence the gateway does not read keeps the practice on live availability", async () => {
    t.nexhealth.workingHours.push({
      id: 9999,
      provider_id: 84,
      location_id: 7,
      operatory_id: 184,
      begin_time: "08:00",
      end_time: "12:00",
      days: [],
      specific_date: null,
      custom_recurrence: { num: 2, unit: "week", ref: "2026-11-30" },
      active: true,
    });
    await t.deps.mirrorRefresher.refreshDue();
    const before = t.nexhealth.calls.length;
    await slotsAt();
    expect(t.nexhealth.calls.slice(before).some((c) => c.path === "/available_slots")).toBe(true);
  });
});
