import { type Static, Type } from "@sinclair/typebox";

/** The longest appointment the gateway books or moves (a full working day). */
export const MAX_APPOINTMENT_MINUTES = 480;

export const AppointmentSchema = Type.Object({
  /** Null while the PMS has not confirmed the booking yet (`confirmation: "pending"`). */
  id: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.String(),
  start: Type.String({ description: "ISO 8601 with the clinic's UTC offset" }),
  end: Type.String(),
  durationMinutes: Type.Integer(),
  providerId: Type.Union([Type.String(), Type.Null()]),
  operatoryId: Type.Union([Type.String(), Type.Null()]),
  type: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal("scheduled"), Type.Literal("cancelled")]),
  confirmation: Type.Union([Type.Literal("confirmed"), Type.Literal("pending")]),
  reference: Type.Optional(Type.String({ description: "Gateway tracking id while pending" })),
});
export type Appointment = Static<typeof AppointmentSchema>;

export type BookingRequest = {
  patientId: string;
  /** Absolute instant; the operation layer has already applied the clinic's time zone. */
  start: Date;
  durationMinutes: number;
  providerId?: string;
  /** One of the clinic's appointment types, or null when the caller did not say. */
  appointmentType: string | null;
  notes?: string;
};

export type RescheduleRequest = {
  appointmentId: string;
  start: Date;
  durationMinutes?: number;
  providerId?: string;
};

export type CancelRequest = { appointmentId: string; reason?: string };
