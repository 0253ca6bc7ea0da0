import { toE164 } from "../../domain/phone";
import { asObject, type JsonObject } from "../../lib/json";

const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 200 ? v : undefined);

export type CallContext = { callId: string | null; callerNumber: string | null };

/**
 * The call id and the caller's number, only from what Vapi puts in the message (`call.id`,
 * `customer.number`, `call.customer.number`): never from tool arguments, which the model writes. A
 * web call has no number, so only name + date of birth can verify there.
 */
export function callContext(message: JsonObject): CallContext {
  const call = asObject(message.call);
  const callId = str(call?.id) ?? null;
  const number = str(asObject(message.customer)?.number) ?? str(asObject(call?.customer)?.number);
  return { callId, callerNumber: number ? toE164(number) : null };
}
