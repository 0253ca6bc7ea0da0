import { type AnyOperation, operations } from "../../../operations";
import type { ToolName } from "../../../operations/operation";
import { toVapiParameters } from "./vapi-schema";

/** What the assistant says while a tool runs, per tool (reads vs writes sound different on the phone). */
const START_MESSAGES: Record<ToolName, string> = {
  check_availability: "Let me check the schedule.",
  book_appointment: "One moment while I book that.",
  reschedule_appointment: "One moment while I move that appointment.",
  cancel_appointment: "One moment while I cancel that.",
  search_patients: "Let me look you up.",
  get_patient: "One moment.",
  create_patient: "One moment while I set up your record.",
  add_patient_note: "I'll make a note of that.",
  get_patient_balance: "Let me check your balance.",
  get_patient_insurance: "Let me check the insurance on file.",
  process_payment: "One moment while I record the payment.",
};

/** Extra guidance for the model that the REST description does not need. */
const MODEL_NOTES: Partial<Record<ToolName, string>> = {
  search_patients:
    "In a call this also verifies the caller: pass firstName, lastName and dateOfBirth together (or only dateOfBirth to match the caller's own phone number). Until verified, the result says only whether a match exists.",
  get_patient: "Only for the patient verified in this call.",
  get_patient_balance: "Only for the patient verified in this call.",
  get_patient_insurance: "Only for the patient verified in this call.",
  add_patient_note: "Only for the patient verified in this call.",
  process_payment: "Only for the patient verified in this call.",
  book_appointment: "Only for the patient verified in this call; use a start time returned by check_availability.",
  reschedule_appointment: "Only for an appointment of the patient verified in this call.",
  cancel_appointment: "Only for an appointment of the patient verified in this call.",
  create_patient: "Creating a patient verifies them for the rest of the call.",
};

export const WEBHOOK_PATH = "/api/vapi/webhook";
export const DEFAULT_PUBLIC_URL = "http://localhost:3000";

export type VapiFunctionTool = ReturnType<typeof toolFor>;

function toolFor(op: AnyOperation, serverUrl: string) {
  return {
    type: "function" as const,
    async: false,
    function: {
      name: op.name,
      description: [op.description, MODEL_NOTES[op.name]].filter(Boolean).join(" "),
      strict: false,
      parameters: toVapiParameters(op.input),
    },
    server: { url: serverUrl, timeoutSeconds: 20 },
    messages: [
      { type: "request-start" as const, content: START_MESSAGES[op.name], blocking: false },
      { type: "request-response-delayed" as const, timingMilliseconds: 3000, content: "Still working on it, thanks for your patience." },
      { type: "request-failed" as const, content: "Sorry, I couldn't reach the office system just now." },
    ],
  };
}

/**
 * The eleven Vapi function tools, generated from the operations' own argument schemas: a parameter
 * added to a route shows up in its tool, so the two cannot drift.
 */
export function buildPmsTools(publicUrl: string): VapiFunctionTool[] {
  const url = `${publicUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
  return Object.values(operations).map((op) => toolFor(op, url));
}

/** For import by code that configures assistants itself; the service serves the same list with its PUBLIC_URL. */
export const PMS_TOOLS = buildPmsTools(DEFAULT_PUBLIC_URL);

export const PMS_SYSTEM_PROMPT_ADDITION = [
  "You can work in the dental office's practice-management system with the tools provided.",
  "1. Verify the caller before anything about a patient: ask for their first name, last name and date of birth and call search_patients with firstName, lastName and dateOfBirth. Until a search says verified, you know only whether a record exists; never guess or repeat a patient id.",
  "2. Search before you create: only call create_patient when search_patients finds no match for a new patient, and confirm the spelling of their name first.",
  "3. For scheduling, call check_availability and offer the caller at most three of the returned times; book only a time the tool returned.",
  "4. Never promise what a tool result did not confirm. If a booking, change or cancellation comes back pending, say the request was sent and the office will confirm it.",
  "5. If a tool returns an error, tell the caller briefly and offer to have the office call back; do not invent an answer.",
  "6. Never ask for or repeat card numbers or security codes; payments are recorded only with a payment token.",
].join("\n");
