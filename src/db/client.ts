import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { BackgroundCheckpointer } from "./checkpointer";
import { EmbeddedClient } from "./embedded-client";
import { databaseMode } from "./mode";
import * as schema from "./schema";

/** Drizzle over the libSQL client; `$client` for the few statements the service sends as fixed SQL text. */
export type Database = LibSQLDatabase<typeof schema> & { $client: Client };
export type DatabaseHandle = { db: Database; client: Client; checkpointer?: BackgroundCheckpointer | null; close(): void };

export type DatabaseOptions = { url: string; authToken?: string; syncUrl?: string };

/** The service's own connection to an embedded file: its write-ahead log is checkpointed on a thread of its own. */
export type BackgroundCheckpoints = { everyMs: number; onFailure: (message: string) => void };

/**
 * With a background checkpointer, the service's connection checkpoints only past ~40 MB of log. Under
 * steady writes that is also where the log starts over: a writer can restart it only when nothing is
 * left to copy as its transaction begins, which the thread, copying while commits keep arriving, rarely
 * leaves behind. The connection then copies the little that is left. It is also the bound if the thread stops.
 */
const FALLBACK_CHECKPOINT_PAGES = 10_000;

/**
 * One libSQL client for every mode: `file:` (embedded SQLite), `:memory:`, `libsql://`/`http(s)://`
 * (remote Turso / libSQL server) and `file:` + `syncUrl` (embedded replica, reads local).
 */
/** The file a `file:` URL names: `file:data/x.db`, `file:/abs/x.db` or `file:///abs/x.db`. */
const filePath = (url: string) => (url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url.slice("file:".length).replace(/\?.*$/, ""));

export async function openDatabase(options: DatabaseOptions, background?: { checkpoints?: BackgroundCheckpoints }): Promise<DatabaseHandle> {
  const isFile = options.url.startsWith("file:");
  if (isFile) mkdirSync(dirname(filePath(options.url)), { recursive: true });
  const mode = databaseMode(options.url, options.syncUrl);
  // Embedded (file or memory): our client, which keeps statements prepared. Remote and embedded
  // replicas: the stock client (it speaks the network protocol and syncs).
  const client: Client =
    mode === "embedded" || mode === "memory"
      ? new EmbeddedClient(mode === "memory" ? ":memory:" : filePath(options.url), { timeoutMs: 5000 })
      : openStockClient(options, isFile);
  if (isFile && !options.syncUrl) {
    // WAL lets readers proceed while a write commits; busy_timeout waits out short write locks.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  let checkpointer: BackgroundCheckpointer | null = null;
  if (mode === "embedded" && background?.checkpoints) {
    try {
      checkpointer = await BackgroundCheckpointer.start(filePath(options.url), { timeoutMs: 5000, ...background.checkpoints });
      await client.execute(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    } catch (e) {
      // A speed-up, not a condition for serving: without the thread the connection checkpoints as SQLite does by default.
      background.checkpoints.onFailure((e as Error)?.message ?? "checkpoint thread did not start");
    }
  }
  const db = drizzle(client, { schema });
  return {
    db,
    client,
    checkpointer,
    close: () => {
      void checkpointer?.stop();
      client.close();
    },
  };
}

function openStockClient(options: DatabaseOptions, isFile: boolean): Client {
  return createClient({
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
}
