import type { AuditLog } from "../audit/audit-log";
import type { Logger } from "../lib/logger";
import type { TrackedWrite, WritebackStore } from "./store";

export type Settlement = { state: "completed"; createdId: string | null } | { state: "failed"; slotTaken: boolean };

/**
 * Records the outcome of a pending write once, whoever learned it (the background poll or a vendor's
 * webhook): the row and its booking hold are settled, and the audit log gets one entry (actor "system",
 * linked by the gateway's reference). A write already settled is left as it is.
 */
export class WritebackSettler {
  constructor(private readonly deps: { store: WritebackStore; audit: AuditLog; logger: Logger }) {}

  async settle(row: TrackedWrite, outcome: Settlement, startedAt: number, via: string): Promise<boolean> {
    const createdId = outcome.state === "completed" ? outcome.createdId : null;
    if (!(await this.deps.store.finish(row.reference, outcome.state, createdId))) return false;
    await this.deps.audit.write({
      kind: "writeback_settled",
      outcome: outcome.state,
      ...(outcome.state === "failed" && outcome.slotTaken ? { code: "SLOT_UNAVAILABLE" as const } : {}),
      action: row.action,
      accountId: row.accountId,
      patientId: row.patientId ?? (row.action === "create_patient" ? createdId : null),
      requestId: row.reference,
      actor: "system",
      startedAt,
    });
    this.deps.logger.info({ reference: row.reference, outcome: outcome.state, via }, "writeback settled");
    return true;
  }
}
