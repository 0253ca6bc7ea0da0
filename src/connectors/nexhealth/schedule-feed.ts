import type { ScheduleProvider, WorkingHour } from "../../domain/availability";
import type { Weekday } from "../../domain/practice";
import type { BookedRange, ScheduleChange, ScheduleFrame } from "../../domain/schedule";
import { clinicDaysSpan } from "../../domain/time";
import type { Clock } from "../../lib/clock";
import { err, ok } from "../../lib/result";
import { connectorError, type PmsResult, type ScheduleFeed } from "../types";
import { MAX_PER_PAGE, type NexHealthClient } from "./client";
import type { LocationFacts } from "./location-facts";
import { utcTime } from "./mappers";
import { type Row, rows, str } from "./values";

const WEEKDAYS: Record<string, Weekday> = {
  monday: "mon",
  tuesday: "tue",
  wednesday: "wed",
  thursday: "thu",
  friday: "fri",
  saturday: "sat",
  sunday: "sun",
};
/**
 * `updated_since` is asked for a little before the last read: an appointment NexHealth updated while
 * that read was in flight must not fall between two reads. Replaying a change is harmless.
 */
const OVERLAP_MS = 2 * 60_000;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d/;

/** A working hour as the domain reads it; null when it uses a rule the gateway does not interpret. */
function toWorkingHour(row: Row): WorkingHour | null {
  const begin = str(row.begin_time).slice(0, 5);
  const end = str(row.end_time).slice(0, 5);
  if (!CLOCK.test(begin) || !CLOCK.test(end)) return null;
  const operatoryId = row.operatory_id === null || row.operatory_id === undefined ? null : str(row.operatory_id);
  const date = str(row.specific_date).slice(0, 10);
  if (date) return { days: null, date, begin, end, operatoryId };
  // A custom recurrence ("every 2 weeks from …") is not read here: the practice is answered live instead.
  if (row.custom_recurrence) return null;
  const days = (Array.isArray(row.days) ? row.days : []).map((d) => WEEKDAYS[str(d).toLowerCase()]);
  if (days.length === 0 || days.some((d) => d === undefined)) return null;
  return { days: days as Weekday[], date: null, begin, end, operatoryId };
}

/** An appointment as a booked range; null when cancelled or without readable times. */
function toRange(row: Row): BookedRange | null {
  if (row.cancelled === true || row.canceled === true) return null;
  const start = Date.parse(str(row.start_time));
  const end = Date.parse(str(row.end_time));
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  return {
    id: str(row.id),
    patientId: str(row.patient_id) || null,
    providerId: str(row.provider_id) || null,
    operatoryId: row.operatory_id === null || row.operatory_id === undefined ? null : str(row.operatory_id),
    startMs: start,
    endMs: end,
  };
}

/**
 * NexHealth's side of the schedule mirror: bookable providers with their working hours and chairs,
 * the location's appointments (blocks included: they take the time too), and changes read with
 * `updated_since` (cancellations arrive as updates with `cancelled: true`).
 */
export function nexHealthScheduleFeed(input: {
  client: NexHealthClient;
  facts: LocationFacts;
  clock: Clock;
  subdomain: string;
  locationId: number;
  zone: string;
  guard: <T>(work: () => Promise<PmsResult<T>>) => Promise<PmsResult<T>>;
}): ScheduleFeed {
  const { client, guard, locationId, zone } = input;
  /** NexHealth's window is `[start, end)` in instants: the clinic's days, from first midnight to the day after the last. */
  const window = (fromDate: string, toDate: string) => {
    const { fromMs, toMs } = clinicDaysSpan(fromDate, toDate, zone);
    return { start: utcTime(new Date(fromMs)), end: utcTime(new Date(toMs)) };
  };

  return {
    practiceKey: `${input.subdomain}:${locationId}`,

    frame: () =>
      guard(async (): Promise<PmsResult<ScheduleFrame>> => {
        const [providers, hours, operatories, sync] = await Promise.all([
          input.facts.bookableProviders(),
          client.all("/working_hours", { location_id: locationId, active: true }),
          client.all("/operatories", { location_id: locationId }),
          input.facts.syncStatus(),
        ]);
        const activeChairs = rows(operatories)
          .filter((o) => o.active !== false)
          .map((o) => str(o.id));
        let unreadable = false;
        const scheduleProviders: ScheduleProvider[] = providers.map((p) => {
          const own = rows(hours).filter((h) => str(h.provider_id) === p.id && h.active !== false);
          const workingHours: WorkingHour[] = [];
          for (const row of own) {
            const hour = toWorkingHour(row);
            if (hour) workingHours.push(hour);
            else unreadable = true;
          }
          const chairs = [...new Set(workingHours.flatMap((h) => (h.operatoryId ? [h.operatoryId] : [])))];
          // A provider without a working hour cannot be booked through NexHealth: no hours, no slots.
          return { id: p.id, name: p.name, operatoryIds: chairs, appointmentTypes: null, workingHours };
        });
        return ok({
          providers: scheduleProviders,
          operatoryIds: activeChairs,
          appointmentTypes: [],
          // NexHealth's own slots step by their length from the working hour's start (no slot_interval sent).
          stepByDuration: true,
          liveOnly: unreadable ? "a working hour uses a recurrence the gateway does not read" : null,
          notice: sync.readRed ? "The office's schedule has not synced recently, so some of these times may already be taken." : null,
        });
      }),

    booked: (fromDate, toDate) =>
      guard(async (): Promise<PmsResult<BookedRange[]>> => {
        const { rows: found, complete } = await client.scan(
          "/appointments",
          { location_id: locationId, ...window(fromDate, toDate), cancelled: false },
          MAX_PER_PAGE,
        );
        // A read cut short would show taken times as free.
        if (!complete) return err(connectorError("upstream_error", "The office's schedule for those days is longer than the gateway reads at once."));
        return ok(rows(found).flatMap((row) => (str(row.location_id) && str(row.location_id) !== String(locationId) ? [] : (toRange(row) ?? []))));
      }),

    changesSince: (sinceMs, fromDate, toDate) =>
      guard(async (): Promise<PmsResult<{ changes: ScheduleChange[]; complete: boolean }>> => {
        // Both cancelled and active appointments: a cancellation is a change to apply. A booking moved out
        // of the window is not listed and stays as it was: a time shown busy that is free, never the reverse.
        const { rows: found, complete } = await client.scan(
          "/appointments",
          { location_id: locationId, ...window(fromDate, toDate), updated_since: utcTime(new Date(sinceMs - OVERLAP_MS)) },
          MAX_PER_PAGE,
        );
        // Changes cut short leave some out: only a reload can be trusted then.
        if (!complete) return ok({ changes: [], complete: false });
        const changes: ScheduleChange[] = [];
        for (const row of rows(found)) {
          if (str(row.location_id) && str(row.location_id) !== String(locationId)) continue;
          const id = str(row.id);
          if (!id) return ok({ changes: [], complete: false });
          const range = toRange(row);
          changes.push(range ? { kind: "upsert", range } : { kind: "remove", id });
        }
        return ok({ changes, complete: true });
      }),
  };
}
