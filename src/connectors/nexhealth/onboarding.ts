import type { SealedValues } from "../types";
import type { NexHealthClient } from "./client";
import type { NexHealthAppConfig } from "./credentials";
import { NexHealthError } from "./http";
import { type Row, rows, str } from "./values";

export const WEBHOOK_PATH = "/api/connectors/nexhealth/webhook";
/** What the gateway hears from NexHealth: insertion results (settling pending writes) and schedule changes. */
export const SUBSCRIPTIONS = [
  { resource_type: "Appointment", event: "appointment_insertion" },
  { resource_type: "Payment", event: "payment_insertion" },
  // Bookings made, changed or cancelled at the office: the schedule mirror refreshes at once.
  { resource_type: "Appointment", event: "appointment_created" },
  { resource_type: "Appointment", event: "appointment_updated" },
] as const;

export type WebhookEndpoint = { id: string; secret: string };
/** Endpoints belong to the API key, not to an institution: one per key, its secret shared by every instance. */
export const webhookSecretName = (keyId: string) => `nexhealth:webhook:${keyId}`;

/**
 * The location, if the key reaches the institution and the location is one of its own: `GET /locations`
 * answers institutions with their locations. Refusals say which part is wrong.
 */
export async function findLocation(
  client: NexHealthClient,
  subdomain: string,
  locationId: string,
): Promise<{ ok: true; location: Row } | { ok: false; reason: string }> {
  let institutions: Row[];
  try {
    institutions = rows((await client.call("GET", "/locations", { inactive: false })).data);
  } catch (e) {
    if (e instanceof NexHealthError && (e.status === 403 || e.status === 404))
      return { ok: false, reason: `the NexHealth API key cannot reach institution "${subdomain}"` };
    if (e instanceof NexHealthError && e.status === 401) return { ok: false, reason: "NexHealth refused the API key (NEXHEALTH_API_KEY)" };
    return { ok: false, reason: `NexHealth could not confirm the institution (${(e as Error).name})` };
  }
  const institution = institutions.find((i) => str(i.subdomain) === subdomain);
  if (!institution) return { ok: false, reason: `the NexHealth API key cannot reach institution "${subdomain}"` };
  const location = rows(institution.locations).find((l) => str(l.id) === locationId);
  if (!location) return { ok: false, reason: `location ${locationId} is not a location of institution "${subdomain}"` };
  if (location.inactive === true) return { ok: false, reason: `location ${locationId} of institution "${subdomain}" is inactive` };
  return { ok: true, location };
}

export function timeZoneWarning(location: Row, accountZone: string): string | null {
  const tz = str(location.tz);
  if (!tz || tz === accountZone) return null;
  return `NexHealth reports the location's time zone as ${tz}, but the account uses ${accountZone}; times would be read in the wrong zone. Update the account's timezone to ${tz} if the practice is there.`;
}

/**
 * Registers (or finds) the gateway's webhook endpoint for this API key, keeps its signing secret sealed,
 * and subscribes the institution to insertion results. Subscribing comes before the first write: a
 * write made without it could only ever be settled by polling.
 */
export async function ensureWebhooks(client: NexHealthClient, app: NexHealthAppConfig, store: SealedValues, keyId: string): Promise<WebhookEndpoint> {
  const target = `${app.publicUrl}${WEBHOOK_PATH}`;
  const listed = rows((await client.call("GET", "/webhook_endpoints", {}, undefined, { institutionScoped: false })).data);
  let endpoint = listed.find((e) => str(e.target_url) === target);
  if (!endpoint) {
    endpoint = (await client.call("POST", "/webhook_endpoints", {}, { target_url: target, active: true }, { institutionScoped: false })).data as Row;
  } else if (endpoint.active === false) {
    // Deactivated after 48 h of failed deliveries: turn it back on.
    await client.call("PATCH", `/webhook_endpoints/${str(endpoint.id)}`, {}, { active: true }, { institutionScoped: false });
  }
  const saved = { id: str(endpoint.id), secret: str(endpoint.secret_key) };
  if (!saved.id || !saved.secret) throw new NexHealthError(502, ["webhook endpoint without id or secret"]);
  await store.put(webhookSecretName(keyId), saved);
  const existing = rows((await client.call("GET", `/webhook_endpoints/${saved.id}/webhook_subscriptions`, {})).data);
  for (const wanted of SUBSCRIPTIONS) {
    const found = existing.find((s) => str(s.event) === wanted.event && str(s.resource_type).toLowerCase() === wanted.resource_type.toLowerCase());
    if (!found) await client.call("POST", `/webhook_endpoints/${saved.id}/webhook_subscriptions`, {}, { ...wanted, active: true });
    else if (found.active === false) await client.call("PATCH", `/webhook_endpoints/${saved.id}/webhook_subscriptions/${str(found.id)}`, {}, { active: true });
  }
  return saved;
}
