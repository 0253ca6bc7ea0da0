/** What a clinic's PMS lets the gateway do through NexHealth, beyond reads and new bookings. */
export type Capability = "reschedule" | "cancel" | "new_patient" | "alert" | "payment";

/**
 * NexHealth's per-PMS support, keyed by a normalised PMS name (`sync_status` → `emr.display_name`).
 * Where NexHealth's own tables disagree, the narrower reading is used: Ascend, Denticon and OrthoTrac
 * payments, and Curve/OrthoTrac cancellation, are treated as unsupported.
 */
const SUPPORT: Record<string, readonly Capability[]> = {
  dentrix: ["reschedule", "cancel", "new_patient", "alert", "payment"],
  dentrixenterprise: ["reschedule", "cancel", "new_patient", "alert", "payment"],
  eaglesoft: ["reschedule", "cancel", "new_patient", "alert", "payment"],
  opendental: ["reschedule", "cancel", "new_patient", "alert", "payment"],
  ascend: ["cancel", "new_patient"],
  denticon: ["cancel", "new_patient"],
  orthotrac: ["new_patient", "alert"],
  cloud9: ["cancel", "new_patient"],
  curve: [],
  practiceworks: [],
  dolphin: [],
};

export const normalisePmsName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Unknown or unread PMS: nothing beyond the basics is assumed (fail closed). */
export function capable(emr: string | null, capability: Capability): boolean {
  if (!emr) return false;
  return SUPPORT[normalisePmsName(emr)]?.includes(capability) ?? false;
}

const SAYABLE: Record<Capability, string> = {
  reschedule:
    "Moving an appointment isn't possible through this office's system; the caller can book a new time and cancel the old one, or the office can move it.",
  cancel: "Cancelling isn't possible through this office's system; the office staff can cancel it.",
  new_patient: "This office's system can't register new patients over the phone; the office will register the caller.",
  alert: "This office's system can't take notes from the assistant; the office can add the note.",
  payment: "This office's system can't take payments over the phone; the office can take the payment.",
};

export const unsupportedMessage = (capability: Capability) => SAYABLE[capability];

/** For the onboarding answer: what this PMS supports, in words a clinic's IT person reads. */
export function capabilitySummary(emr: string | null): string {
  const missing = (Object.keys(SAYABLE) as Capability[]).filter((c) => !capable(emr, c));
  return missing.length === 0
    ? ""
    : `${emr ?? "An unidentified PMS"} through NexHealth does not support: ${missing.join(", ")} (those operations answer UNSUPPORTED_BY_PMS)`;
}
