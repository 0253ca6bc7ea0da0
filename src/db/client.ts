import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { isDatabaseBusy } from "./busy";
import { BackgroundCheckpointer } from "./checkpointer";
import { EmbeddedClient } from "./embedded-client";
import { databaseMode } from "./mode";
import * as schema from "./schema";

/** Drizzle over the libSQL client; `$client` for the few statements the service sends as fixed SQL text. */
export type Database = LibSQLDatabase<typeof schema> & { $client: Client };
export type DatabaseHandle = {
  db: Database;
  client: Client;
  /**
   * Starts copying an embedded file's write-ahead log on a thread of its own; settles once the thread
   * has started, with null when there is nothing to start (not an embedded file) or it could not start.
   * Asked again, it answers the first start. The service asks once it listens: the thread is a speed-up
   * under sustained writes, not a condition for serving, and starting it (a JavaScript context and the
   * database binding loaded on another thread) alongside the start's migrations slowed them by 10–20 ms.
   */
  startCheckpoints(checkpoints: BackgroundCheckpoints): Promise<BackgroundCheckpointer | null>;
  close(): void;
};

export type DatabaseOptions = { url: string; authToken?: string; syncUrl?: string };

/** The service's own connection to an embedded file: its write-ahead log is checkpointed on a thread of its own. */
export type BackgroundCheckpoints = { everyMs: number; onFailure: (message: string) => void; script?: URL };

/**
 * With a background checkpointer, the service's connection checkpoints only past ~38 MB of log. Under
 * steady writes that is also where the log starts over: a writer can restart it only when nothing is
 * left to copy as its transaction begins, which the thread, copying while commits keep arriving, rarely
 * leaves behind. The connection then copies the little that is left. It is also the bound if the thread stops.
 *
 * The file is held to 10,000 pages of log (~40 MB). The connection's checkpoint is passive: crossing the
 * threshold while the thread is copying, it gives way, and commits keep adding frames until a later one
 * finds the thread done. Under a steady load that added up to 380 frames past the threshold, so the
 * threshold sits 500 pages below the bound.
 */
export const FALLBACK_CHECKPOINT_PAGES = 9_500;

/** The connection's page cache, in KiB (SQLite's default is 2,000). */
const PAGE_CACHE_KIB = 4096;

/** How long a statement waits out another connection's lock on the file, and the switch to WAL another's write. */
const OPEN_TIMEOUT_MS = 5000;

/**
 * Switches the file to WAL. On a new file the switch writes the header, and SQLite refuses it at once
 * (SQLITE_BUSY, without waiting out busy_timeout: the switch already holds a read lock, and waiting with
 * one could deadlock) while another connection writes, which instances starting together on a new file
 * do. Tried again until `timeoutMs`; a file still not in WAL then is an error, not a silent other mode.
 */
async function switchToWal(client: Client, timeoutMs: number): Promise<void> {
  const giveUpAt = performance.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    let mode = "";
    try {
      mode = String((await client.execute("PRAGMA journal_mode = WAL")).rows[0]?.[0] ?? "").toLowerCase();
    } catch (e) {
      if (!isDatabaseBusy(e) || performance.now() > giveUpAt) throw e;
    }
    if (mode === "wal") return;
    if (mode !== "" && performance.now() > giveUpAt) throw new Error(`the database file stayed in ${mode} mode instead of WAL`);
    // A few milliseconds, growing, with jitter so instances starting together do not retry in step.
    await Bun.sleep(Math.min(50, 2 ** attempt) * (0.5 + Math.random()));
  }
}

/**
 * One libSQL client for every mode: `file:` (embedded SQLite), `:memory:`, `libsql://`/`http(s)://`
 * (remote Turso / libSQL server) and `file:` + `syncUrl` (embedded replica, reads local).
 */
/** The file a `file:` URL names: `file:data/x.db`, `file:/abs/x.db` or `file:///abs/x.db`. */
const filePath = (url: string) => (url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url.slice("file:".length).replace(/\?.*$/, ""));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const isFile = options.url.startsWith("file:");
  if (isFile) mkdirSync(dirname(filePath(options.url)), { recursive: true });
  const mode = databaseMode(options.url, options.syncUrl);
  // Embedded (file or memory): our client, which keeps statements prepared. Remote and embedded
  // replicas: the stock client (it speaks the network protocol and syncs).
  const client: Client =
    mode === "embedded" || mode === "memory"
      ? new EmbeddedClient(mode === "memory" ? ":memory:" : filePath(options.url), { timeoutMs: OPEN_TIMEOUT_MS })
      : openStockClient(options, isFile);
  if (isFile && !options.syncUrl) {
    // WAL lets readers proceed while a write commits; busy_timeout waits out short write locks.
    await switchToWal(client, OPEN_TIMEOUT_MS);
    await client.execute("PRAGMA synchronous = NORMAL");
    // A sort larger than the page cache spills to a temporary file. The monitoring figures sort a day of
    // every clinic's audit rows (tens of thousands) by action: at SQLite's default 2 MB they spilled,
    // and 4 MB keeps the day in memory (1M rows, both scans of 24 h of all clinics: 28-30 -> 22-24 ms).
    await client.execute(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
  }
  let closed = false;
  let checkpointer: Promise<BackgroundCheckpointer | null> | null = null;
  const startCheckpoints = (checkpoints: BackgroundCheckpoints): Promise<BackgroundCheckpointer | null> => {
    checkpointer ??=
      mode === "embedded" && !closed
        ? BackgroundCheckpointer.start(filePath(options.url), { timeoutMs: OPEN_TIMEOUT_MS, ...checkpoints }).then(
            async (started) => {
              // Closed while the thread was starting: nothing is left for it to copy into.
              if (closed) {
                await started.stop();
                return null;
              }
              // Until here the connection checkpoints at SQLite's default threshold, as without the thread.
              await client.execute(`PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`).catch((e) => {
                checkpoints.onFailure(`the connection keeps SQLite's checkpoint threshold: ${(e as Error)?.message}`);
              });
              return started;
            },
            (e) => {
              // A speed-up, not a condition for serving: without the thread the connection checkpoints as SQLite does by default.
              checkpoints.onFailure((e as Error)?.message ?? "checkpoint thread did not start");
              return null;
            },
          )
        : Promise.resolve(null);
    return checkpointer;
  };
  const db = drizzle(client, { schema });
  return {
    db,
    client,
    startCheckpoints,
    close: () => {
      closed = true;
      void checkpointer?.then((started) => started?.stop());
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
