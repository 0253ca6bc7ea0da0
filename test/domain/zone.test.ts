import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { DateTime, IANAZone } from "luxon";
import { CachedZone, localTimeToMs } from "../../src/domain/zone";

const ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "UTC"];
const YEAR_2026 = Date.UTC(2026, 0, 1);
const YEAR_MS = 366 * 86_400_000;

/** Each zone, remembering, gives Intl's offset at random instants of `span` ms from `from`, asked in any order. */
function expectIntlOffsets(names: string[], from: number, span: number, runs: { numRuns: number; maxLength: number }) {
  for (const name of names) {
    const cached = new CachedZone(name);
    const reference = IANAZone.create(name);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: span }), { minLength: 1, maxLength: runs.maxLength }), (instants) => {
        for (const at of instants) expect(cached.offset(from + at)).toBe(reference.offset(from + at));
      }),
      { numRuns: runs.numRuns },
    );
  }
}

describe("a zone with remembered offsets gives exactly the offsets Intl gives", () => {
  test("at any instant of a year with DST changes, asked in any order", () => {
    expectIntlOffsets(ZONES, YEAR_2026, YEAR_MS, { numRuns: 200, maxLength: 50 });
  });

  test("in every zone Intl knows, at instants from 1970 to 2050, asked in any order", () => {
    const from = Date.UTC(1970, 0, 1);
    expectIntlOffsets(Intl.supportedValuesOf("timeZone"), from, Date.UTC(2050, 0, 1) - from, { numRuns: 5, maxLength: 20 });
  });

  test("every transition day of a zone, at every quarter hour and either side of each change", () => {
    for (const name of ["America/New_York", "Australia/Lord_Howe", "Europe/London"]) {
      const cached = new CachedZone(name);
      const reference = IANAZone.create(name);
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
        if (reference.offset(day) === reference.offset(day + 86_400_000 - 1)) continue;
        for (let at = day; at < day + 86_400_000; at += 15 * 60_000) {
          for (const ms of [at - 1, at, at + 1]) expect(cached.offset(ms)).toBe(reference.offset(ms));
        }
      }
    }
  });

  test("on each side of a transition, to the millisecond", () => {
    const cached = new CachedZone("America/New_York");
    const change = Date.UTC(2026, 2, 8, 7, 0); // 02:00 EST becomes 03:00 EDT
    expect(cached.offset(change - 1)).toBe(-300);
    expect(cached.offset(change)).toBe(-240);
    expect(cached.offset(change - 1)).toBe(-300);
  });

  test("a local wall-clock time resolves as luxon resolves it, DST gaps and overlaps included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 365 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 15, 30, 45),
        (name, day, hour, minute) => {
          const date = DateTime.fromMillis(YEAR_2026 + day * 86_400_000, { zone: "UTC" }).toISODate() ?? "";
          const clock = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
          const mine = localTimeToMs(date, clock, new CachedZone(name));
          const luxon = DateTime.fromISO(`${date}T${clock}`, { zone: name }).toMillis();
          const wall = (ms: number) => DateTime.fromMillis(ms, { zone: name }).toFormat("yyyy-MM-dd'T'HH:mm");
          if (wall(luxon) === `${date}T${clock}`) {
            // A real wall time: the same one, and the earlier instant when it happens twice.
            expect(wall(mine)).toBe(`${date}T${clock}`);
            expect(mine).toBeLessThanOrEqual(luxon);
          } else expect(mine).toBe(luxon); // skipped by the change: moved forward, as luxon does
        },
      ),
      { numRuns: 2000 },
    );
    // The spring-forward gap and the fall-back overlap in New York, explicitly.
    const ny = new CachedZone("America/New_York");
    expect(new Date(localTimeToMs("2026-03-08", "02:30", ny)).toISOString()).toBe("2026-03-08T07:30:00.000Z"); // 03:30 EDT
    expect(new Date(localTimeToMs("2026-11-01", "01:30", ny)).toISOString()).toBe("2026-11-01T05:30:00.000Z"); // 01:30 EDT, the first
  });
});
