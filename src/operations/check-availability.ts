import { t } from "elysia";
import type { SlotSearch } from "../connectors/types";
import { spread } from "../domain/availability";
import { MAX_RANGE_DAYS, type Slot, SlotSchema } from "../domain/slot";
import { calendarDay, clinicToday } from "../domain/time";
import { deepFreeze } from "../lib/deep-freeze";
import { resolveAppointmentType } from "./appointment-settings";
import { defineOperation, fromConnector, invalid } from "./operation";
import { AppointmentType, DurationMinutes, IsoDate, ProviderId } from "./schema-parts";
import { listOf, spokenDay, spokenSlot } from "./speech";

export const AvailabilityResult = t.Object({
  slots: t.Array(SlotSchema),
  notice: t.Optional(t.String({ description: "Why the schedule may be incomplete or out of date; the assistant should say it" })),
});

export const checkAvailability = defineOperation({
  name: "check_availability",
  title: "Find open appointment slots",
  description:
    "Finds free appointment times for one day (date) or a range of up to 14 days (startDate and endDate), " +
    "inside office hours and never in the past. Offer the caller at most three of the returned times.",
  input: t.Object({
    date: t.Optional(IsoDate),
    startDate: t.Optional(IsoDate),
    endDate: t.Optional(IsoDate),
    providerId: t.Optional(ProviderId),
    appointmentType: t.Optional(AppointmentType),
    durationMinutes: t.Optional(DurationMinutes),
    partOfDay: t.Optional(t.Union([t.Literal("morning"), t.Literal("afternoon"), t.Literal("evening")])),
    limit: t.Optional(t.Integer({ minimum: 1, maximum: 20, default: 5, description: "How many slots (default 5)" })),
  }),
  write: false,
  phi: false,
  successStatus: 200,
  gate: "none",
  rest: { method: "GET", path: "/appointments/availability" },
  output: AvailabilityResult,
  tag: "Appointments",
  vapi: { startMessage: "Let me check the schedule." },
  example: { date: "2026-12-02", appointmentType: "cleaning", partOfDay: "morning", limit: 3 },
  async run({ practice, connector, clock }, args) {
    const zone = practice.timezone;
    const today = clinicToday(clock.now(), zone);
    const startDate = args.date ?? args.startDate ?? today;
    const endDate = args.date ?? args.endDate ?? args.startDate ?? today;
    const start = calendarDay(startDate);
    const end = calendarDay(endDate);
    if (start === null || end === null) return invalid("date: not a valid calendar date");
    if (end < start) return invalid("endDate: must not be before startDate");
    if (end - start >= MAX_RANGE_DAYS) return invalid(`endDate: the range may span at most ${MAX_RANGE_DAYS} days`);
    const type = resolveAppointmentType(practice, args.appointmentType, args.durationMinutes);
    if (!type.ok) return type;
    // A range wholly in the past has nothing to offer; start no earlier than today.
    // biome-ignore lint/complexity/useMathMinMax: ISO dates are compared as strings, not numbers.
    const fromDate = startDate < today ? today : startDate;
    const limit = args.limit ?? 5;
    const found =
      endDate < today
        ? { ok: true as const, value: { slots: [] } }
        : await connector.findSlots({
            startDate: fromDate,
            endDate,
            durationMinutes: type.value.durationMinutes,
            appointmentType: type.value.type,
            limit,
            ...(args.providerId ? { providerId: args.providerId } : {}),
            ...(args.partOfDay ? { partOfDay: args.partOfDay } : {}),
          });
    if (!found.ok) return fromConnector(found.error);
    const { data, summary } = spokenAnswer(found.value, startDate, endDate, limit);
    return { ok: true, value: { data, summary, patientId: null } };
  },
});

type SpokenAnswer = { data: { slots: Slot[]; notice?: string }; summary: string };

/**
 * The answer as told to the caller, composed once per schedule answer and question: a schedule answer
 * is reused for seconds by every caller asking the same thing (recent availability, the schedule
 * mirror), and saying it is the same work each time. Frozen, since it is shared.
 */
const spokenAnswers = new WeakMap<SlotSearch, Map<string, SpokenAnswer>>();

function spokenAnswer(found: SlotSearch, startDate: string, endDate: string, limit: number): SpokenAnswer {
  let asked = spokenAnswers.get(found);
  if (!asked) {
    asked = new Map();
    spokenAnswers.set(found, asked);
  }
  const key = `${startDate}|${endDate}|${limit}`;
  let answer = asked.get(key);
  if (!answer) {
    answer = deepFreeze(composeAnswer(found, startDate, endDate, limit));
    asked.set(key, answer);
  }
  return answer;
}

function composeAnswer(found: SlotSearch, startDate: string, endDate: string, limit: number): SpokenAnswer {
  const slots = spread(found.slots, limit);
  const notice = found.mayBeIncomplete;
  const range = startDate === endDate ? `on ${spokenDay(startDate)}` : `between ${spokenDay(startDate)} and ${spokenDay(endDate)}`;
  const summary =
    slots.length === 0
      ? `There are no openings ${range}.`
      : `I found ${slots.length} opening${slots.length === 1 ? "" : "s"} ${range}, including ${listOf(
          slots.slice(0, 3).map((s) => spokenSlot(s.start, s.providerName)),
        )}.`;
  // Copies of the chosen slots: freezing the answer leaves the connector's own objects as they were.
  const chosen = slots.map((slot) => ({ ...slot }));
  const data = notice ? { slots: chosen, notice } : { slots: chosen };
  return { data, summary: notice ? `${summary} ${notice}` : summary };
}
