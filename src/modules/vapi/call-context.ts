import { toE164 } from "../../domain/phone";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 200 ? v : undefined);

/** Keys our tool definitions fill from server-trusted variables (static `parameters`), not from the model. */
export const STATIC_PARAMETER_KEYS = ["callerNumber", "vapiCallId"] as const;

export type CallContext = { callId: string | null; callerNumber: string | null };

/**
 * The call id and the caller's number, from the envelope first. The static tool parameters
 * (`{{ call.id }}`, `{{ customer.number }}`) are used only where the envelope lacks them: Vapi merges
 * them over whatever the model wrote, so the model cannot invent them.
 */
export function callContext(message: Json, staticArgs: Json = {}): CallContext {
  const call = obj(message.call);
  const callId = str(call?.id) ?? str(staticArgs.vapiCallId) ?? null;
  const number = str(obj(message.customer)?.number) ?? str(obj(call?.customer)?.number) ?? str(staticArgs.callerNumber);
  return { callId, callerNumber: number ? toE164(number) : null };
}
