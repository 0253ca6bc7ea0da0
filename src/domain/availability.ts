// biome-ignore-all lint/style/noNonNullAssertion: indexes come from the loops and binary searches over the same arrays, so they are always in range.
import { DateTime } from "luxon";
import type { PracticeSettings, Weekday } from "./practice";
import type { PartOfDay, Slot, SlotQuery } from "./slot";
import { clinicDayOf, dayText } from "./time";
import { type CachedZone, localTimeToMs, zoneOf } from "./zone";

/**
 * When a provider works, as the vendor reports it: every listed weekday, or one calendar day, from
 * `begin` to `end` (clinic-local `HH:MM`), optionally in one chair only.
 */
export type WorkingHour = { days: Weekday[] | null; date: string | null; begin: string; end: string; operatoryId: string | null };

export type ScheduleProvider = {
  id: string;
  name: string;
  /** Chairs this provider can work in; the slot takes the first free one. Empty: no chair constraint. */
  operatoryIds: string[];
  /** Appointment type names the provider sees; null means all. */
  appointmentTypes: string[] | null;
  /**
   * When the provider works, if the PMS says (slots must also lie inside these); absent: whenever the
   * office is open.
   */
  workingHours?: WorkingHour[];
};

/** A booked interval in epoch milliseconds. */
export type BusyInterval = { providerId: string | null; operatoryId: string | null; start: number; end: number };

/** A time taken on a provider and, when known, a chair: a booking read from the PMS, or a gateway hold. */
export type TakenRange = { providerId: string | null; operatoryId: string | null; startMs: number; endMs: number };

export const busyFrom = (r: TakenRange): BusyInterval => ({ providerId: r.providerId, operatoryId: r.operatoryId, start: r.startMs, end: r.endMs });

/** True when one of the ranges overlaps [start, end) on that provider or, when one is given, on that chair. */
export function takenBy(ranges: TakenRange[], at: { providerId: string; operatoryId: string | null; start: number; end: number }): boolean {
  return ranges.some(
    (r) => r.startMs < at.end && at.start < r.endMs && (r.providerId === at.providerId || (at.operatoryId !== null && r.operatoryId === at.operatoryId)),
  );
}

const LUXON_WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Sorted, merged intervals so that "is [s, e) free?" is one binary search. */
class FreeBusy {
  private starts: number[] = [];
  private ends: number[] = [];

  constructor(intervals: Array<{ start: number; end: number }>) {
    const sorted = [...intervals].sort((a, b) => a.start - b.start);
    for (const { start, end } of sorted) {
      const last = this.ends.length - 1;
      if (last >= 0 && start <= this.ends[last]!) this.ends[last] = Math.max(this.ends[last]!, end);
      else {
        this.starts.push(start);
        this.ends.push(end);
      }
    }
  }

  isFree(start: number, end: number): boolean {
    // first merged interval whose end is after `start`
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.starts.length || this.starts[lo]! >= end;
  }
}

function groupBy(busy: BusyInterval[], key: "providerId" | "operatoryId"): Map<string, FreeBusy> {
  const groups = new Map<string, BusyInterval[]>();
  for (const b of busy) {
    const id = b[key];
    if (id === null) continue;
    const list = groups.get(id) ?? [];
    list.push(b);
    groups.set(id, list);
  }
  return new Map([...groups].map(([id, list]) => [id, new FreeBusy(list)]));
}

/** Whether a local hour falls in the part of the day asked for (morning before noon, evening from 5 pm). */
export function inPartOfDay(hour: number, part: PartOfDay | undefined): boolean {
  if (!part) return true;
  if (part === "morning") return hour < 12;
  if (part === "afternoon") return hour >= 12 && hour < 17;
  return hour >= 17;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * ISO 8601 with the zone's offset at that instant, e.g. `2026-12-01T09:00:00-05:00`. Plain arithmetic
 * on the zone's offset: the hot loop below formats thousands of these per availability query.
 */
function isoAt(ms: number, zone: CachedZone, knownOffset: number | null): { iso: string; hour: number; minuteOfDay: number } {
  const offset = knownOffset ?? zone.offset(ms);
  const local = new Date(ms + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const iso =
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { iso, hour: local.getUTCHours(), minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** Picks `limit` items spread evenly over the list (first and last included) rather than the first N. */
export function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  if (limit <= 1) return items.slice(0, Math.max(0, limit));
  const picked: T[] = [];
  for (let i = 0; i < limit; i++) picked.push(items[Math.round((i * (items.length - 1)) / (limit - 1))]!);
  return picked;
}

/** A stretch of a local day in which a provider can start appointments, in the chairs given. */
type Window = { openMs: number; closeMs: number; chairs: string[] };

/** When a provider can be booked on a day: their working hours if the PMS gives them, else office hours. */
function windowsOf(p: ScheduleProvider, officeHours: Array<[string, string]>, date: string, weekday: Weekday, zone: CachedZone): Window[] {
  // Local wall-clock times resolved in the clinic's zone, so DST change days keep their hours.
  const at = (clock: string) => localTimeToMs(date, clock, zone);
  if (!p.workingHours) return officeHours.map(([open, close]) => ({ openMs: at(open), closeMs: at(close), chairs: p.operatoryIds }));
  return p.workingHours
    .filter((h) => h.date === date || (h.date === null && h.days?.includes(weekday)))
    .map((h) => ({ openMs: at(h.begin), closeMs: at(h.end), chairs: h.operatoryId ? [h.operatoryId] : p.operatoryIds }));
}

/**
 * Free starts between the query's days, spread evenly over them down to `query.limit`, in start order
 * then provider order. Starts
 * step from each window's opening by the practice's slot step, or by the appointment's own length when
 * `stepByDuration` (the grid a vendor computing its own slots uses, so a start offered is one it takes).
 */
export function freeSlots(input: {
  practice: PracticeSettings;
  providers: ScheduleProvider[];
  busy: BusyInterval[];
  query: SlotQuery;
  now: Date;
  stepByDuration?: boolean;
}): Slot[] {
  const { practice, query } = input;
  const zone = practice.timezone;
  // A zone object with remembered offsets, not its name: zone lookups would dominate this loop.
  const ianaZone = zoneOf(zone);
  const providers = input.providers.filter(
    (p) =>
      (!query.providerId || p.id === query.providerId) &&
      (query.appointmentType === null || p.appointmentTypes === null || p.appointmentTypes.includes(query.appointmentType)),
  );
  if (providers.length === 0) return [];
  const byProvider = groupBy(input.busy, "providerId");
  const byOperatory = groupBy(input.busy, "operatoryId");
  const durationMs = query.durationMinutes * MINUTE;
  const stepMs = (input.stepByDuration ? query.durationMinutes : practice.slotStepMinutes) * MINUTE;
  const nowMs = input.now.getTime();
  const found: Array<{ startMs: number; endMs: number; rank: number; provider: ScheduleProvider; operatoryId: string | null; offset: number | null }> = [];

  let day = DateTime.fromISO(query.startDate, { zone: ianaZone });
  const lastDay = DateTime.fromISO(query.endDate, { zone: ianaZone });
  while (day <= lastDay) {
    const weekday = LUXON_WEEKDAYS[day.weekday - 1]!;
    const hours = practice.officeHours[weekday] ?? [];
    const date = day.toISODate() ?? "";
    for (const [rank, p] of providers.entries()) {
      const offered = new Set<number>();
      for (const window of windowsOf(p, hours, date, weekday, ianaZone)) {
        // Within a window the offset only changes on a DST switch: known once for the whole window.
        const openOffset = ianaZone.offset(window.openMs);
        const steadyOffset = openOffset === ianaZone.offset(window.closeMs) ? openOffset : null;
        for (let start = window.openMs; start + durationMs <= window.closeMs; start += stepMs) {
          if (start < nowMs || offered.has(start)) continue;
          const end = start + durationMs;
          if (query.partOfDay) {
            const hour = Math.floor(((((start + (steadyOffset ?? ianaZone.offset(start)) * MINUTE) % DAY) + DAY) % DAY) / HOUR);
            if (!inPartOfDay(hour, query.partOfDay)) continue;
          }
          if (byProvider.get(p.id)?.isFree(start, end) === false) continue;
          const operatoryId = window.chairs.find((o) => byOperatory.get(o)?.isFree(start, end) !== false);
          if (window.chairs.length > 0 && operatoryId === undefined) continue;
          offered.add(start);
          found.push({ startMs: start, endMs: end, rank, provider: p, operatoryId: operatoryId ?? null, offset: steadyOffset });
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  found.sort((a, b) => a.startMs - b.startMs || a.rank - b.rank);
  // Only the slots offered are written out as text: formatting every free start would cost more than finding them.
  return spread(found, query.limit).map((f) => ({
    start: isoAt(f.startMs, ianaZone, f.offset).iso,
    end: isoAt(f.endMs, ianaZone, f.offset).iso,
    providerId: f.provider.id,
    providerName: f.provider.name,
    operatoryId: f.operatoryId,
  }));
}

/** True when [start, start+duration) lies inside one office-hours interval of its local day. */
export function withinOfficeHours(practice: PracticeSettings, start: Date, durationMinutes: number): boolean {
  const s = start.getTime();
  if (!Number.isFinite(s)) return false;
  const zone = zoneOf(practice.timezone);
  // The clinic's day of the instant without luxon (every booking asks); day 0, 1970-01-01, was a Thursday.
  const day = clinicDayOf(s, zone);
  const date = dayText(day);
  const weekday = LUXON_WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
  const e = s + durationMinutes * MINUTE;
  // Office hours resolved exactly as availability resolves them, so a time offered is a time accepted.
  return (practice.officeHours[weekday] ?? []).some(([open, close]) => s >= localTimeToMs(date, open, zone) && e <= localTimeToMs(date, close, zone));
}
