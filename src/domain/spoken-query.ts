import { toE164 } from "./phone";

/** What a free-text patient search holds, read as a caller would say it. */
export type SpokenQuery = { names: string[]; phone: string | null; dateOfBirth: string | null };

/**
 * Splits a spoken search ("Jane Doe 202 555 0101", "doe, 1985-04-12") into name words, a phone number
 * (E.164) and a date of birth. Explicit fields of the search win over what the query holds.
 */
export function parseSpokenQuery(search: { query?: string; phone?: string; dateOfBirth?: string }): SpokenQuery & { invalidPhone: boolean } {
  let phone = search.phone ? toE164(search.phone) : null;
  let dateOfBirth = search.dateOfBirth ?? null;
  const names: string[] = [];
  for (const word of (search.query ?? "").split(/[\s,]+/).filter(Boolean)) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(word)) dateOfBirth ??= word;
    else if (/\d{3}/.test(word) && toE164(word)) phone ??= toE164(word);
    else names.push(word.toLowerCase());
  }
  return { names, phone, dateOfBirth, invalidPhone: Boolean(search.phone) && phone === null };
}
