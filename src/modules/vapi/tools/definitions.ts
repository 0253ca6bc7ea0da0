import { type AnyOperation, operations } from "../../../operations";
import { toVapiParameters } from "./vapi-schema";

export const WEBHOOK_PATH = "/api/vapi/webhook";
export const DEFAULT_PUBLIC_URL = "http://localhost:3000";

export type VapiFunctionTool = ReturnType<typeof toolFor>;

function toolFor(op: AnyOperation, serverUrl: string) {
  return {
    type: "function" as const,
    async: false,
    function: {
      name: op.name,
      description: [op.description, op.vapi.modelNote].filter(Boolean).join(" "),
      strict: false,
      parameters: toVapiParameters(op.input),
    },
    server: { url: serverUrl, timeoutSeconds: 20 },
    messages: [
      { type: "request-start" as const, content: op.vapi.startMessage, blocking: false },
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
  "1. Verify the caller before anything about a patient: ask for their first name, last name and date of birth and call " +
    "search_patients with firstName, lastName and dateOfBirth. Until a search says verified, you learn nothing about any record; " +
    "never guess or repeat a patient id. After five failed attempts, offer to transfer the caller to the front desk.",
  "2. Search before you create: only call create_patient when search_patients finds no match for a new patient, and confirm the spelling of their name first.",
  "3. For scheduling, call check_availability and offer the caller at most three of the returned times; book only a time the tool returned.",
  "4. " +
    "Never promise what a tool result did not confirm. If a booking, change or cancellation comes back pending, say the request was sent and the office will confirm it.",
  "5. If a tool returns an error, tell the caller briefly and offer to have the office call back; do not invent an answer.",
  "6. Never ask for or repeat card numbers or security codes; payments are recorded only with a payment token.",
].join("\n");
