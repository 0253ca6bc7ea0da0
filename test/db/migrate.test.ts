import { expect, test } from "bun:test";
import type { DatabaseHandle } from "../../src/db/client";
import { applyMigrations, shippedMigrations } from "../../src/db/migrate";
import { fileDatabasePerTest } from "../helpers/file-database";

const files = fileDatabasePerTest("pms-gw-migrate-");

async function migratedFile() {
  const handle = await files.open("m.db");
  await applyMigrations(handle.db);
  return handle;
}
const recorded = async (db: DatabaseHandle) => Number((await db.client.execute("select count(*) from __drizzle_migrations")).rows[0]?.[0]);

test("a restart on a database holding every migration applies nothing and waits for no lock", async () => {
  const db = await migratedFile();
  expect(await recorded(db)).toBe(shippedMigrations.length);
  // Another instance holds the migration lock right now: the full path would wait for it (up to two minutes).
  await db.client.execute({ sql: "insert into gateway_migration_lock (id, owner, taken_at) values (1, 'another-instance', ?)", args: [Date.now()] });
  await applyMigrations(db.db);
  expect(await recorded(db)).toBe(shippedMigrations.length);
  expect((await db.client.execute("select owner from gateway_migration_lock")).rows[0]?.[0]).toBe("another-instance");
});

test("a database without the newest migration still gets it, through the lock", async () => {
  const db = await migratedFile();
  await db.client.execute("delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)");
  expect(await recorded(db)).toBe(shippedMigrations.length - 1);
  await applyMigrations(db.db);
  expect(await recorded(db)).toBe(shippedMigrations.length);
  // The lock was taken and given back.
  expect(Number((await db.client.execute("select count(*) from gateway_migration_lock")).rows[0]?.[0])).toBe(0);
});
