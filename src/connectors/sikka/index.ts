import { safeEqualStrings } from "../../lib/timing-safe";
import { TtlCache } from "../../lib/ttl-cache";
import { perClinicPolicies } from "../resilience";
import type { BookingHolds, ConnectorDefinition, ConnectorDeps, CredentialCheck, WritebackTracker } from "../types";
import { SikkaClient } from "./client";
import { SikkaConnector } from "./connector";
import { type SikkaAppConfig, type SikkaCredentials, SikkaCredentialsSchema } from "./credentials";
import { isOutage } from "./errors";
import { sikkaRequest } from "./http";
import { findAuthorizedPractice, timeZoneWarning } from "./onboarding";
import { FACTS_RETRY_MS, FACTS_TTL_MS, PracticeFacts } from "./practice-facts";
import { SikkaQuota } from "./quota";
import { RequestKeyManager, type RequestKeyStore } from "./request-keys";
import { type SikkaRow, text } from "./values";

/** The whole tool call should answer within about 5 s; Sikka work gets this much of it. */
export const SIKKA_CALL_BUDGET_MS = 4_500;

export type SikkaDefinitionOptions = {
  app: SikkaAppConfig;
  keyStore: RequestKeyStore;
  tracker: WritebackTracker;
  holds: BookingHolds;
  /** In-call wait for a writeback to complete before answering "pending". */
  writebackWaitMs: number;
};

/**
 * The Sikka connector definition. What must outlive one request lives here: the request-key manager
 * (one key per practice), each clinic's circuit breaker, and the per-practice lookups.
 */
export function createSikkaDefinition(options: SikkaDefinitionOptions): ConnectorDefinition<"sikka"> {
  let keys: RequestKeyManager | undefined;
  let facts: TtlCache<string, unknown> | undefined;
  let quota: SikkaQuota | undefined;

  const breakerFor = perClinicPolicies(isOutage);

  return {
    id: "sikka",
    displayName: "Sikka ONE API (Dentrix, Eaglesoft, Open Dental and more)",
    offersScheduleFeed: true,
    credentialsSchema: SikkaCredentialsSchema,

    create({ practice, credentials, deps }) {
      keys ??= new RequestKeyManager(options.app, options.keyStore, deps.fetch, deps.clock);
      quota ??= new SikkaQuota(deps.clock);
      const creds = credentials as SikkaCredentials;
      // Budgets run on the monotonic clock: the injected wall clock may be pinned (tests) or jump (NTP).
      const started = performance.now();
      const client = new SikkaClient({
        app: options.app,
        credentials: creds,
        accountId: practice.accountId,
        keys,
        breaker: breakerFor(practice.accountId),
        quota,
        fetch: deps.fetch,
        clock: deps.clock,
        logger: deps.logger,
        deadline: started + SIKKA_CALL_BUDGET_MS,
      });
      facts ??= new TtlCache({ ttlMs: FACTS_TTL_MS, failureBackoffMs: FACTS_RETRY_MS, now: () => deps.clock.now().getTime() });
      const practiceFacts = new PracticeFacts(facts, client, creds, practice.accountId);
      const budgetEnd = started + Math.min(options.writebackWaitMs, SIKKA_CALL_BUDGET_MS - 300);
      return new SikkaConnector(client, practice, deps, practiceFacts, options.tracker, budgetEnd, options.holds);
    },

    /**
     * Binds a clinic to exactly its own office and practice (never "the first authorized practice"),
     * found by paging through every practice that authorized the app, and warns when Sikka's time zone
     * for the practice disagrees with the account's.
     */
    async validateCredentials(credentials: unknown, deps: ConnectorDeps, practice): Promise<CredentialCheck> {
      const c = credentials as SikkaCredentials;
      const { appId, appKey, apiUrl } = options.app;
      if (!appId || !appKey) return { ok: false, reason: "SIKKA_CLIENT_ID and SIKKA_CLIENT_SECRET must be set before connecting a Sikka practice" };
      let match: SikkaRow | null;
      try {
        match = await findAuthorizedPractice(
          (query) =>
            sikkaRequest(deps.fetch, {
              url: `${apiUrl}/authorized_practices?${new URLSearchParams(query)}`,
              method: "GET",
              auth: { appId, appKey },
              timeoutMs: 5_000,
            }),
          c,
        );
      } catch (e) {
        return {
          ok: false,
          reason: `Sikka could not confirm the practice (${(e as Error).name === "SikkaHttpError" ? (e as Error).message : "Sikka unreachable"})`,
        };
      }
      if (!match) return { ok: false, reason: `practice ${c.practiceId} is not among the practices Sikka has authorized for office ${c.officeId}` };
      const secret = text(match, "secret_key");
      if (secret && !safeEqualStrings(secret, c.secretKey)) return { ok: false, reason: "the secret key does not match this office" };
      const warning = timeZoneWarning(match, practice.timezone);
      return { ok: true, warnings: warning ? [warning] : [] };
    },
  };
}
