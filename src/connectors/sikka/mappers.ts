import { DateTime } from "luxon";
import type { Appointment } from "../../domain/appointment";
import type { InsurancePlan } from "../../domain/insurance";
import { last4 } from "../../domain/insurance";
import type { Patient } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import { isoOf } from "../../domain/time";
import { zoneOf } from "../../domain/zone";
import { bool, datePart, num, optionalText, type SikkaRow, text } from "./values";

/**
 * Every patient field the gateway reads: the mappers here, the practice check, and the provider and
 * guarantor a note or payment is written with. Asked for this way (`lightweight=true`), an item carries
 * these alone instead of Sikka's thirty-odd default fields, and a search reads pages of up to 500 items.
 * A Sikka that ignored `lightweight` would send its defaults plus these: the same reads still hold.
 */
export const PATIENT_QUERY = {
  lightweight: "true",
  fields: [
    "patient_id",
    "practice_id",
    "guarantor_id",
    "provider_id",
    "firstname",
    "lastname",
    "birthdate",
    "cell",
    "homephone",
    "workphone",
    "other_phone",
    "email",
  ].join(","),
} as const;

export function toPatient(row: SikkaRow): Patient {
  const phone = ["cell", "homephone", "workphone", "phone"].map((k) => text(row, k)).find((p) => p !== "") ?? "";
  return {
    id: text(row, "patient_id"),
    firstName: text(row, "firstname"),
    lastName: text(row, "lastname"),
    dateOfBirth: datePart(row, "birthdate") ?? "",
    phone: phone ? (toE164(phone) ?? phone) : null,
    email: optionalText(row, "email"),
  };
}

/**
 * Every appointment field the gateway reads: the mappers here, the practice check, and the chair and
 * `cancelled`, which are not in Sikka's default set. A schedule read spans days of bookings, each of
 * which carries these alone this way instead of the default set (procedures, amounts, names…).
 */
export const APPOINTMENT_QUERY = {
  lightweight: "true",
  fields: [
    "appointment_sr_no",
    "patient_id",
    "provider_id",
    "practice_id",
    "operatory",
    "date",
    "time",
    "length",
    "status",
    "cancelled",
    "type",
    "description",
  ].join(","),
} as const;

/** Every phone number on a patient row, in E.164, for matching a caller's number. */
export const phonesOf = (row: SikkaRow): string[] =>
  ["cell", "homephone", "workphone", "phone", "other_phone"].map((k) => toE164(text(row, k))).filter((p): p is string => p !== null);

/** Status values are PMS-native ("Broken", "Cancelled", "Deleted"…); anything like these is not on the book. */
export const isCancelled = (row: SikkaRow) => bool(row, "cancelled") || /cancel|broken|delete/i.test(text(row, "status"));

/** `date` ("2020-09-29T00:00:00") + `time` ("10:30"), read in the practice's zone; `length` in minutes. */
export function appointmentInterval(row: SikkaRow, timezone: string): { start: Date; end: Date; minutes: number } | null {
  const date = datePart(row, "date");
  const [, hours, minutesPart] = /^(\d{1,2}):(\d{2})/.exec(text(row, "time")) ?? [];
  if (!date || !hours || !minutesPart) return null;
  const start = DateTime.fromISO(`${date}T${hours.padStart(2, "0")}:${minutesPart}`, { zone: zoneOf(timezone) });
  if (!start.isValid) return null;
  const minutes = Math.max(1, Math.round(num(row, "length") ?? 30));
  return { start: start.toJSDate(), end: start.plus({ minutes }).toJSDate(), minutes };
}

export function toAppointment(row: SikkaRow, timezone: string): Appointment | null {
  const interval = appointmentInterval(row, timezone);
  if (!interval) return null;
  const fmt = (d: Date) => isoOf(DateTime.fromJSDate(d, { zone: zoneOf(timezone) }));
  return {
    id: text(row, "appointment_sr_no"),
    patientId: text(row, "patient_id"),
    start: fmt(interval.start),
    end: fmt(interval.end),
    durationMinutes: interval.minutes,
    providerId: optionalText(row, "provider_id"),
    operatoryId: optionalText(row, "operatory"),
    type: optionalText(row, "type") ?? optionalText(row, "description"),
    status: isCancelled(row) ? "cancelled" : "scheduled",
    confirmation: "confirmed",
  };
}

const RELATIONSHIPS: Record<string, InsurancePlan["relationship"]> = { self: "self", spouse: "spouse", child: "child", dependent: "child" };

/** Minimum necessary: carrier, last four of the member id, group number, relationship, priority. */
export function toInsurancePlan(subscriber: SikkaRow, company: SikkaRow | undefined): InsurancePlan {
  const carrier = company ? (["insurance_company_name", "company_name", "name", "carrier_name"].map((k) => text(company, k)).find(Boolean) ?? "") : "";
  return {
    carrier: carrier || "Insurance on file",
    memberIdLast4: last4(text(subscriber, "subscriber_id") || null),
    groupNumber: company ? optionalText(company, "group_plan_number") : null,
    relationship: RELATIONSHIPS[text(subscriber, "patient_relation").toLowerCase()] ?? "other",
    priority: /secondary/i.test(text(subscriber, "type")) ? "secondary" : "primary",
  };
}
