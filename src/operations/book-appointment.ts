import { t } from "elysia";
import { AppointmentSchema } from "../domain/appointment";
import { parseInstant } from "../domain/time";
import { withAlternatives } from "./alternatives";
import { resolveAppointmentType } from "./appointment-settings";
import { defineOperation, failureOf, invalid } from "./operation";
import { AppointmentType, DurationMinutes, IsoDateTime, PatientId, ProviderId } from "./schema-parts";
import { spokenTime, spokenVisit } from "./speech";

export const AppointmentResult = t.Object({ appointment: AppointmentSchema });

export const bookingSummary = (verb: string, a: { start: string; confirmation: string; type: string | null }) => {
  const visit = spokenVisit(a.type);
  return a.confirmation === "pending"
    ? `The request to ${verb} ${visit} for ${spokenTime(a.start)} was sent; the office will confirm it.`
    : `${visit.charAt(0).toUpperCase()}${visit.slice(1)} is ${verb === "book" ? "booked" : "moved"} for ${spokenTime(a.start)}.`;
};

export const bookAppointment = defineOperation({
  name: "book_appointment",
  title: "Book an appointment",
  description:
    "Books an appointment for a known patient at a start time taken from check_availability. " +
    "If the result says pending, tell the caller the request was sent and the office will confirm.",
  input: t.Object({
    patientId: PatientId,
    start: IsoDateTime,
    durationMinutes: t.Optional(DurationMinutes),
    providerId: t.Optional(ProviderId),
    appointmentType: t.Optional(AppointmentType),
    notes: t.Optional(t.String({ maxLength: 500, description: "Short reason for the visit" })),
  }),
  write: true,
  phi: true,
  successStatus: 201,
  gate: "patient",
  rest: { method: "POST", path: "/appointments" },
  output: AppointmentResult,
  tag: "Appointments",
  vapi: {
    startMessage: "One moment while I book that.",
    modelNote: "Only for the patient verified in this call; use a start time returned by check_availability.",
  },
  intent: (args, at) => `book:${args.patientId}:${at(args.start)}:${args.providerId ?? "any"}`,
  example: { patientId: "1", start: "2026-12-02T09:00:00", appointmentType: "cleaning", notes: "Six-month cleaning" },
  async run(ctx, args) {
    const { practice, connector } = ctx;
    const start = parseInstant(args.start, practice.timezone);
    if (!start) return invalid("start: not a valid ISO 8601 date-time");
    const type = resolveAppointmentType(practice, args.appointmentType, args.durationMinutes);
    if (!type.ok) return type;
    const booked = await connector.bookAppointment({
      patientId: args.patientId,
      start,
      durationMinutes: type.value.durationMinutes,
      appointmentType: type.value.type,
      ...(args.providerId ? { providerId: args.providerId } : {}),
      ...(args.notes ? { notes: args.notes } : {}),
    });
    if (!booked.ok) {
      return { ok: false, error: await withAlternatives(ctx, failureOf(booked.error), start, type.value.durationMinutes) };
    }
    const appointment = booked.value;
    return {
      ok: true,
      value: { data: { appointment }, summary: bookingSummary("book", appointment), patientId: appointment.patientId },
    };
  },
});
