import { DateTime } from "luxon";

/** Plain spoken forms for summaries: what a receptionist would say, no ids or JSON. */
export const spokenTime = (iso: string): string => DateTime.fromISO(iso, { setZone: true }).toFormat("cccc, LLLL d 'at' h:mm a");

export const spokenDay = (isoDate: string): string => DateTime.fromISO(isoDate).toFormat("cccc, LLLL d");

export const spokenMoney = (amount: number, currency: string): string => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);

export const listOf = (items: string[]): string => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

/** Types that say nothing about the visit: spoken as plain "appointment". */
const GENERIC_TYPES = new Set(["", "general", "appointment", "default", "other"]);

/** "the cleaning appointment", or "the appointment" when the type is missing or says nothing. */
export const spokenVisit = (type: string | null | undefined): string => {
  const name = (type ?? "").trim().replaceAll(/[_-]+/g, " ").toLowerCase();
  if (GENERIC_TYPES.has(name)) return "the appointment";
  return name.endsWith("appointment") || name.endsWith("visit") ? `the ${name}` : `the ${name} appointment`;
};

/** A slot as said aloud: "Tuesday, December 1 at 9:00 AM with Dr. Lee", dropping a missing name. */
export const spokenSlot = (start: string, providerName: string | null | undefined): string =>
  providerName?.trim() ? `${spokenTime(start)} with ${providerName.trim()}` : spokenTime(start);

/** A person's name as said aloud, or a neutral phrase when the PMS holds none. */
export const spokenName = (first: string | null | undefined, last: string | null | undefined): string =>
  [first, last]
    .map((n) => n?.trim())
    .filter(Boolean)
    .join(" ") || "the patient";
