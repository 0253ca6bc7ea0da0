import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { applyMigrations } from "../src/db/migrate";
import { createDeps } from "../src/deps";
import { createLogger } from "../src/lib/logger";

/**
 * The OpenAPI document exactly as the service serves it at /docs/json, built in-process on an
 * in-memory database with throwaway secrets (nothing is listened on, nothing is stored).
 */
export async function servedDocument(publicUrl = "http://localhost:3000"): Promise<Record<string, any>> {
  const throwaway = "x".repeat(40);
  const loaded = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: ":memory:",
    VAPI_WEBHOOK_SECRET: throwaway,
    ADMIN_JWT_SECRET: throwaway,
    ENCRYPTION_KEY: "22".repeat(32),
    PUBLIC_URL: publicUrl,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  const database = await openDatabase(loaded.config.database);
  try {
    await applyMigrations(database.db);
    const deps = createDeps({ config: loaded.config, db: database.db, logger: createLogger({ level: "silent" }) });
    const res = await createApp(deps).handle(new Request("http://localhost/docs/json"));
    return (await res.json()) as Record<string, any>;
  } finally {
    database.close();
  }
}
