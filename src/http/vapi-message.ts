import { isIdentifier } from "../domain/identifiers";
import { toE164 } from "../domain/phone";
import { asObject, type JsonObject } from "../lib/json";

/**
 * Vapi's server messages, read one way everywhere: `{message: {type, call, customer, phoneNumber,
 * assistant, ...}}`, or the call envelope `{call, data}` on REST. Every id read from them must be a
 * well-formed identifier, or it is ignored.
 */

/** An id as sent, or undefined when it is not a well-formed identifier (never stored or compared). */
const str = (v: unknown): string | undefined => (isIdentifier(v) ? v : undefined);

/** The message inside a Vapi payload, or the payload itself (the call envelope has no `message`). */
export const messageOf = (payload: unknown): JsonObject => {
  const root = asObject(payload) ?? {};
  return asObject(root.message) ?? root;
};

/** Account ids named explicitly in a Vapi message or the call envelope, in order of precedence. */
export function payloadAccountIds(payload: unknown): { explicit: string[]; phoneNumberIds: string[]; phoneNumbers: string[]; assistantIds: string[] } {
  const root = asObject(payload);
  const message = asObject(root?.message);
  const calls = [asObject(message?.call), asObject(root?.call)].filter((c): c is JsonObject => c !== undefined);
  const explicit: string[] = [];
  const phoneNumberIds: string[] = [];
  const assistantIds: string[] = [];
  const phoneNumbers: string[] = [];
  const assistantAccountId = str(asObject(asObject(message?.assistant)?.metadata)?.accountId);
  if (assistantAccountId) explicit.push(assistantAccountId);
  for (const call of calls) {
    const overrides = asObject(call.assistantOverrides);
    for (const id of [
      str(asObject(call.metadata)?.accountId),
      str(asObject(overrides?.metadata)?.accountId),
      str(asObject(overrides?.variableValues)?.accountId),
    ]) {
      if (id) explicit.push(id);
    }
    const phoneNumberId = str(call.phoneNumberId);
    if (phoneNumberId) phoneNumberIds.push(phoneNumberId);
    const assistantId = str(call.assistantId);
    if (assistantId) assistantIds.push(assistantId);
  }
  for (const holder of [message, root]) {
    const phone = asObject(holder?.phoneNumber);
    const phoneId = str(phone?.id);
    if (phoneId) phoneNumberIds.push(phoneId);
    // A number given without its id (imported numbers, SIP trunks) is found by its E.164 form.
    const number = str(phone?.number);
    const e164 = !phoneId && number ? toE164(number) : null;
    if (e164) phoneNumbers.push(e164);
  }
  return { explicit, phoneNumberIds, phoneNumbers, assistantIds };
}

/** The Vapi call id of the request, if it carries one (for the audit row). */
export function payloadCallId(payload: unknown): string | null {
  const root = asObject(payload);
  return str(asObject(asObject(root?.message)?.call)?.id) ?? str(asObject(root?.call)?.id) ?? null;
}

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
