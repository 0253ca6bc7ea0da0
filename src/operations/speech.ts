import { DateTime } from "luxon";

/** Plain spoken forms for summaries: what a receptionist would say, no ids or JSON. */
export const spokenTime = (iso: string): string =>
  DateTime.fromISO(iso, { setZone: true }).toFormat("cccc, LLLL d 'at' h:mm a");

export const spokenDay = (isoDate: string): string => DateTime.fromISO(isoDate).toFormat("cccc, LLLL d");

export const spokenMoney = (amount: number, currency: string): string =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);

export const listOf = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
