import type { PracticeSettings } from "../domain/practice";
import { err, ok, type Result } from "../lib/result";
import type { OperationFailure } from "./operation";

/**
 * Resolves the appointment type and its duration from the clinic's settings: an explicit duration
 * wins, then the type's own duration, then the clinic default. An unknown type is a validation error
 * that lists the clinic's types, so the model can correct itself.
 */
export function resolveAppointmentType(
  practice: PracticeSettings,
  appointmentType: string | undefined,
  durationMinutes: number | undefined,
): Result<{ type: string | null; durationMinutes: number }, OperationFailure> {
  if (appointmentType === undefined) {
    return ok({ type: null, durationMinutes: durationMinutes ?? practice.defaultDurationMinutes });
  }
  const setting = practice.appointmentTypes.find((t) => t.name === appointmentType.toLowerCase());
  if (!setting) {
    const names = practice.appointmentTypes.map((t) => t.name).join(", ");
    return err({ code: "VALIDATION", message: `appointmentType: must be one of ${names}` });
  }
  return ok({ type: setting.name, durationMinutes: durationMinutes ?? setting.durationMinutes });
}
