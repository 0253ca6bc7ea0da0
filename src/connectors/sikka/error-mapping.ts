import { BrokenCircuitError, BulkheadRejectedError } from "cockatiel";
import { type ConnectorError, connectorError } from "../types";
import { SikkaHttpError, SikkaNetworkError, SikkaProtocolError, SikkaTimeoutError } from "./errors";
import { SikkaQuotaError } from "./quota";

/**
 * Maps a Sikka failure to a connector error whose message is safe to say and to log. Anything that is
 * not a Sikka or resilience failure is a bug on our side, not the vendor's: null, so it is rethrown and
 * reported as INTERNAL instead of being blamed on the practice system.
 */
export function toConnectorError(e: unknown): ConnectorError | null {
  if (e instanceof BrokenCircuitError)
    return connectorError("unavailable", "The practice system is not responding right now; please try again in a minute.", true);
  if (e instanceof BulkheadRejectedError)
    return connectorError("unavailable", "The practice system is busy with this clinic's other requests; please try again shortly.", true);
  if (e instanceof SikkaQuotaError) {
    return e.reason === "daily_cap"
      ? connectorError("unavailable", "The practice system's daily request limit for this office is used up; the office can help directly until it resets.")
      : connectorError("unavailable", "The practice system is busy; please try again in a minute.", true);
  }
  if (e instanceof SikkaProtocolError) return connectorError("upstream_error", "The practice system gave an answer we could not use.");
  if (e instanceof SikkaTimeoutError) return connectorError("timeout", "The practice system took too long to answer.", true);
  if (e instanceof SikkaNetworkError) return connectorError("unavailable", "The practice system could not be reached.", true);
  if (e instanceof SikkaHttpError) {
    if (e.spuOffline) return connectorError("unavailable", "The office's server is offline, so the practice system cannot take changes right now.", true);
    if (e.dailyCap)
      return connectorError(
        "unavailable",
        "The practice system's daily request limit for this office is used up; the office can help directly until it resets.",
      );
    if (e.status === 429) return connectorError("unavailable", "The practice system is busy; please try again shortly.", true);
    if (e.status === 401 || e.status === 403) return connectorError("auth_failed", "The practice system refused this clinic's credentials.");
    if (e.status === 409) return connectorError("slot_unavailable", "That time is no longer free.");
    if (e.status >= 500) return connectorError("unavailable", "The practice system is having trouble right now.", true);
    return connectorError("upstream_error", "The practice system rejected the request.");
  }
  return null;
}
