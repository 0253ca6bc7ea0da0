import type { Principal } from "../../accounts/principal";
import type { AccountRecord, AccountService } from "../../accounts/service";
import { isIdentifier } from "../../domain/identifiers";
import { AppError } from "../../lib/errors";
import { payloadAccountIds } from "../vapi-message";

/** Where a request may name its clinic, besides a clinic token's own claim. */
export type AccountHints = {
  /** The parsed JSON body: a Vapi message `{message: {...}}`, the call envelope `{call, data}`, or bare args. */
  payload?: unknown;
  headerAccountId?: string | null;
  queryAccountId?: string | null;
};

/**
 * Finds the one clinic a request acts for. Never from tool arguments; two sources that
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
