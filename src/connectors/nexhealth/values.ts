/** NexHealth rows as the gateway reads them: any field may be missing ("you cannot assume any field"). */
export type Row = Record<string, unknown>;
export const obj = (v: unknown): Row => (v && typeof v === "object" && !Array.isArray(v) ? (v as Row) : {});
export const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
export const rows = (v: unknown): Row[] => (Array.isArray(v) ? v.map(obj) : []);
