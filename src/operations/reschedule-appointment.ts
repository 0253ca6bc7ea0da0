import { t } from "elysia";
import { parseInstant } from "../domain/time";
import { withAlternatives } from "./alternatives";
import { AppointmentResult, bookingSummary } from "./book-appointment";
import { defineOperation, failureOf, invalid } from "./operation";
import { AppointmentId, DurationMinutes, IsoDateTime, ProviderId } from "./schema-parts";

export const rescheduleAppointment = defineOperation({
  name: "reschedule_appointment",
  title: "Move an appointment",
  description: "Moves an existing appointment to a new start time (check availability first).",
  input: t.Object({
    appointmentId: AppointmentId,
    start: IsoDateTime,
    durationMinutes: t.Optional(DurationMinutes),
    providerId: t.Optional(ProviderId),
  }),
  write: true,
  phi: true,
  successStatus: 200,
  gate: "appointment",
  rest: { method: "PATCH", path: "/appointments" },
  output: AppointmentResult,
  tag: "Appointments",
  vapi: { startMessage: "One moment while I move that appointment.", modelNote: "Only for an appointment of the patient verified in this call." },
  example: { appointmentId: "17", start: "2026-12-03T10:30:00" },
  async run(ctx, args) {
    const { practice, connector } = ctx;
    const start = parseInstant(args.start, practice.timezone);
    if (!start) return invalid("start: not a valid ISO 8601 date-time");
    const moved = await connector.rescheduleAppointment({
      appointmentId: args.appointmentId,
      start,
      ...(args.durationMinutes ? { durationMinutes: args.durationMinutes } : {}),
      ...(args.providerId ? { providerId: args.providerId } : {}),
    });
    if (!moved.ok) {
      return { ok: false, error: await withAlternatives(ctx, failureOf(moved.error), start, args.durationMinutes ?? practice.defaultDurationMinutes) };
    }
    const appointment = moved.value;
    return {
      ok: true,
      value: { data: { appointment }, summary: bookingSummary("move", appointment), patientId: appointment.patientId },
    };
  },
});
