import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sqlNow } from "./columns";

/** Remembers the first outcome of a write per (account, key) so a retry never writes to the PMS twice. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    action: text("action").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_progress", "completed"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: text("created_at").notNull().default(sqlNow),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);
