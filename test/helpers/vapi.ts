import { readFileSync } from "node:fs";
import { join } from "node:path";
import { signedRequest } from "./request";

export const CLINIC_PHONE_NUMBER_ID = "4a5a04dc-dcbe-45b1-8f64-fd32a253d136";
export const CALLER_NUMBER = "+12025550101"; // the demo practice's Jane Doe

export const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dir, "..", "fixtures", "vapi", `${name}.json`), "utf8")) as { message: Record<string, any> };

export type ToolCallSpec = { id: string; name: string; arguments: unknown };

/** A tool-calls message in the spec's shape, for a call on the test clinic's Vapi number. */
export function toolCallsMessage(calls: ToolCallSpec[], options: { callId?: string; callerNumber?: string | null } = {}) {
  const callId = options.callId ?? "call-1";
  const caller = options.callerNumber === undefined ? CALLER_NUMBER : options.callerNumber;
  return {
    message: {
      type: "tool-calls",
      timestamp: 1764597600000,
      toolCallList: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      call: { id: callId, type: "inboundPhoneCall", phoneNumberId: CLINIC_PHONE_NUMBER_ID, ...(caller ? { customer: { number: caller } } : {}) },
      ...(caller ? { customer: { number: caller } } : {}),
    },
  };
}

export const webhook = (body: unknown) => signedRequest("/api/vapi/webhook", { body });

/** Splits a result string into its spoken sentence and its JSON tail. */
export function splitResult(text: string): { sentence: string; data: any } {
  const brace = text.indexOf(" {");
  return { sentence: text.slice(0, brace), data: JSON.parse(text.slice(brace + 1)) };
}
