import { integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sqlNow } from "./columns";

/**
 * Patients a caller proved to be during one Vapi call (name + date of birth, or caller number + date
 * of birth, matched server-side). Only these patients' data may be revealed or changed in that call.
 */
export const callVerifications = sqliteTable(
  "call_verifications",
  {
    accountId: text("account_id").notNull(),
    callId: text("call_id").notNull(),
    patientId: text("patient_id").notNull(),
    method: text("method", { enum: ["name_dob", "phone_dob", "created"] }).notNull(),
    createdAt: text("created_at").notNull().default(sqlNow),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.callId, t.patientId] })],
);

/**
 * Failed verification attempts per call, counted in the database so every instance sees the same count
 * and a caller cannot keep guessing dates of birth by being routed to another machine.
 */
export const callVerificationAttempts = sqliteTable(
  "call_verification_attempts",
  {
    accountId: text("account_id").notNull(),
    callId: text("call_id").notNull(),
    failures: integer("failures").notNull().default(0),
    updatedAt: text("updated_at").notNull().default(sqlNow),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.callId] })],
);

/** One row per finished Vapi call (end-of-call-report), stored once; no transcript text. */
export const callReports = sqliteTable(
  "call_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: text("account_id").notNull(),
    callId: text("call_id").notNull(),
    endedReason: text("ended_reason"),
    durationSeconds: integer("duration_seconds"),
    summary: text("summary"),
    patientIds: text("patient_ids", { mode: "json" }).$type<string[]>().notNull(),
    summaryNoteId: text("summary_note_id"),
    createdAt: text("created_at").notNull().default(sqlNow),
  },
  (t) => [uniqueIndex("call_reports_account_call").on(t.accountId, t.callId)],
);
