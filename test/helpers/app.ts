import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CreateAccountInput } from "../../src/accounts/model";
import { practiceOf } from "../../src/accounts/service";
import { createApp } from "../../src/app";
import { type Config, loadConfig } from "../../src/config";
import type { ConnectorDefinition } from "../../src/connectors/types";
import { openDatabase } from "../../src/db/client";
import { applyMigrations } from "../../src/db/migrate";
import { type AppDeps, createDeps } from "../../src/deps";
import { mintToken } from "../../src/http/auth/jwt";
import type { Clock } from "../../src/lib/clock";
import { createLogger } from "../../src/lib/logger";

export const TEST_WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef";
export const TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdef0123";
export const TEST_ENCRYPTION_KEY = "11".repeat(32);

/** Every log line any test app wrote in this run, for the suite-wide canary check (test/setup/log-canary.ts). */
export const allLogLines: string[] = [];

/** Tuesday 2026-12-01 09:00 in New York: a working morning, so availability has something to offer. */
export const TEST_NOW = new Date("2026-12-01T14:00:00Z");

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private current: Date = TEST_NOW) {}
  now() {
    return new Date(this.current);
  }
  set(date: Date) {
    this.current = new Date(date);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testConfig(env: Record<string, string> = {}): Config {
  const result = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: ":memory:",
    VAPI_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ADMIN_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "info",
    // Tests change a schedule and ask again at once, on a pinned clock: answers are not reused unless a
    // test turns it on (test/modules/recent-availability.test.ts).
    AVAILABILITY_REUSE_MS: "0",
    ...env,
  });
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.config;
}

export type TestAppOptions = {
  env?: Record<string, string>;
  /** A temp-file database, for tests whose requests overlap in transactions. */
  fileDatabase?: boolean;
  clock?: TestClock;
  connectors?: ConnectorDefinition[];
  fetch?: typeof fetch;
};

/** The real app on a fresh, migrated libSQL database, with a pinned clock and captured logs. */
export async function makeTestApp(options: TestAppOptions = {}) {
  let dir: string | undefined;
  let url = ":memory:";
  if (options.fileDatabase) {
    dir = mkdtempSync(join(tmpdir(), "pms-gateway-test-"));
    url = `file:${join(dir, "test.db")}`;
  }
  const config = testConfig({ DATABASE_URL: url, ...options.env });
  const database = await openDatabase(config.database);
  await applyMigrations(database.db);
  const logLines: string[] = [];
  // Access-log lines are written after a response is handed back: `idle()` waits for them by event.
  let handled = 0;
  let accessLogged = 0;
  const waiters: Array<() => void> = [];
  const wake = () => {
    while (accessLogged >= handled && waiters.length > 0) waiters.shift()?.();
  };
  const logger = createLogger({
    level: "debug",
    destination: {
      write: (line: string) => {
        logLines.push(line);
        allLogLines.push(line);
        if (line.includes('"msg":"request"')) {
          accessLogged++;
          wake();
        }
      },
    },
  });
  const clock = options.clock ?? new TestClock();
  const deps = createDeps({
    config,
    db: database.db,
    clock,
    logger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.connectors ? { connectors: options.connectors } : {}),
    // Tests say which address a request comes from with a header (the service uses the socket).
    clientIp: (request) => request.headers.get("x-test-client-ip") ?? "127.0.0.1",
  });
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    logLines,
    database,
    handle: (request: Request) => {
      handled++;
      return app.handle(request);
    },
    /** Resolves once every request handled so far has written its access-log line (and its metrics). */
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        wake();
      }),
    close() {
      database.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** A clinic on the sandbox PMS, created through the real services (as the admin API would). */
export async function createSandboxClinic(deps: AppDeps, input: Partial<CreateAccountInput> = {}) {
  const account = await deps.accounts.create({ name: "Test Dental", timezone: "America/New_York", ...input });
  await deps.integrations.configure(practiceOf(account), "sandbox", {});
  return account;
}

export const adminToken = (ttlSeconds = 3600, now = TEST_NOW) => mintToken(TEST_JWT_SECRET, { role: "admin" }, { ttlSeconds, now });
export const clinicToken = (accountId: string, ttlSeconds = 3600, now = TEST_NOW) =>
  mintToken(TEST_JWT_SECRET, { role: "clinic", accountId }, { ttlSeconds, now });

/** The app with one sandbox clinic, its clinic token, and `call(path, init)` sending requests as that clinic. */
export async function makeClinicTestApp(options: TestAppOptions & { account?: Partial<CreateAccountInput> } = {}) {
  const t = await makeTestApp(options);
  const accountId = (await createSandboxClinic(t.deps, options.account)).id;
  const headers = { authorization: `Bearer ${await clinicToken(accountId)}` };
  const { jsonRequest } = await import("./request");
  const call = (path: string, init: Parameters<typeof jsonRequest>[1] = {}) =>
    t.handle(jsonRequest(path, { ...init, headers: { ...headers, ...init.headers } }));
  return { ...t, accountId, headers, call };
}
