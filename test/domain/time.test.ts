import { expect, test } from "bun:test";
import { parseInstant } from "../../src/domain/time";

test("start times: clinic-local without an offset, as given with one, tolerant of a space for the T", () => {
  const ny = "America/New_York";
  expect(parseInstant("2026-12-03T10:00:00", ny)?.toISOString()).toBe("2026-12-03T15:00:00.000Z");
  expect(parseInstant("2026-12-03 10:00", ny)?.toISOString()).toBe("2026-12-03T15:00:00.000Z");
  expect(parseInstant("2026-12-03T10:00:00Z", ny)?.toISOString()).toBe("2026-12-03T10:00:00.000Z");
  expect(parseInstant("2026-12-03T10:00:00+01:00", ny)?.toISOString()).toBe("2026-12-03T09:00:00.000Z");
  expect(parseInstant("2026-07-03T10:00", ny)?.toISOString()).toBe("2026-07-03T14:00:00.000Z"); // summer time
  expect(parseInstant("next tuesday", ny)).toBeNull();
  expect(parseInstant("2026-02-30T10:00", ny)).toBeNull();
});
