import { type SikkaRow, text } from "./values";

/** A non-insurance, non-adjustment payment code matching the method (cash, check, card). */
export function pickPaymentType(types: SikkaRow[], method: string): SikkaRow | undefined {
  const usable = types.filter(
    (t) => !/^(true|t)$/i.test(text(t, "is_insurance_type")) && !/^(true|t)$/i.test(text(t, "is_adjustment_type")) && text(t, "procedure_code"),
  );
  const pattern = method === "card" ? /card|credit|visa/i : method === "cash" ? /cash/i : method === "check" ? /check|cheque/i : /other|misc/i;
  return usable.find((t) => pattern.test(text(t, "description"))) ?? (method === "other" ? usable[0] : undefined);
}
