import type { ScheduleChange } from "../../domain/schedule";
import type { Clock } from "../../lib/clock";
import { ok } from "../../lib/result";
import type { PmsResult, ScheduleFeed } from "../types";
import type { SikkaClient } from "./client";
import { isCancelled } from "./mappers";
import type { PracticeFacts } from "./practice-facts";
import type { SikkaSchedule } from "./schedule";
import { text } from "./values";

/** `practice_events` reaches back at most a day (`interval` is capped at 1440 minutes). */
const FEED_REACH_MINUTES = 1440;
/**
 * Events are asked for a little further back than the last read: an event Sikka stamps while the
 * previous read was in flight must not fall between two reads. Replaying one is harmless.
 */
const OVERLAP_MINUTES = 2;

/**
 * Sikka's side of the schedule mirror: providers and chairs, booked appointments, and the
 * `practice_events` change feed for appointments (`flag` added / updated / deleted).
 */
export function sikkaScheduleFeed(input: {
  client: SikkaClient;
  schedule: SikkaSchedule;
  facts: PracticeFacts;
  clock: Clock;
  officeId: string;
  /** PMSs that publish their own open slots are answered live. */
  publishesSlots: (pms: string) => boolean;
  guard: <T>(work: () => Promise<PmsResult<T>>) => Promise<PmsResult<T>>;
}): ScheduleFeed {
  const { client, schedule, guard } = input;
  return {
    practiceKey: `${input.officeId}:${client.practiceId}`,

    frame: () =>
      guard(async () => {
        const pms = await input.facts.pms();
        const providers = await schedule.providersWithChairs();
        return ok({
          providers,
          operatoryIds: [...new Set(providers.flatMap((p) => p.operatoryIds))],
          appointmentTypes: [],
          stepByDuration: false,
          liveOnly: input.publishesSlots(pms) ? `${pms} publishes its own open slots` : null,
          notice: client.dataInsertInProgress ? "The office's schedule is still being loaded, so some of these times may already be taken." : null,
        });
      }),

    booked: (fromDate, toDate) => guard(async () => ok(await schedule.bookedRanges(fromDate, toDate))),

    changesSince: (sinceMs) =>
      guard(async () => {
        const minutes = Math.ceil((input.clock.now().getTime() - sinceMs) / 60_000) + OVERLAP_MINUTES;
        if (minutes > FEED_REACH_MINUTES) return ok({ changes: [], complete: false });
        // The chair is not in the default field set of appointment records, events included.
        const { rows, complete: allRead } = await client.getAll("/practice_events", {
          events: "appointments",
          interval: String(minutes),
          fields: "operatory,cancelled",
        });
        const changes: ScheduleChange[] = [];
        // A feed cut short leaves out the latest changes: only a reload can be trusted then.
        let complete = allRead;
        for (const row of rows) {
          const id = text(row, "appointment_sr_no");
          if (!id) {
            complete = false; // an event that names no appointment cannot be applied
            continue;
          }
          if (/^deleted$/i.test(text(row, "flag"))) {
            changes.push({ kind: "remove", id });
            continue;
          }
          const range = isCancelled(row) ? null : schedule.rangeOf(row);
          if (isCancelled(row)) changes.push({ kind: "remove", id });
          else if (range) changes.push({ kind: "upsert", range });
          else complete = false; // a booking whose time cannot be read: only a reload places it
        }
        // Sikka lists events oldest first; the last one for an appointment wins.
        return ok({ changes, complete });
      }),
  };
}
