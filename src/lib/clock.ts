/** Injected time source, so tests can pin "now" (availability never offers past slots). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** `YYYY-MM-DD HH:MM:SS.SSS` in UTC, the audit log's `created_at` format. */
export function toSqlTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}
