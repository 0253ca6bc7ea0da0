import { parseInstant } from "../domain/time";
import type { AnyOperation } from "./index";

/**
 * The intent key of a write within one call, from the operation's own `intent`: null when the operation
 * declares none or there is no call. Hashed, because the key is stored and a note's text or a patient's
 * name must not sit in it in clear.
 */
export function intentKeyOf(operation: AnyOperation, args: Record<string, unknown>, callId: string | null, timezone: string): string | null {
  if (!callId || !operation.intent) return null;
  const at = (v: unknown) => (typeof v === "string" ? (parseInstant(v, timezone)?.toISOString() ?? v) : "");
  const low = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : "");
  const intent = (operation.intent as (a: Record<string, unknown>, at: (v: unknown) => string, low: (v: unknown) => string) => string)(args, at, low);
  return `vapi-intent:${Bun.SHA256.hash(`${callId}:${intent}`, "hex")}`;
}
