import { parsePhoneNumber } from "awesome-phonenumber";

/** E.164 for a phone number as a caller or the model says it; null when it is not a plausible number. */
export function toE164(input: string, defaultRegion = "US"): string | null {
  const parsed = parsePhoneNumber(input.trim(), { regionCode: defaultRegion });
  return parsed.valid ? parsed.number.e164 : null;
}
