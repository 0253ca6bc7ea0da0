import type { VapiApi } from "./api-client";
import { type CallReports, endOfCallFacts } from "./call-reports";

export type ReconcileReport = { checked: number; stored: number; notEnded: number; unknown: number };

/**
 * Recovers end-of-call reports that never arrived (Vapi does not redeliver a failed server message by
 * default): every call that touched the PMS since `since` and has no report is looked up through Vapi's
 * API and, once ended, stored exactly as a delivered report would be (a repeat is still a no-op).
 */
export async function reconcileCallReports(api: VapiApi, reports: CallReports, since: string): Promise<ReconcileReport> {
  const result: ReconcileReport = { checked: 0, stored: 0, notEnded: 0, unknown: 0 };
  for (const { accountId, callId } of await reports.callsWithoutReport(since)) {
    result.checked++;
    const call = await api.getCall(callId);
    if (!call) {
      result.unknown++;
      continue;
    }
    if (call.status !== "ended") {
      result.notEnded++;
      continue;
    }
    const facts = endOfCallFacts({ ...call, call: { id: callId } });
    if (facts && (await reports.store(accountId, facts)).stored) result.stored++;
  }
  return result;
}
