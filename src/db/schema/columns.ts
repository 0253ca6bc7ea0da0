import { sql } from "drizzle-orm";
import { text } from "drizzle-orm/sqlite-core";

/** UTC text `YYYY-MM-DD HH:MM:SS.SSS`: compares correctly with SQLite's `datetime('now', ...)`. */
export const sqlNow = sql`(strftime('%Y-%m-%d %H:%M:%f', 'now'))`;

export const timestamps = {
  createdAt: text("created_at").notNull().default(sqlNow),
  updatedAt: text("updated_at").notNull().default(sqlNow),
};
