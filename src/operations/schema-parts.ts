import { t } from "elysia";
import { MAX_APPOINTMENT_MINUTES } from "../domain/appointment";
import { ID_MAX_LENGTH, ID_PATTERN } from "../domain/identifiers";

/** Argument building blocks shared by the operations, with limits on every size. */
export const PatientId = t.String({ minLength: 1, maxLength: ID_MAX_LENGTH, pattern: ID_PATTERN, description: "The PMS patient id", examples: ["1"] });
export const AppointmentId = t.String({ minLength: 1, maxLength: ID_MAX_LENGTH, pattern: ID_PATTERN, description: "The PMS appointment id", examples: ["17"] });
export const ProviderId = t.String({ minLength: 1, maxLength: ID_MAX_LENGTH, pattern: ID_PATTERN, description: "A provider id from check_availability" });
export const IsoDate = t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD", examples: ["2026-12-01"] });
export const IsoDateTime = t.String({
  minLength: 10,
  maxLength: 40,
  description: "ISO 8601 date-time; without an offset it is read in the clinic's time zone",
  examples: ["2026-12-01T09:00:00"],
});
export const DurationMinutes = t.Integer({ minimum: 5, maximum: MAX_APPOINTMENT_MINUTES, description: "Length in minutes" });
export const AppointmentType = t.String({
  minLength: 1,
  maxLength: 40,
  description: "One of the clinic's appointment types (default: cleaning, exam, emergency, consultation)",
  examples: ["cleaning"],
});
