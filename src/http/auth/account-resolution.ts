import type { Principal } from "../../accounts/principal";
import type { AccountRecord, AccountService } from "../../accounts/service";
import { isIdentifier } from "../../domain/identifiers";
import { toE164 } from "../../domain/phone";
import { AppError } from "../../lib/errors";
import { asObject, type JsonObject } from "../../lib/json";

/** An id as sent, or undefined when it is not a well-formed identifier (never stored or compared). */
const str = (v: unknown): string | undefined => (isIdentifier(v) ? v : undefined);

/** Where a request may name its clinic, besides a clinic token's own claim. */
export type AccountHints = {
  /** The parsed JSON body: a Vapi message `{message: {...}}`, the seed envelope `{call, data}`, or bare args. */
  payload?: unknown;
  headerAccountId?: string | null;
  queryAccountId?: string | null;
};

/** Account ids named explicitly in a Vapi message or the seed envelope (contract §1, in its order). */
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

/**
 * Finds the one clinic a request acts for (contract §1). Never from tool arguments; two sources that
 * disagree are refused rather than guessed between; unknown and disabled clinics look the same.
 */
export async function resolveAccount(principal: Principal, hints: AccountHints, accounts: AccountService): Promise<AccountRecord> {
  const { explicit, phoneNumberIds, phoneNumbers, assistantIds } = payloadAccountIds(hints.payload);
  for (const given of [hints.headerAccountId, hints.queryAccountId]) {
    if (given && !isIdentifier(given)) throw new AppError("VALIDATION", "accountId: 1 to 128 printable characters");
  }
  const named = [...explicit, hints.headerAccountId, hints.queryAccountId].filter((v): v is string => !!v);

  let accountId: string;
  if (principal.kind === "clinic") {
    if (named.some((id) => id !== principal.accountId)) {
      throw new AppError("FORBIDDEN", "This token may only act for its own clinic.");
    }
    accountId = principal.accountId;
  } else {
    const bound: string[] = [];
    if (principal.kind === "vapi") {
      for (const id of phoneNumberIds) {
        const owner = await accounts.accountIdForBinding("phone_number", id);
        if (owner) bound.push(owner);
      }
      for (const number of phoneNumbers) {
        const owner = await accounts.accountIdForBinding("phone_e164", number);
        if (owner) bound.push(owner);
      }
      for (const id of assistantIds) {
        const owner = await accounts.accountIdForBinding("assistant", id);
        if (owner) bound.push(owner);
      }
    }
    const distinct = new Set([...named, ...bound]);
    if (distinct.size > 1) {
      throw new AppError("ACCOUNT_MISMATCH", "The request names more than one clinic.");
    }
    const [only] = distinct;
    if (!only) throw new AppError("ACCOUNT_REQUIRED", "Say which clinic this request is for (accountId).");
    accountId = only;
  }
  const account = await accounts.find(accountId);
  if (!account?.enabled) throw new AppError("ACCOUNT_NOT_FOUND", "No such clinic.");
  return account;
}
