import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sqlNow } from "./columns";

/**
 * Where the audit chain continues after rows past retention were exported and purged: the last purged
 * row's id and hash, and the SHA-256 of the export that holds them. Append-only, like the log itself.
 */
export const auditCheckpoints = sqliteTable("audit_checkpoints", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  lastId: integer("last_id").notNull(),
  lastHash: text("last_hash").notNull(),
  purgedRows: integer("purged_rows").notNull(),
  exportSha256: text("export_sha256").notNull(),
  createdAt: text("created_at").notNull().default(sqlNow),
});
