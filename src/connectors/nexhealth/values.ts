/** NexHealth rows as the gateway reads them: any field may be missing ("you cannot assume any field"). */
export type Row = Record<string, unknown>;
export const obj = (v: unknown): Row => (v && typeof v === "object" && !Array.isArray(v) ? (v as Row) : {});
export const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
export const rows = (v: unknown): Row[] => (Array.isArray(v) ? v.map(obj) : []);

/**
 * A money object's amount (`{ amount: "125.50", currency }`), or null when the field is missing or its
 * amount is not a plain decimal: an amount that cannot be read is never taken for zero.
 */
export function moneyAmount(v: unknown): number | null {
  const amount = str(obj(v).amount).trim();
  return /^-?\d+(\.\d+)?$/.test(amount) ? Number(amount) : null;
}
