import { DateTime } from "luxon";

/**
 * A weekday (Monday to Friday, inside the default office hours) at least `daysAhead` days after today
 * (UTC), as `YYYY-MM-DD`. For tests of services that run on the real clock (a built bundle, spawned
 * instances): a fixed date there is in the past from the day after it, and the service then rightly
 * refuses a booking on it or finds nothing free.
 */
export function upcomingWeekday(daysAhead = 7, now = DateTime.utc()): string {
  let day = now.plus({ days: daysAhead });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day.toISODate() as string;
}

/**
 * The UTC instant of a clinic's local wall time, as the sandbox stores it (`2026-12-08T16:00:00.000Z`).
 * Worked out with luxon, not with the service's own `parseInstant`: an expectation must not come from the
 * code it checks.
 */
export function utcOfLocal(localDateTime: string, zone: string): string {
  return DateTime.fromISO(localDateTime, { zone }).toUTC().toISO() as string;
}
