import type { Appointment } from "../../domain/appointment";
import type { Patient } from "../../domain/patient";
import { formatInClinicZone } from "../../domain/time";
import type { SandboxAppointmentRow, SandboxPatientRow } from "./storage";

export const toPatient = (row: SandboxPatientRow): Patient => ({
  id: String(row.id),
  firstName: row.firstName,
  lastName: row.lastName,
  dateOfBirth: row.dateOfBirth,
  phone: row.phone,
  email: row.email,
});

export const toAppointment = (row: SandboxAppointmentRow, timezone: string): Appointment => {
  const start = new Date(row.startUtc);
  const end = new Date(row.endUtc);
  return {
    id: String(row.id),
    patientId: String(row.patientId),
    start: formatInClinicZone(start, timezone),
    end: formatInClinicZone(end, timezone),
    durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000),
    providerId: String(row.providerId),
    operatoryId: String(row.operatoryId),
    type: row.type,
    status: row.status,
    // The sandbox is the PMS: what it stores is confirmed at once.
    confirmation: "confirmed",
  };
};

/** Sandbox ids are positive integers; anything else cannot exist. */
export const parseId = (id: string): number | null => (/^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : null);
