import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Database = LibSQLDatabase<typeof schema>;
export type DatabaseHandle = { db: Database; client: Client; close(): void };

export type DatabaseOptions = { url: string; authToken?: string; syncUrl?: string };

/**
 * One libSQL client for every mode: `file:` (embedded SQLite), `:memory:`, `libsql://`/`http(s)://`
 * (remote Turso / libSQL server) and `file:` + `syncUrl` (embedded replica, reads local).
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const isFile = options.url.startsWith("file:");
  if (isFile) mkdirSync(dirname(options.url.slice("file:".length)), { recursive: true });
  const client = createClient({
    url: options.url,
    ...(options.authToken ? { authToken: options.authToken } : {}),
    ...(options.syncUrl ? { syncUrl: options.syncUrl } : {}),
    // Busy timeout: waits out another process's (or a replica sync's) short write lock.
    timeout: 5000,
    // One connection for an embedded file: every statement here is synchronous inside SQLite, so a pool
    // only adds writers that queue on the file lock with sleeping retries. Nothing here holds an
    // interactive transaction; multi-statement writes are atomic batches.
    ...(isFile ? { concurrency: 1 } : {}),
  });
  if (isFile && !options.syncUrl) {
    // WAL lets readers proceed while a write commits; busy_timeout waits out short write locks.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.close() };
}
