import { bulkhead, ConsecutiveBreaker, circuitBreaker, handleWhen, type IPolicy, wrap } from "cockatiel";
import type { Logger } from "../lib/logger";
import { err } from "../lib/result";
import type { ConnectorError, PmsResult } from "./types";

const BREAKER_FAILURES = 5;
const BREAKER_HALF_OPEN_MS = 15_000;
/** Vendor calls in flight per clinic, and how many more may wait: one clinic's burst cannot starve the rest. */
const BULKHEAD_LIMIT = 10;
const BULKHEAD_QUEUE = 64;

/**
 * One bulkhead and circuit breaker per clinic, made on first use: after consecutive outages of a
 * clinic's vendor calls, that clinic's calls fail fast for a while; other clinics are not affected.
 */
export function perClinicPolicies(isOutage: (e: Error) => boolean): (accountId: string) => IPolicy {
  const policies = new Map<string, IPolicy>();
  return (accountId) => {
    let policy = policies.get(accountId);
    if (!policy) {
      const breaker = circuitBreaker(handleWhen(isOutage), { halfOpenAfter: BREAKER_HALF_OPEN_MS, breaker: new ConsecutiveBreaker(BREAKER_FAILURES) });
      policy = wrap(bulkhead(BULKHEAD_LIMIT, BULKHEAD_QUEUE), breaker);
      policies.set(accountId, policy);
    }
    return policy;
  };
}

/**
 * Runs a connector method: an expected vendor failure becomes a typed error value (logged without PHI);
 * anything `toError` does not recognise is a bug of ours and is rethrown.
 */
export async function guardVendorCall<T>(
  work: () => Promise<PmsResult<T>>,
  toError: (e: unknown) => ConnectorError | null,
  log: { logger: Logger; accountId: string; vendor: string },
): Promise<PmsResult<T>> {
  try {
    return await work();
  } catch (e) {
    const error = toError(e);
    if (!error) throw e;
    log.logger.warn({ accountId: log.accountId, error: error.code, cause: (e as Error)?.name }, `${log.vendor} call failed`);
    return err(error);
  }
}
