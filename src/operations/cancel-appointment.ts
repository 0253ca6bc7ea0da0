import { t } from "elysia";
import { AppointmentResult } from "./book-appointment";
import { defineOperation, fromConnector } from "./operation";
import { AppointmentId } from "./schema-parts";
import { spokenTime } from "./speech";

export const cancelAppointment = defineOperation({
  name: "cancel_appointment",
  title: "Cancel an appointment",
  description: "Cancels an existing appointment. Confirm with the caller before cancelling.",
  input: t.Object({
    appointmentId: AppointmentId,
    reason: t.Optional(t.String({ maxLength: 300 })),
  }),
  write: true,
  phi: true,
  successStatus: 200,
  gate: "appointment",
  rest: { method: "DELETE", path: "/appointments" },
  output: AppointmentResult,
  tag: "Appointments",
  vapi: { startMessage: "One moment while I cancel that.", modelNote: "Only for an appointment of the patient verified in this call." },
  example: { appointmentId: "17", reason: "Caller is travelling" },
  async run({ connector }, args) {
    const cancelled = await connector.cancelAppointment({
      appointmentId: args.appointmentId,
      ...(args.reason ? { reason: args.reason } : {}),
    });
    if (!cancelled.ok) return fromConnector(cancelled.error);
    const appointment = cancelled.value;
    const summary =
      appointment.confirmation === "pending"
        ? `The cancellation of the appointment on ${spokenTime(appointment.start)} was sent; the office will confirm it.`
        : `The appointment on ${spokenTime(appointment.start)} is cancelled.`;
    return { ok: true, value: { data: { appointment }, summary, patientId: appointment.patientId } };
  },
});
