import type { Clock } from "../../lib/clock";
import { TtlCache } from "../../lib/ttl-cache";
import { perClinicPolicies } from "../resilience";
import type { BookingHolds, ConnectorDefinition, CredentialCheck, SealedValues, WritebackTracker } from "../types";
import { capabilitySummary } from "./capabilities";
import { apiKeyId, NexHealthClient, NexHealthTokens } from "./client";
import { NexHealthConnector } from "./connector";
import { type NexHealthAppConfig, type NexHealthCredentials, NexHealthCredentialsSchema } from "./credentials";
import { NexHealthError, NexHealthNetworkError, NexHealthTimeoutError } from "./http";
import { FACTS_RETRY_MS, FACTS_TTL_MS, LocationFacts, readSyncHealth, SYNC_TTL_MS } from "./location-facts";
import { ensureWebhooks, findLocation, timeZoneWarning, type WebhookEndpoint, webhookSecretName } from "./onboarding";
import { NexHealthRateGate } from "./rate-gate";
import { readDelivery, verifyDelivery } from "./webhook";

/** The whole tool call should answer within about 5 s; NexHealth work gets this much of it. */
export const NEXHEALTH_CALL_BUDGET_MS = 4_500;
const ONBOARDING_BUDGET_MS = 20_000;

const isOutage = (e: Error) =>
  e instanceof NexHealthTimeoutError || e instanceof NexHealthNetworkError || (e instanceof NexHealthError && (e.status >= 500 || e.status === 429));

export type NexHealthDefinitionOptions = {
  app: NexHealthAppConfig;
  /** Sealed storage for the shared token and the webhook signing secret. */
  secrets: SealedValues;
  tracker: WritebackTracker;
  holds: BookingHolds;
  /** In-call wait for an insertion to complete before answering "pending". */
  writebackWaitMs: number;
};

/**
 * The NexHealth connector definition: the token shared per API key, each clinic's breaker and
 * bulkhead, the location facts, onboarding (institution, location, PMS, webhooks) and the webhook
 * verifier. A clinic is one institution (subdomain) and one of its locations.
 */
export function createNexHealthDefinition(options: NexHealthDefinitionOptions): ConnectorDefinition<"nexhealth"> {
  let tokens: NexHealthTokens | undefined;
  let rateGate: NexHealthRateGate | undefined;
  let caches: { facts: TtlCache<string, unknown>; sync: TtlCache<string, unknown> } | undefined;
  let endpoint: WebhookEndpoint | null = null;
  const keyId = apiKeyId(options.app.apiKey ?? "");

  const policyFor = perClinicPolicies(isOutage);
  const tokensFor = (deps: { fetch: typeof fetch; clock: Clock }) => {
    tokens ??= new NexHealthTokens(options.app, options.secrets, deps.fetch, deps.clock);
    return tokens;
  };

  return {
    id: "nexhealth",
    displayName: "NexHealth Synchronizer (Dentrix, Dentrix Enterprise, Eaglesoft, Open Dental, Curve, Denticon and more)",
    offersScheduleFeed: true,
    credentialsSchema: NexHealthCredentialsSchema,

    create({ practice, credentials, deps }) {
      const creds = credentials as NexHealthCredentials;
      const started = performance.now();
      rateGate ??= new NexHealthRateGate(deps.clock);
      const client = new NexHealthClient({
        app: options.app,
        tokens: tokensFor(deps),
        fetch: deps.fetch,
        subdomain: creds.subdomain,
        deadline: started + NEXHEALTH_CALL_BUDGET_MS,
        policy: policyFor(practice.accountId),
        rateGate,
      });
      const now = () => deps.clock.now().getTime();
      caches ??= {
        facts: new TtlCache({ ttlMs: FACTS_TTL_MS, failureBackoffMs: FACTS_RETRY_MS, now }),
        sync: new TtlCache({ ttlMs: SYNC_TTL_MS, failureBackoffMs: FACTS_RETRY_MS, now }),
      };
      const facts = new LocationFacts(caches, client, creds);
      const waitEnd = started + Math.min(options.writebackWaitMs, NEXHEALTH_CALL_BUDGET_MS - 500);
      return new NexHealthConnector(client, creds, practice, deps, facts, options.tracker, options.holds, waitEnd);
    },

    async validateCredentials(credentials, deps, practice): Promise<CredentialCheck> {
      const creds = credentials as NexHealthCredentials;
      if (!options.app.apiKey) return { ok: false, reason: "NEXHEALTH_API_KEY must be set before connecting a NexHealth practice" };
      const client = new NexHealthClient({
        app: options.app,
        tokens: tokensFor(deps),
        fetch: deps.fetch,
        subdomain: creds.subdomain,
        deadline: performance.now() + ONBOARDING_BUDGET_MS,
      });
      const found = await findLocation(client, creds.subdomain, String(creds.locationId));
      if (!found.ok) return found;
      const warnings: string[] = [];
      const tzWarning = timeZoneWarning(found.location, practice.timezone);
      if (tzWarning) warnings.push(tzWarning);
      try {
        const sync = await readSyncHealth(client, String(creds.locationId));
        const summary = capabilitySummary(sync.emr);
        if (summary) warnings.push(summary);
        if (sync.writeRed) warnings.push("NexHealth reports that writes to this practice's system are failing; bookings are refused until that recovers.");
        endpoint = await ensureWebhooks(client, options.app, options.secrets, keyId);
        return { ok: true, warnings, ...(sync.emr ? { remember: { emr: sync.emr } } : {}) };
      } catch (e) {
        return { ok: false, reason: `NexHealth could not finish onboarding (${e instanceof NexHealthError ? `status ${e.status}` : (e as Error).name})` };
      }
    },

    async receiveWebhook({ headers, body, now }) {
      endpoint ??= await options.secrets.get<WebhookEndpoint>(webhookSecretName(keyId));
      // No registered endpoint: nothing can verify, so nothing is accepted.
      if (!endpoint) return null;
      if (!verifyDelivery(endpoint.secret, headers, body, now.getTime())) {
        // The secret may have been rotated by another instance's onboarding: read it again once.
        const stored = await options.secrets.get<WebhookEndpoint>(webhookSecretName(keyId));
        if (!stored || stored.secret === endpoint.secret || !verifyDelivery(stored.secret, headers, body, now.getTime())) return null;
        endpoint = stored;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(new TextDecoder().decode(body));
      } catch {
        return { dedupeKey: "", event: "unreadable", outcomes: [] };
      }
      return readDelivery(payload);
    },
  };
}
