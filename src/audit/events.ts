import type { Actor } from "../accounts/principal";
import { type ErrorCode, errorStatus } from "../lib/errors";
import type { ChainedContent } from "./chain";

/** One row as the writer appends it (the chain adds the time and the hashes). */
export type AuditEntry = Omit<ChainedContent, "responseTime" | "createdAt" | "actor"> & {
  responseTimeMs: number;
  actor: Actor | "system";
};

/** Who and what an audit row is about; shared by every event. */
type Subject = {
  accountId: string | null;
  requestId: string;
  actor: Actor | "system";
  callId?: string | null;
  toolCallId?: string | null;
  patientId?: string | null;
  /** `performance.now()` when the attempt started. */
  startedAt: number;
};

/**
 * Everything the gateway puts on the record, as one typed union: the one writer (`AuditLog.write`) turns
 * each into its row, so no caller builds rows by hand and every kind of record stays consistent.
 */
export type AuditEvent =
  /** An operation ran (it reached the PMS, or was answered from an earlier identical request). */
  | (Subject & { kind: "operation"; action: string; ok: true; status: number; phi: boolean })
  /** An operation attempt that failed or was refused, at any step (validation, gate, rate limit, PMS). */
  | (Subject & { kind: "operation"; action: string; ok: false; code: ErrorCode })
  /** A write that was pending when the caller hung up, settled in the background. */
  | (Subject & { kind: "writeback_settled"; action: string; outcome: "completed" | "failed"; code?: ErrorCode })
  /** A write whose answer was lost, found (or not) among the vendor's record of writes. */
  | (Subject & { kind: "writeback_reconciled"; action: string; found: boolean })
  /** A clinic setting that changes who may see PHI. */
  | (Subject & { kind: "setting_changed"; action: string });

/** The row an event becomes. */
export function auditEntryOf(event: AuditEvent): AuditEntry {
  const base = {
    accountId: event.accountId,
    callId: event.callId ?? null,
    toolCallId: event.toolCallId ?? null,
    patientId: event.patientId ?? null,
    requestId: event.requestId,
    actor: event.actor,
    action: event.action,
    responseTimeMs: performance.now() - event.startedAt,
  };
  switch (event.kind) {
    case "operation":
      return event.ok
        ? { ...base, phiAccessed: event.phi, success: true, statusCode: event.status, errorCode: null }
        : { ...base, phiAccessed: false, success: false, statusCode: errorStatus[event.code], errorCode: event.code };
    case "writeback_settled": {
      const code = event.code ?? "PMS_ERROR";
      return event.outcome === "completed"
        ? { ...base, phiAccessed: false, success: true, statusCode: 200, errorCode: null }
        : { ...base, phiAccessed: false, success: false, statusCode: errorStatus[code], errorCode: code };
    }
    case "writeback_reconciled":
      return event.found
        ? { ...base, action: `${event.action}.reconciled`, phiAccessed: false, success: true, statusCode: 200, errorCode: null }
        : { ...base, action: `${event.action}.reconciled`, phiAccessed: false, success: false, statusCode: errorStatus.PMS_ERROR, errorCode: "PMS_ERROR" };
    case "setting_changed":
      return { ...base, phiAccessed: false, success: true, statusCode: 200, errorCode: null };
  }
}
