import { findIana } from "windows-iana";
import type { SikkaCredentials } from "./credentials";
import { readList, type SikkaResponse } from "./http";
import { type SikkaRow, text } from "./values";

/** Sikka lists an app's authorized practices 50 a page; an app with many clinics has many pages. */
const AUTHORIZED_PAGE_SIZE = 50;
/** Enough for thousands of practices, bounded so a misbehaving answer cannot loop forever. */
const MAX_AUTHORIZED_PAGES = 200;

/**
 * Finds this clinic's office and practice among every practice that authorized the app.
 * `authorized_practices` has no `office_id` filter (it is ignored) and, without `show=all`, returns
 * practice id "1" only, so the whole list is paged through, each page built from this request.
 */
export async function findAuthorizedPractice(
  page: (query: Record<string, string>) => Promise<SikkaResponse>,
  credentials: SikkaCredentials,
): Promise<SikkaRow | null> {
  for (let offset = 0; offset < MAX_AUTHORIZED_PAGES; offset++) {
    const list = readList((await page({ show: "all", limit: String(AUTHORIZED_PAGE_SIZE), offset: String(offset) })).body);
    const match = list.items.find((p) => text(p, "office_id") === credentials.officeId && text(p, "practice_id") === credentials.practiceId);
    if (match) return match;
    const pages = list.totalCount === null ? null : Math.ceil(list.totalCount / AUTHORIZED_PAGE_SIZE);
    if (list.items.length < AUTHORIZED_PAGE_SIZE || (pages !== null && offset + 1 >= pages)) return null;
  }
  return null;
}

/** The IANA zone for Sikka's Windows zone name ("Eastern Standard Time" → "America/New_York"), if known. */
export function ianaZonesOf(windowsZone: string): string[] {
  return windowsZone ? findIana(windowsZone) : [];
}

/** A warning for the clinic's IT when Sikka's practice zone disagrees with the account's. */
export function timeZoneWarning(practice: SikkaRow, accountZone: string): string | null {
  const windowsZone = text(practice, "practice_management_system_refresh_date_time_zone");
  if (!windowsZone) return null;
  const zones = ianaZonesOf(windowsZone);
  if (zones.length === 0) return `Sikka reports the practice's time zone as "${windowsZone}", which the gateway cannot map; check the account's timezone.`;
  if (zones.includes(accountZone)) return null;
  return `Sikka reports the practice's time zone as "${windowsZone}" (${zones[0]}), but the account uses ${accountZone}; times would be read in the wrong zone. Update the account's timezone to ${zones[0]} if the practice is there.`;
}
