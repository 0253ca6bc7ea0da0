import { type AccountService, practiceOf } from "../accounts/service";
import type { AuditLog } from "../audit/audit-log";
import type { PmsIntegrations } from "../connections/pms-connections";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import { GIVE_UP_AFTER_MS, type WritebackStore } from "./store";

/**
 * Finishes writes that were still pending when the caller hung up: asks the PMS where each stands and
 * records the outcome in the audit log (actor "system", linked by the gateway's reference).
 */
export class WritebackPoller {
  constructor(
    private readonly deps: { store: WritebackStore; integrations: PmsIntegrations; accounts: AccountService; audit: AuditLog; clock: Clock; logger: Logger },
  ) {}

  async pollOnce(limit = 50): Promise<{ completed: number; failed: number; pending: number }> {
    const counts = { completed: 0, failed: 0, pending: 0 };
    for (const row of await this.deps.store.pending(limit)) {
      const started = performance.now();
      const account = await this.deps.accounts.get(row.accountId);
      if (!account) continue;
      let outcome: "completed" | "failed" | "pending" = "pending";
      let createdId: string | null = null;
      try {
        const connector = await this.deps.integrations.connectorFor(practiceOf(account));
        const state = await connector.checkWriteback?.(row.writebackId);
        if (state?.ok && state.value.state === "completed") {
          outcome = "completed";
          createdId = state.value.createdId;
        } else if (state?.ok && state.value.state === "failed") outcome = "failed";
      } catch (e) {
        this.deps.logger.warn({ reference: row.reference, errorName: (e as Error)?.name }, "writeback check failed");
      }
      const age = this.deps.clock.now().getTime() - Date.parse(`${row.createdAt.replace(" ", "T")}Z`);
      if (outcome === "pending" && age > GIVE_UP_AFTER_MS) outcome = "failed";
      if (outcome === "pending") {
        await this.deps.store.touched(row.reference);
        counts.pending++;
        continue;
      }
      await this.deps.store.finish(row.reference, outcome, createdId);
      await this.deps.audit.write({
        kind: "writeback_settled",
        outcome: outcome === "completed" ? "completed" : "failed",
        action: row.action,
        accountId: row.accountId,
        patientId: row.patientId ?? (row.action === "create_patient" ? createdId : null),
        requestId: row.reference,
        actor: "system",
        startedAt: started,
      });
      counts[outcome]++;
    }
    return counts;
  }
}
