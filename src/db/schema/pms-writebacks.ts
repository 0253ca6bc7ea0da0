import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sqlNow, timestamps } from "./columns";

/** A PMS request token (Sikka's request_key + refresh_key), sealed like credentials, per clinic. */
export const pmsTokens = sqliteTable("pms_tokens", {
  accountId: text("account_id").primaryKey(),
  provider: text("provider").notNull(),
  keyId: text("key_id").notNull(),
  ciphertext: text("ciphertext").notNull(),
  expiresAt: integer("expires_at").notNull(),
  ...timestamps,
});

/** Writes a PMS accepted but had not confirmed within the call; finished by the background poller. */
export const pmsWritebacks = sqliteTable(
  "pms_writebacks",
  {
    reference: text("reference").primaryKey(),
    accountId: text("account_id").notNull(),
    provider: text("provider").notNull(),
    writebackId: text("writeback_id").notNull(),
    action: text("action").notNull(),
    patientId: text("patient_id"),
    status: text("status", { enum: ["pending", "completed", "failed"] }).notNull(),
    createdId: text("created_id"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: text("created_at").notNull().default(sqlNow),
    completedAt: text("completed_at"),
  },
  (t) => [index("pms_writebacks_status").on(t.status, t.createdAt)],
);
