import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/libsql/migrator";
import { bundleUrl } from "../lib/bundle";
import type { Database } from "./client";

/**
 * The production build (scripts/build.ts) bundles the service into one file and names the migrations'
 * folder relative to it. Unset when running the sources.
 */
declare const BUNDLED_MIGRATIONS_FOLDER: string | undefined;

export const migrationsFolder = fileURLToPath(
  typeof BUNDLED_MIGRATIONS_FOLDER === "string" ? new URL(BUNDLED_MIGRATIONS_FOLDER, bundleUrl()) : new URL("../../drizzle", import.meta.url),
);

type Journal = { entries: Array<{ when: number }> };
/** The migrations this build ships (drizzle-kit's journal of the folder). */
export const shippedMigrations = (JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as Journal).entries;
/** Drizzle records each applied migration with its journal time and applies those newer than the last it recorded. */
const newestShipped = Math.max(0, ...shippedMigrations.map((entry) => entry.when));

/** A lock older than this belongs to an instance that died while migrating: it may be taken over. */
const STALE_LOCK_MS = 60_000;
const WAIT_STEP_MS = 50;
const WAIT_LIMIT_MS = 120_000;

/**
 * Applies the committed SQL migrations; run before the service listens. Several instances starting at
 * once on one database migrate exactly once: the first takes a lock row (one INSERT can win), the others
 * wait for it to be released and then find nothing left to apply.
 */
export async function applyMigrations(db: Database, owner = crypto.randomUUID()): Promise<void> {
  // A restart finds every migration applied: nothing to do, no lock to take (three writes fewer before
  // the service listens). Anything else, an unreadable record included, takes the full path.
  if (await holdsNewestMigration(db)) return;
  await db.run(sql`create table if not exists gateway_migration_lock (id integer primary key check (id = 1), owner text not null, taken_at integer not null)`);
  const started = Date.now();
  for (;;) {
    const now = Date.now();
    await db.run(sql`delete from gateway_migration_lock where taken_at < ${now - STALE_LOCK_MS}`);
    const taken = await db.all<{ owner: string }>(
      sql`insert into gateway_migration_lock (id, owner, taken_at) values (1, ${owner}, ${now}) on conflict(id) do nothing returning owner`,
    );
    if (taken.length > 0) break;
    if (now - started > WAIT_LIMIT_MS) throw new Error("another instance holds the migration lock for too long");
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await db.run(sql`delete from gateway_migration_lock where owner = ${owner}`);
  }
}

async function holdsNewestMigration(db: Database): Promise<boolean> {
  try {
    const rows = await db.all<{ created_at: number }>(sql`select created_at from __drizzle_migrations order by created_at desc limit 1`);
    return rows.length > 0 && Number(rows[0]?.created_at) >= newestShipped;
  } catch {
    return false; // no record yet: a new database
  }
}
