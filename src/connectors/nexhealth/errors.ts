import { BrokenCircuitError, BulkheadRejectedError } from "cockatiel";
import { type ConnectorError, connectorError } from "../types";
import { NexHealthError, NexHealthNetworkError, NexHealthTimeoutError } from "./http";
import { NexHealthRateLimitedError } from "./rate-gate";

/** No answer, or a gateway error: the write may or may not have happened. */
export const isUnknownOutcome = (e: unknown) =>
  e instanceof NexHealthTimeoutError || e instanceof NexHealthNetworkError || (e instanceof NexHealthError && [500, 502, 503, 504].includes(e.status));

/** Maps NexHealth failures to connector errors whose messages are safe to say; a bug of ours is rethrown. */
export function toConnectorError(e: unknown): ConnectorError | null {
  const nested = (e as { connectorError?: ConnectorError })?.connectorError;
  if (nested) return nested;
  if (e instanceof BrokenCircuitError)
    return connectorError("unavailable", "The practice system is not answering right now; please try again in a minute.", true);
  if (e instanceof BulkheadRejectedError || e instanceof NexHealthRateLimitedError) {
    return connectorError("unavailable", "The practice system is busy; please try again shortly.", true);
  }
  if (e instanceof NexHealthTimeoutError) return connectorError("timeout", "The practice system took too long to answer.", true);
  if (e instanceof NexHealthNetworkError) return connectorError("unavailable", "The practice system could not be reached.", true);
  if (e instanceof NexHealthError) {
    if (e.status === 401) return connectorError("auth_failed", "The practice system refused the gateway's credentials.");
    if (e.status === 403) return connectorError("auth_failed", "The gateway is not allowed to reach this practice.");
    if (e.status === 404) return connectorError("upstream_error", "The practice system did not find what was asked for.");
    if (e.status === 429) return connectorError("unavailable", "The practice system is busy; please try again shortly.", true);
    if (e.status >= 500) return connectorError("unavailable", "The practice system is having trouble right now.", true);
    return connectorError("upstream_error", "The practice system rejected the request.");
  }
  return null;
}
