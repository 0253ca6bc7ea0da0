import { parsePhoneNumber } from "awesome-phonenumber";

/**
 * Recently parsed numbers: every tool call of a phone call reads the same caller number, and parsing
 * costs more than the rest of reading the message. Small and in memory only, cleared whole when full.
 */
const recent = new Map<string, string | null>();
const RECENT_LIMIT = 256;

/** E.164 for a phone number as a caller or the model says it; null when it is not a plausible number. */
export function toE164(input: string, defaultRegion = "US"): string | null {
  const key = `${defaultRegion}|${input}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumber(input.trim(), { regionCode: defaultRegion });
  const e164 = parsed.valid ? parsed.number.e164 : null;
  if (recent.size >= RECENT_LIMIT) recent.clear();
  recent.set(key, e164);
  return e164;
}
