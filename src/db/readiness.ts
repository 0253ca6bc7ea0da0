import { sql } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "./client";
import { migrationsFolder } from "./migrate";

const expectedMigrations = (
  JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }
).entries.length;

/** True when the database answers and holds every migration this build ships. */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const rows = await db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`);
  return Number(rows[0]?.n ?? 0) >= expectedMigrations;
}
