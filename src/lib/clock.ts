/** Injected time source, so tests can pin "now" (availability never offers past slots). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The last instant written out: the writes of one request (and of its neighbours) share a millisecond. */
let lastSql = { ms: Number.NaN, text: "" };

/** `YYYY-MM-DD HH:MM:SS.SSS` in UTC, the audit log's `created_at` format. */
export function toSqlTimestamp(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastSql.ms) lastSql = { ms, text: sqlTimeFromIso(date.toISOString()) };
  return lastSql.text;
}

/** A UTC ISO time as given by an operator (`2026-11-25T14:00:00Z`) → the audit tables' `created_at` form. */
export const sqlTimeFromIso = (iso: string): string => iso.replace("T", " ").replace(/Z$/, "");
