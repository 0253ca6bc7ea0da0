// biome-ignore-all lint/style/noNonNullAssertion: indexes come from the loops and binary searches over the same arrays, so they are always in range.
import { DateTime, IANAZone } from "luxon";
import type { PracticeSettings, Weekday } from "./practice";
import type { PartOfDay, Slot, SlotQuery } from "./slot";

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

const LUXON_WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MINUTE = 60_000;

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

function inPartOfDay(hour: number, part: PartOfDay | undefined): boolean {
  if (!part) return true;
  if (part === "morning") return hour < 12;
  if (part === "afternoon") return hour >= 12 && hour < 17;
  return hour >= 17;
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * The chairs a provider may use for [from, to) minutes of a local day given their working hours: null
 * when they do not work then, `[]` when any of their chairs will do.
 */
function workingChairs(hours: WorkingHour[], date: string, weekday: Weekday, from: number, to: number): string[] | null {
  let chairs: string[] | null = null;
  for (const h of hours) {
    if (!(h.date === date || (h.date === null && h.days?.includes(weekday)))) continue;
    if (minutesOf(h.begin) > from || to > minutesOf(h.end)) continue;
    if (h.operatoryId === null) return [];
    chairs = [...(chairs ?? []), h.operatoryId];
  }
  return chairs;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * ISO 8601 with the zone's offset at that instant, e.g. `2026-12-01T09:00:00-05:00`. Plain arithmetic
 * on the zone's offset: the hot loop below formats thousands of these per availability query.
 */
function isoAt(ms: number, zone: IANAZone, knownOffset: number | null): { iso: string; hour: number; minuteOfDay: number } {
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

/** Every free start (not spread) between the query's days, in start order, then provider order. */
export function freeSlots(input: { practice: PracticeSettings; providers: ScheduleProvider[]; busy: BusyInterval[]; query: SlotQuery; now: Date }): Slot[] {
  const { practice, query } = input;
  const zone = practice.timezone;
  // A zone object, not its name: luxon resolves a name on every call, which dominates this loop.
  const ianaZone = IANAZone.create(zone);
  const providers = input.providers.filter(
    (p) =>
      (!query.providerId || p.id === query.providerId) &&
      (query.appointmentType === null || p.appointmentTypes === null || p.appointmentTypes.includes(query.appointmentType)),
  );
  if (providers.length === 0) return [];
  const byProvider = groupBy(input.busy, "providerId");
  const byOperatory = groupBy(input.busy, "operatoryId");
  const durationMs = query.durationMinutes * MINUTE;
  const stepMs = practice.slotStepMinutes * MINUTE;
  const nowMs = input.now.getTime();
  const slots: Slot[] = [];

  let day = DateTime.fromISO(query.startDate, { zone: ianaZone });
  const lastDay = DateTime.fromISO(query.endDate, { zone: ianaZone });
  while (day <= lastDay) {
    const weekday = LUXON_WEEKDAYS[day.weekday - 1]!;
    const hours = practice.officeHours[weekday] ?? [];
    const date = day.toISODate() ?? "";
    for (const [open, close] of hours) {
      // Local wall-clock times resolved in the clinic's zone, so DST change days keep their hours.
      const openMs = DateTime.fromISO(`${date}T${open}`, { zone: ianaZone }).toMillis();
      const closeMs = DateTime.fromISO(`${date}T${close}`, { zone: ianaZone }).toMillis();
      // Asking the zone for its offset is costly (Intl); within an interval it only changes on a DST switch.
      const openOffset = ianaZone.offset(openMs);
      const steadyOffset = openOffset === ianaZone.offset(closeMs) ? openOffset : null;
      for (let start = openMs; start + durationMs <= closeMs; start += stepMs) {
        if (start < nowMs) continue;
        const end = start + durationMs;
        const local = isoAt(start, ianaZone, steadyOffset);
        if (!inPartOfDay(local.hour, query.partOfDay)) continue;
        let endIso: string | null = null;
        for (const p of providers) {
          if (byProvider.get(p.id)?.isFree(start, end) === false) continue;
          let chairs = p.operatoryIds;
          if (p.workingHours) {
            const working = workingChairs(p.workingHours, date, weekday, local.minuteOfDay, local.minuteOfDay + query.durationMinutes);
            if (working === null) continue;
            if (working.length > 0) chairs = working;
          }
          const operatoryId = chairs.find((o) => byOperatory.get(o)?.isFree(start, end) !== false);
          if (chairs.length > 0 && operatoryId === undefined) continue;
          endIso ??= isoAt(end, ianaZone, steadyOffset).iso;
          slots.push({
            start: local.iso,
            end: endIso,
            providerId: p.id,
            providerName: p.name,
            operatoryId: operatoryId ?? null,
          });
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  return slots;
}

/** True when [start, start+duration) lies inside one office-hours interval of its local day. */
export function withinOfficeHours(practice: PracticeSettings, start: Date, durationMinutes: number): boolean {
  const local = DateTime.fromJSDate(start, { zone: practice.timezone });
  const hours = practice.officeHours[LUXON_WEEKDAYS[local.weekday - 1]!] ?? [];
  const date = local.toISODate();
  const s = start.getTime();
  const e = s + durationMinutes * MINUTE;
  return hours.some(([open, close]) => {
    const o = DateTime.fromISO(`${date}T${open}`, { zone: practice.timezone }).toMillis();
    const c = DateTime.fromISO(`${date}T${close}`, { zone: practice.timezone }).toMillis();
    return s >= o && e <= c;
  });
}
