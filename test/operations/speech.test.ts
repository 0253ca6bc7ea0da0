import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { DateTime } from "luxon";
import { spokenDay, spokenTime } from "../../src/operations/speech";

describe("spoken times", () => {
  test("say exactly what luxon's format says, for any local time in any offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2032, 11, 31) }),
        fc.constantFrom("America/New_York", "Asia/Kolkata", "UTC", "Pacific/Chatham", "America/St_Johns"),
        (ms, zone) => {
          const iso = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? "";
          expect(spokenTime(iso)).toBe(DateTime.fromISO(iso, { setZone: true }).toFormat("cccc, LLLL d 'at' h:mm a"));
          const day = iso.slice(0, 10);
          expect(spokenDay(day)).toBe(DateTime.fromISO(day).toFormat("cccc, LLLL d"));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("midnight and noon read as 12", () => {
    expect(spokenTime("2026-12-01T00:05:00-05:00")).toBe("Tuesday, December 1 at 12:05 AM");
    expect(spokenTime("2026-12-01T12:30:00-05:00")).toBe("Tuesday, December 1 at 12:30 PM");
  });
});
