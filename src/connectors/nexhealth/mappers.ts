import { DateTime } from "luxon";
import type { Appointment } from "../../domain/appointment";
import type { Patient } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import { formatInClinicZone } from "../../domain/time";
import { obj, type Row, str } from "./values";

/** NexHealth's documented write format for times: UTC with an explicit offset. */
export const utcTime = (d: Date) => `${DateTime.fromJSDate(d, { zone: "utc" }).toFormat("yyyy-MM-dd'T'HH:mm:ss")}+0000`;

/** NexHealth stores phone numbers as 10 digits (US), without the country code. */
export const tenDigits = (e164: string) => e164.replace(/\D/g, "").slice(-10);

export function toPatient(row: Row): Patient {
  const bio = obj(row.bio);
  const phone = str(bio.phone_number || bio.cell_phone_number || bio.home_phone_number);
  return {
    id: str(row.id) || null,
    firstName: str(row.first_name),
    lastName: str(row.last_name),
    dateOfBirth: str(bio.date_of_birth),
    phone: phone ? (toE164(phone) ?? phone) : null,
    email: str(row.email) || null,
  };
}

export function toAppointment(row: Row, zone: string): Appointment {
  const start = new Date(str(row.start_time));
  const end = new Date(str(row.end_time) || str(row.start_time));
  return {
    id: str(row.id) || null,
    patientId: str(row.patient_id),
    start: formatInClinicZone(start, zone),
    end: formatInClinicZone(end, zone),
    durationMinutes: Math.max(0, Math.round((end.getTime() - start.getTime()) / 60_000)),
    providerId: str(row.provider_id) || null,
    operatoryId: str(row.operatory_id) || null,
    type: null,
    status: row.cancelled === true || row.canceled === true ? "cancelled" : "scheduled",
    confirmation: row.foreign_id ? "confirmed" : "pending",
  };
}
