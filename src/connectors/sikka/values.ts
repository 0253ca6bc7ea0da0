/** Sikka sends every value as a string ("87", "True", "F", "85.50"); these read them into real types. */
export type SikkaRow = Record<string, unknown>;

export const text = (row: SikkaRow, key: string): string => {
  const v = row[key];
  return typeof v === "string" ? v.trim() : v === undefined || v === null ? "" : String(v);
};

export const optionalText = (row: SikkaRow, key: string): string | null => text(row, key) || null;

export const bool = (row: SikkaRow, key: string): boolean => /^(true|t|yes|y|1)$/i.test(text(row, key));

export const num = (row: SikkaRow, key: string): number | null => {
  const raw = text(row, key).replace(/[$,\s]/g, "");
  if (raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
};

/** `2020-09-29T00:00:00` → `2020-09-29`. */
export const datePart = (row: SikkaRow, key: string): string | null => {
  return /^(\d{4}-\d{2}-\d{2})/.exec(text(row, key))?.[1] ?? null;
};

/** Money to two decimals, as Sikka writebacks expect it ("20.50"). */
export const money = (cents: number): string => (cents / 100).toFixed(2);

/**
 * Writeback text fields reject "special characters": keep letters, digits, spaces and plain
 * punctuation, fold line breaks, and cut to the PMS's length limit.
 */
export function sanitizeText(value: string, maxLength: number): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\r\n\t]+/g, " ")
    .replace(/[^A-Za-z0-9 .,;:'()\-/?!@&]/g, "")
    .replace(/ {2,}/g, " ")
    .trim()
    .slice(0, maxLength);
}
