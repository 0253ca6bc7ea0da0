import { DateTime } from "luxon";
import { type CachedZone, localTimeToMs, zoneOf } from "./zone";

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads an ISO 8601 date-time; a local time without an offset is read in the clinic's time zone
 * (contract: "A local time without an offset is read in the clinic's time zone"). Null when invalid.
 */
export function parseInstant(input: string, timezone: string): Date | null {
  // Models often write "2026-12-03 10:00"; read the space as ISO's "T".
  const iso = input.trim().replace(/^(\d{4}-\d{2}-\d{2})[ ](\d)/, "$1T$2");
  const common = commonInstant(iso, timezone);
  if (common !== undefined) return common;
  const dt = HAS_OFFSET.test(iso) ? DateTime.fromISO(iso, { setZone: true }) : DateTime.fromISO(iso, { zone: zoneOf(timezone) });
  return dt.isValid ? dt.toJSDate() : null;
}

/** `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `±HH[:]MM`: what nearly every caller sends. */
const COMMON_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * The common shape read without luxon (a booking reads its start several times); undefined for any
 * other shape or an edge (hour 24, a leap second), which luxon reads. A local time uses the same rule as
 * office hours (`localTimeToMs`), so the instant a caller names is the one availability offered.
 */
function commonInstant(iso: string, timezone: string): Date | null | undefined {
  const m = COMMON_INSTANT.exec(iso);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec = "00", frac = "", z, sign, oh, om] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
  const date = `${y}-${mo}-${d}`;
  const day = calendarDay(date);
  if (day === null) return null;
  const extraMs = Number(sec) * 1000 + Number(frac.padEnd(3, "0"));
  // The named wall-clock time as if it were UTC; an offset (or the clinic's zone) then places it.
  const wallMs = day * 86_400_000 + Number(h) * 3_600_000 + Number(mi) * 60_000 + extraMs;
  if (z) return new Date(wallMs);
  if (sign) {
    if (Number(oh) > 23 || Number(om) > 59) return undefined;
    const offsetMin = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return new Date(wallMs - offsetMin * 60_000);
  }
  const zone = zoneOf(timezone);
  if (!zone.isValid) return undefined;
  return new Date(localTimeToMs(date, `${h}:${mi}`, zone) + extraMs);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** ISO 8601 with the clinic's UTC offset, e.g. `2026-12-01T09:00:00-05:00` (what callers hear). */
export function formatInClinicZone(instant: Date, timezone: string): string {
  const ms = instant.getTime();
  const zone = zoneOf(timezone);
  if (!Number.isFinite(ms) || !zone.isValid) return instant.toISOString();
  const offset = zone.offset(ms);
  const local = new Date(ms + offset * 60_000).toISOString();
  // Four-digit years only (the ISO text of other years has another shape); luxon writes the rest.
  if (local.length !== 24) return DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
  const abs = Math.abs(offset);
  const withoutZ = local.endsWith(".000Z") ? local.slice(0, 19) : local.slice(0, 23);
  return `${withoutZ}${offset < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The clinic's calendar day (days since 1970-01-01) an instant falls on, from the zone's offset then. */
export function clinicDayOf(ms: number, zone: CachedZone): number {
  return Math.floor((ms + zone.offset(ms) * 60_000) / 86_400_000);
}

/** The last day written out: nearly every call in a day asks for the same one. */
let lastDay = { day: Number.NaN, text: "" };

/** A day number (days since 1970-01-01) as `YYYY-MM-DD`. */
export function dayText(day: number): string {
  if (day !== lastDay.day) lastDay = { day, text: new Date(day * 86_400_000).toISOString().slice(0, 10) };
  return lastDay.text;
}

/** Today's calendar date in the clinic's time zone. */
export function clinicToday(now: Date, timezone: string): string {
  return dayText(clinicDayOf(now.getTime(), zoneOf(timezone)));
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A `YYYY-MM-DD` calendar date as a day number (days since 1970-01-01); null when no such day exists.
 * Years before 100 are refused: `Date.UTC` would read them as 19xx.
 */
export function calendarDay(isoDate: string): number | null {
  const m = CALENDAR_DATE.exec(isoDate);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 100 || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0))) return null;
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

export function isValidTimezone(timezone: string): boolean {
  return DateTime.local().setZone(timezone).isValid;
}

/** ISO 8601 text of a Luxon time the code built itself (so it is valid); an invalid one is a bug, not data. */
export function isoOf(dt: DateTime): string {
  const iso = dt.toISO({ suppressMilliseconds: true });
  if (iso === null) throw new Error(`invalid time: ${dt.invalidReason ?? "unknown"}`);
  return iso;
}

/** The calendar day (YYYY-MM-DD) of a Luxon time the code built itself. */
export function isoDateOf(dt: DateTime): string {
  const day = dt.toISODate();
  if (day === null) throw new Error(`invalid time: ${dt.invalidReason ?? "unknown"}`);
  return day;
}

/**
 * The instants a run of clinic-local calendar days covers, `[fromMs, toMs)`: from the first day's
 * midnight to the midnight after the last, in the clinic's zone (DST days keep their 23 or 25 hours).
 */
export function clinicDaysSpan(fromDate: string, toDate: string, timezone: string): { fromMs: number; toMs: number } {
  const zone = zoneOf(timezone);
  const dayAfter = new Date(Date.parse(`${toDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { fromMs: localTimeToMs(fromDate, "00:00", zone), toMs: localTimeToMs(dayAfter, "00:00", zone) };
}
