import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { DateTime } from "luxon";
import { calendarDay, clinicToday } from "../../src/domain/time";
import { toSqlTimestamp } from "../../src/lib/clock";

/**
 * The calendar helpers on every call's path are written without `toISOString` round trips and remember
 * their last answer. They must give exactly what the plain forms give, whatever order the calls come in.
 */
const plainCalendarDay = (isoDate: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === isoDate ? ms / 86_400_000 : null;
};
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const ZONES = ["America/New_York", "America/Los_Angeles", "Pacific/Chatham", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"];
const INSTANTS = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) });

describe("calendar helpers agree with their plain forms", () => {
  test("calendarDay: every YYYY-MM-DD shape, valid or not, and other text", () => {
    const shaped = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string()), (text) => {
        expect(calendarDay(text)).toBe(plainCalendarDay(text));
      }),
      { numRuns: 20_000 },
    );
    for (const text of ["2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "0099-12-31", "0100-01-01", "2026-04-31", "2026-12-31"]) {
      expect({ text, day: calendarDay(text) }).toEqual({ text, day: plainCalendarDay(text) });
    }
  });

  test("clinicToday: any instant in any zone, in any order (its memory never leaks into another day or zone)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(INSTANTS, fc.constantFrom(...ZONES)), { minLength: 1, maxLength: 20 }), (calls) => {
        for (const [ms, zone] of calls) {
          expect(clinicToday(new Date(ms), zone)).toBe(DateTime.fromMillis(ms, { zone }).toISODate() ?? "");
        }
      }),
      { numRuns: 2_000 },
    );
  });

  test("toSqlTimestamp: any instant, repeated or not", () => {
    fc.assert(
      fc.property(fc.array(INSTANTS, { minLength: 1, maxLength: 10 }), (instants) => {
        for (const ms of [...instants, ...instants]) {
          expect(toSqlTimestamp(new Date(ms))).toBe(new Date(ms).toISOString().replace("T", " ").replace(/Z$/, ""));
        }
      }),
      { numRuns: 2_000 },
    );
    expect(() => toSqlTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
