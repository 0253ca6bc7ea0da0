import { type AccountService, practiceOf } from "../accounts/service";
import type { AuditLog } from "../audit/audit-log";
import type { PmsIntegrations } from "../connections/pms-connections";
import type { PmsConnector } from "../connectors/types";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import { WritebackSettler } from "./settle";
import { RECONCILE_GIVE_UP_MS, type TrackedWrite, WRITEBACK_DEADLINE_MS, type WritebackStore } from "./store";

type Outcome = { state: "completed"; createdId: string | null } | { state: "failed"; slotTaken: boolean } | { state: "pending" };

/**
 * Finishes writes that were still pending when the caller hung up, in the background: finds writes
 * whose answer was lost (by their request fingerprint), asks the PMS where each stands with backoff
 * between checks, withdraws one still pending past the deadline (unless it completed meanwhile), and
 * records every outcome in the audit log (actor "system", linked by the gateway's reference).
 */
export class WritebackPoller {
  private readonly settler: WritebackSettler;

  constructor(
    private readonly deps: {
      store: WritebackStore;
      integrations: PmsIntegrations;
      accounts: AccountService;
      audit: AuditLog;
      clock: Clock;
      logger: Logger;
      /** This instance, as the holder of the leases it takes. */
      instanceId: string;
    },
  ) {
    this.settler = new WritebackSettler(deps);
  }

  async pollOnce(limit = 50): Promise<{ completed: number; failed: number; pending: number }> {
    const counts = { completed: 0, failed: 0, pending: 0 };
    for (const row of await this.deps.store.lease(this.deps.instanceId, limit)) {
      const started = performance.now();
      const account = await this.deps.accounts.get(row.accountId);
      if (!account) continue;
      let outcome: Outcome = { state: "pending" };
      try {
        const connector = await this.deps.integrations.liveConnectorFor(practiceOf(account));
        outcome = await this.check(connector, row, started);
      } catch (e) {
        this.deps.logger.warn({ reference: row.reference, errorName: (e as Error)?.name }, "writeback check failed");
      }
      if (outcome.state === "pending") {
        await this.deps.store.later(row);
        counts.pending++;
        continue;
      }
      await this.settler.settle(row, outcome, started, `poll:${this.deps.instanceId}`);
      counts[outcome.state]++;
    }
    return counts;
  }

  private ageOf(row: TrackedWrite): number {
    return this.deps.clock.now().getTime() - Date.parse(`${row.createdAt.replace(" ", "T")}Z`);
  }

  private async check(connector: PmsConnector, row: TrackedWrite, started: number): Promise<Outcome> {
    let writebackId = row.writebackId;
    if (!writebackId && row.requestFingerprint && connector.findWriteback) {
      const sentAt = new Date(Date.parse(`${row.createdAt.replace(" ", "T")}Z`) - 60_000);
      const found = await connector.findWriteback(row.requestFingerprint, sentAt);
      if (found.ok && found.value) {
        writebackId = found.value;
        await this.deps.store.found(row.reference, writebackId);
        await this.deps.audit.write({
          kind: "writeback_reconciled",
          found: true,
          action: row.action,
          accountId: row.accountId,
          requestId: row.reference,
          actor: "system",
          startedAt: started,
        });
      } else if (found.ok && this.ageOf(row) > RECONCILE_GIVE_UP_MS) {
        await this.deps.audit.write({
          kind: "writeback_reconciled",
          found: false,
          action: row.action,
          accountId: row.accountId,
          requestId: row.reference,
          actor: "system",
          startedAt: started,
        });
        return { state: "failed", slotTaken: false };
      }
    }
    if (!writebackId || !connector.checkWriteback) return { state: "pending" };
    const state = await connector.checkWriteback(writebackId);
    if (!state.ok) return { state: "pending" };
    if (state.value.state === "completed") return { state: "completed", createdId: state.value.createdId };
    if (state.value.state === "failed") return { state: "failed", slotTaken: state.value.slotTaken === true };
    if (this.ageOf(row) <= WRITEBACK_DEADLINE_MS || !connector.cancelWriteback) return { state: "pending" };
    // Past the deadline: withdraw it, unless it ran meanwhile, in which case its real outcome stands.
    const cancelled = await connector.cancelWriteback(writebackId);
    if (cancelled.ok && cancelled.value === "cancelled") return { state: "failed", slotTaken: false };
    const after = await connector.checkWriteback(writebackId);
    if (after.ok && after.value.state === "completed") return { state: "completed", createdId: after.value.createdId };
    if (after.ok && after.value.state === "failed") return { state: "failed", slotTaken: after.value.slotTaken === true };
    return { state: "pending" };
  }
}
