import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { DateTime } from "luxon";
import { type BusyInterval, freeSlots, type ScheduleProvider, spread, withinOfficeHours } from "../../src/domain/availability";
import { DEFAULT_APPOINTMENT_TYPES, type PracticeSettings } from "../../src/domain/practice";
import type { SlotQuery } from "../../src/domain/slot";
import { localTimeToMs, zoneOf } from "../../src/domain/zone";

const practice = (over: Partial<PracticeSettings> = {}): PracticeSettings => ({
  accountId: "acc_test",
  timezone: "America/New_York",
  currency: "USD",
  officeHours: {
    mon: [
      ["08:00", "12:00"],
      ["13:00", "17:00"],
    ],
    tue: [
      ["08:00", "12:00"],
      ["13:00", "17:00"],
    ],
    sun: [["08:00", "10:00"]],
  },
  defaultDurationMinutes: 30,
  slotStepMinutes: 30,
  appointmentTypes: DEFAULT_APPOINTMENT_TYPES,
  ...over,
});
const dentist: ScheduleProvider = { id: "1", name: "Dr. One", operatoryIds: ["op1"], appointmentTypes: null };
const hygienist: ScheduleProvider = { id: "2", name: "Hy Two", operatoryIds: ["op2"], appointmentTypes: ["cleaning"] };
const query = (over: Partial<SlotQuery> = {}): SlotQuery => ({
  startDate: "2026-12-07",
  endDate: "2026-12-07",
  durationMinutes: 30,
  appointmentType: null,
  limit: 20,
  ...over,
});
const at = (local: string, zone = "America/New_York") => DateTime.fromISO(local, { zone }).toMillis();
const EARLY = new Date("2026-01-01T00:00:00Z");

describe("free slots: office hours minus bookings, in the clinic's zone", () => {
  test("lunch break and closing time are respected; slot grid follows the step", () => {
    const slots = freeSlots({ practice: practice(), providers: [dentist], busy: [], query: query(), now: EARLY });
    const starts = slots.map((s) => s.start.slice(11, 16));
    expect(starts).toEqual([
      "08:00",
      "08:30",
      "09:00",
      "09:30",
      "10:00",
      "10:30",
      "11:00",
      "11:30",
      "13:00",
      "13:30",
      "14:00",
      "14:30",
      "15:00",
      "15:30",
      "16:00",
      "16:30",
    ]);
    expect(slots[0]!.start).toBe("2026-12-07T08:00:00-05:00");
    expect(slots[0]!.end).toBe("2026-12-07T08:30:00-05:00");
  });

  test("a 60-minute appointment never runs into lunch or past closing", () => {
    const slots = freeSlots({ practice: practice(), providers: [dentist], busy: [], query: query({ durationMinutes: 60 }), now: EARLY });
    expect(slots.map((s) => s.start.slice(11, 16))).not.toContain("11:30");
    expect(slots.map((s) => s.start.slice(11, 16))).not.toContain("16:30");
  });

  test("overlapping appointments (provider or operatory) block every slot they touch", () => {
    const busy: BusyInterval[] = [
      { providerId: "1", operatoryId: "op1", start: at("2026-12-07T09:15"), end: at("2026-12-07T10:15") },
      { providerId: "1", operatoryId: "op1", start: at("2026-12-07T10:00"), end: at("2026-12-07T10:45") },
      { providerId: "9", operatoryId: "op1", start: at("2026-12-07T14:00"), end: at("2026-12-07T14:30") },
    ];
    const starts = freeSlots({ practice: practice(), providers: [dentist], busy, query: query(), now: EARLY }).map((s) => s.start.slice(11, 16));
    for (const blocked of ["09:00", "09:30", "10:00", "10:30", "14:00"]) expect(starts).not.toContain(blocked);
    for (const free of ["08:30", "11:00", "13:30", "14:30"]) expect(starts).toContain(free);
  });

  test("never in the past, and the same time with two providers is two slots", () => {
    const now = new Date(at("2026-12-07T10:10"));
    const slots = freeSlots({ practice: practice(), providers: [dentist, hygienist], busy: [], query: query({ appointmentType: "cleaning" }), now });
    expect(slots.every((s) => Date.parse(s.start) >= now.getTime())).toBe(true);
    expect(slots.filter((s) => s.start.endsWith("10:30:00-05:00")).map((s) => s.providerId)).toEqual(["1", "2"]);
    const exams = freeSlots({ practice: practice(), providers: [dentist, hygienist], busy: [], query: query({ appointmentType: "exam" }), now });
    expect(new Set(exams.map((s) => s.providerId))).toEqual(new Set(["1"]));
  });

  test("a provider who can use any of several chairs gets the first free one", () => {
    const floating: ScheduleProvider = { id: "3", name: "Dr. Float", operatoryIds: ["op1", "op2"], appointmentTypes: null };
    const busy: BusyInterval[] = [
      { providerId: "9", operatoryId: "op1", start: at("2026-12-07T08:00"), end: at("2026-12-07T09:00") },
      { providerId: "8", operatoryId: "op2", start: at("2026-12-07T08:30"), end: at("2026-12-07T09:00") },
    ];
    const slots = freeSlots({ practice: practice(), providers: [floating], busy, query: query(), now: EARLY });
    expect(slots.slice(0, 2).map((s) => [s.start.slice(11, 16), s.operatoryId])).toEqual([
      ["08:00", "op2"],
      ["09:00", "op1"],
    ]);
  });

  test("part of day filters by local start hour", () => {
    const morning = freeSlots({ practice: practice(), providers: [dentist], busy: [], query: query({ partOfDay: "morning" }), now: EARLY });
    expect(morning.every((s) => Number(s.start.slice(11, 13)) < 12)).toBe(true);
    const afternoon = freeSlots({ practice: practice(), providers: [dentist], busy: [], query: query({ partOfDay: "afternoon" }), now: EARLY });
    expect(afternoon.every((s) => Number(s.start.slice(11, 13)) >= 12)).toBe(true);
  });

  test("DST change days keep local office hours (fall back and spring forward)", () => {
    const p = practice();
    const fallBack = freeSlots({ practice: p, providers: [dentist], busy: [], query: query({ startDate: "2026-10-31", endDate: "2026-11-01" }), now: EARLY });
    expect(fallBack.map((s) => s.start)).toEqual([
      "2026-11-01T08:00:00-05:00",
      "2026-11-01T08:30:00-05:00",
      "2026-11-01T09:00:00-05:00",
      "2026-11-01T09:30:00-05:00",
    ]);
    const before = freeSlots({ practice: p, providers: [dentist], busy: [], query: query({ startDate: "2026-10-25", endDate: "2026-10-25" }), now: EARLY });
    expect(before[0]!.start).toBe("2026-10-25T08:00:00-04:00");
    // a clinic open across the 02:00 jump never offers a time that does not exist
    const night = practice({ officeHours: { sun: [["01:00", "04:00"]] }, slotStepMinutes: 15 });
    const spring = freeSlots({ practice: night, providers: [dentist], busy: [], query: query({ startDate: "2026-03-08", endDate: "2026-03-08" }), now: EARLY });
    expect(spring.some((s) => s.start.slice(11, 13) === "02")).toBe(false);
    expect(spring.every((s) => Date.parse(s.end) <= at("2026-03-08T04:00"))).toBe(true);
  });

  test("other time zones: a Tokyo clinic's morning is the previous UTC evening", () => {
    const tokyo = practice({ timezone: "Asia/Tokyo" });
    const slots = freeSlots({ practice: tokyo, providers: [dentist], busy: [], query: query(), now: EARLY });
    expect(slots[0]!.start).toBe("2026-12-07T08:00:00+09:00");
    expect(new Date(slots[0]!.start).toISOString()).toBe("2026-12-06T23:00:00.000Z");
  });

  test("withinOfficeHours matches the slot rules", () => {
    const p = practice();
    expect(withinOfficeHours(p, new Date(at("2026-12-07T11:30")), 30)).toBe(true);
    expect(withinOfficeHours(p, new Date(at("2026-12-07T11:45")), 30)).toBe(false);
    expect(withinOfficeHours(p, new Date(at("2026-12-05T10:00")), 30)).toBe(false); // Saturday
  });

  test("withinOfficeHours reads the clinic's day and weekday as luxon does, in any zone, across DST changes", () => {
    const viaLuxon = (p: ReturnType<typeof practice>, start: Date, minutes: number) => {
      const zone = zoneOf(p.timezone);
      const local = DateTime.fromJSDate(start, { zone });
      const date = local.toISODate() ?? "";
      const s = start.getTime();
      const e = s + minutes * 60_000;
      const weekday = (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const)[local.weekday - 1];
      return (weekday ? (p.officeHours[weekday] ?? []) : []).some(
        ([open, close]) => s >= localTimeToMs(date, open, zone) && e <= localTimeToMs(date, close, zone),
      );
    };
    const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`);
    const window = fc.tuple(hhmm, hhmm).map(([a, b]) => (a < b ? [a, b] : [b, a === b ? "23:45" : a]) as [string, string]);
    const week = fc.record(
      Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, fc.array(window, { maxLength: 2 })])) as Record<
        string,
        fc.Arbitrary<Array<[string, string]>>
      >,
    );
    fc.assert(
      fc.property(
        fc.constantFrom("America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns", "UTC"),
        week,
        fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2055, 0, 1) }).map((ms) => Math.floor(ms / 300_000) * 300_000),
        fc.integer({ min: 5, max: 480 }),
        (timezone, officeHours, ms, minutes) => {
          const p = practice({ timezone, officeHours: officeHours as never });
          expect(withinOfficeHours(p, new Date(ms), minutes)).toBe(viaLuxon(p, new Date(ms), minutes));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(withinOfficeHours(practice(), new Date(Number.NaN), 30)).toBe(false);
  });

  test("property: no returned slot overlaps a booking of its provider, starts in the past or leaves office hours", () => {
    const p = practice({ slotStepMinutes: 15 });
    const interval = fc.record({
      day: fc.integer({ min: 7, max: 8 }),
      startMin: fc.integer({ min: 7 * 60, max: 17 * 60 }),
      len: fc.integer({ min: 10, max: 120 }),
      provider: fc.constantFrom("1", "2"),
    });
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 25 }), fc.integer({ min: 0, max: 48 * 60 }), fc.integer({ min: 15, max: 90 }), (raw, nowOffset, duration) => {
        const busy: BusyInterval[] = raw.map((b) => {
          const start = at(`2026-12-0${b.day}T00:00`) + b.startMin * 60_000;
          return { providerId: b.provider, operatoryId: `op${b.provider}`, start, end: start + b.len * 60_000 };
        });
        const now = new Date(at("2026-12-07T00:00") + nowOffset * 60_000);
        const slots = freeSlots({
          practice: p,
          providers: [dentist, { ...hygienist, appointmentTypes: null }],
          busy,
          query: query({ endDate: "2026-12-08", durationMinutes: duration }),
          now,
        });
        for (const s of slots) {
          const start = Date.parse(s.start);
          const end = Date.parse(s.end);
          if (start < now.getTime()) return false;
          if (!withinOfficeHours(p, new Date(start), duration)) return false;
          if (busy.some((b) => b.providerId === s.providerId && b.start < end && start < b.end)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe("spread", () => {
  test("picks evenly across the list, first and last included", () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    expect(spread([1, 2, 3], 1)).toEqual([1]);
  });
});

describe("free slots: a provider's own working hours, when the PMS gives them", () => {
  const worker: ScheduleProvider = {
    id: "7",
    name: "Dr. Seven",
    operatoryIds: [],
    appointmentTypes: null,
    workingHours: [
      { days: ["mon"], date: null, begin: "09:10", end: "10:40", operatoryId: "c1" },
      { days: null, date: "2026-12-08", begin: "18:00", end: "19:00", operatoryId: null },
    ],
  };

  test("slots follow the working hours (outside office hours too), on the vendor's grid when asked, in their chair", () => {
    const monday = freeSlots({ practice: practice(), providers: [worker], busy: [], query: query({ durationMinutes: 45 }), now: EARLY, stepByDuration: true });
    expect(monday.map((s) => [s.start.slice(11, 16), s.operatoryId])).toEqual([
      ["09:10", "c1"],
      ["09:55", "c1"],
    ]);
    const tuesday = freeSlots({
      practice: practice(),
      providers: [worker],
      busy: [],
      query: query({ startDate: "2026-12-08", endDate: "2026-12-08" }),
      now: EARLY,
    });
    expect(tuesday.map((s) => s.start.slice(11, 16))).toEqual(["18:00", "18:30"]);
  });

  test("a chair taken by someone else, or no working hour that day, leaves nothing", () => {
    const busy: BusyInterval[] = [{ providerId: "other", operatoryId: "c1", start: at("2026-12-07T09:00"), end: at("2026-12-07T11:00") }];
    expect(freeSlots({ practice: practice(), providers: [worker], busy, query: query(), now: EARLY })).toEqual([]);
    const idle: ScheduleProvider = { ...worker, workingHours: [] };
    expect(freeSlots({ practice: practice(), providers: [idle], busy: [], query: query(), now: EARLY })).toEqual([]);
  });
});
