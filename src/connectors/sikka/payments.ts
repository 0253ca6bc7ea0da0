import { type SikkaRow, text } from "./values";

/**
 * The payment type for a method (cash, check, card) among the practice's patient payment types (already
 * without insurance and adjustment types), matched by its description. Its `code` and `description` are
 * what the transaction writeback sends as `procedure_code` and `procedure_description`.
 */
export function pickPaymentType(types: SikkaRow[], method: string): SikkaRow | undefined {
  const pattern =
    method === "card" ? /card|credit|visa|master|amex|discover/i : method === "cash" ? /cash/i : method === "check" ? /check|cheque/i : /other|misc/i;
  return types.find((t) => pattern.test(text(t, "description"))) ?? (method === "other" ? types[0] : undefined);
}
