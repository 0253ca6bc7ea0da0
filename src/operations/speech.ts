import { DateTime } from "luxon";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/;

/**
 * "Tuesday, December 1" (and " at 9:00 AM") read straight from the local date and time an ISO text
 * carries: every summary says a few of these, and asking luxon to parse and format each cost more than
 * the rest of the answer. Anything else goes through luxon.
 */
function spoken(iso: string, withTime: boolean): string | null {
  const m = LOCAL_TIME.exec(iso);
  if (!m || (withTime && m[4] === undefined)) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  const dayText = `${WEEKDAYS[date.getUTCDay()]}, ${MONTHS[month - 1]} ${day}`;
  if (!withTime) return dayText;
  const hour = Number(m[4]);
  return `${dayText} at ${hour % 12 === 0 ? 12 : hour % 12}:${m[5]} ${hour < 12 ? "AM" : "PM"}`;
}

/** Plain spoken forms for summaries: what a receptionist would say, no ids or JSON. */
export const spokenTime = (iso: string): string => spoken(iso, true) ?? DateTime.fromISO(iso, { setZone: true }).toFormat("cccc, LLLL d 'at' h:mm a");

export const spokenDay = (isoDate: string): string => spoken(isoDate, false) ?? DateTime.fromISO(isoDate).toFormat("cccc, LLLL d");

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
