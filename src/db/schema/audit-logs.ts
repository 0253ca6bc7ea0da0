import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sqlNow } from "./columns";

/**
 * One row per PMS operation attempt, success or failure. Column names are the ones the monitoring
 * queries use; no request or response bodies are ever stored here.
 */
export const pmsAuditLogs = sqliteTable(
  "pms_audit_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: text("account_id"),
    callId: text("call_id"),
    toolCallId: text("tool_call_id"),
    action: text("action").notNull(),
    patientId: text("patient_id"),
    phiAccessed: integer("phi_accessed", { mode: "boolean" }).notNull(),
    success: integer("success", { mode: "boolean" }).notNull(),
    statusCode: integer("status_code").notNull(),
    errorCode: text("error_code"),
    responseTime: integer("response_time").notNull(),
    requestId: text("request_id").notNull(),
    actor: text("actor", { enum: ["vapi", "clinic", "admin", "system"] }).notNull(),
    createdAt: text("created_at").notNull().default(sqlNow),
    /** Tamper evidence: HMAC over this row's content and the previous row's hash (see audit/chain.ts). */
    prevHash: text("prev_hash"),
    hash: text("hash"),
    chainKeyId: text("chain_key_id"),
  },
  // Each index carries, after the columns it is searched by, every column the monitoring figures read, so
  // a window of them is read from the index alone (a day of all clinics is tens of thousands of rows,
  // each otherwise one lookup in the table); the leading columns are the ones they always had.
  (t) => {
    const figures = [t.action, t.errorCode, t.success, t.phiAccessed, t.responseTime, t.patientId] as const;
    return [
      index("pms_audit_logs_account_created").on(t.accountId, t.createdAt, ...figures),
      index("pms_audit_logs_created_action").on(t.createdAt, ...figures),
    ];
  },
);
