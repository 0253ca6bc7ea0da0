import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { databaseMode } from "../src/db/mode";

const secrets = { VAPI_WEBHOOK_SECRET: "v".repeat(32), ENCRYPTION_KEY: "ab".repeat(32), ADMIN_JWT_SECRET: "j".repeat(32) };

describe("database modes (all through @libsql/client)", () => {
  test("each URL resolves to its mode", () => {
    expect(databaseMode(":memory:")).toBe("memory");
    expect(databaseMode("file:data/pms-gateway.db")).toBe("embedded");
    expect(databaseMode("file:/data/replica.db", "libsql://pms-gateway-acme.turso.io")).toBe("embedded-replica");
    expect(databaseMode("libsql://pms-gateway-acme.turso.io")).toBe("remote");
    expect(databaseMode("http://127.0.0.1:8080")).toBe("remote");
    expect(databaseMode("libsql://x.turso.io", "libsql://y")).toBeNull();
    expect(databaseMode("postgres://nope")).toBeNull();
  });

  test("configuration: the default is the embedded file; remote Turso and replicas need a token", () => {
    const embedded = loadConfig({ ...secrets });
    expect(embedded.ok && embedded.config.database).toEqual({ url: "file:data/pms-gateway.db" });
    const remote = loadConfig({ ...secrets, DATABASE_URL: "libsql://pms-acme.turso.io", DATABASE_AUTH_TOKEN: "token-placeholder" });
    expect(remote.ok && remote.config.database).toEqual({ url: "libsql://pms-acme.turso.io", authToken: "token-placeholder" });
    const replica = loadConfig({
      ...secrets,
      DATABASE_URL: "file:/data/replica.db",
      DATABASE_SYNC_URL: "libsql://pms-acme.turso.io",
      DATABASE_AUTH_TOKEN: "token-placeholder",
    });
    expect(replica.ok && replica.config).toMatchObject({ database: { url: "file:/data/replica.db", syncUrl: "libsql://pms-acme.turso.io" }, dataDir: "/data" });
    const noToken = loadConfig({ ...secrets, DATABASE_URL: "libsql://pms-acme.turso.io" });
    expect(!noToken.ok && noToken.problems).toEqual(["DATABASE_AUTH_TOKEN: required for a Turso database"]);
    const badReplica = loadConfig({ ...secrets, DATABASE_URL: "libsql://a.turso.io", DATABASE_SYNC_URL: "libsql://b.turso.io", DATABASE_AUTH_TOKEN: "t" });
    expect(!badReplica.ok && badReplica.problems).toEqual(["DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL=file:…"]);
    const memoryInProd = loadConfig({ ...secrets, NODE_ENV: "production", DATABASE_URL: ":memory:" });
    expect(memoryInProd.ok).toBe(false);
  });

  test("an embedded file database opens in WAL mode", async () => {
    const dir = join(tmpdir(), `pms-gw-wal-${crypto.randomUUID()}`);
    const handle = await openDatabase({ url: `file:${dir}/wal.db` });
    try {
      const mode = await handle.client.execute("pragma journal_mode");
      expect(String(mode.rows[0]![0])).toBe("wal");
    } finally {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a new file another connection is writing to still opens in WAL mode once that write ends", async () => {
    // Switching to WAL writes the file's header. While another connection holds the write lock, SQLite
    // refuses the switch at once (SQLITE_BUSY, without waiting out the busy timeout, since the switch
    // already holds a read lock): instances starting together on a new file meet exactly this.
    const dir = mkdtempSync(join(tmpdir(), "pms-gw-wal-busy-"));
    // The same SQLite library as the service's connection: file locks between two libraries in one
    // process do not see each other.
    const writer = new Database(join(dir, "busy.db"));
    try {
      writer.exec("create table t (x)");
      writer.exec("begin immediate");
      const opening = openDatabase({ url: `file:${join(dir, "busy.db")}` });
      writer.exec("rollback");
      const handle = await opening;
      const mode = await handle.client.execute("pragma journal_mode");
      expect(String(mode.rows[0]![0])).toBe("wal");
      handle.close();
    } finally {
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
