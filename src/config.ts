import { dirname } from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { type EncryptionKey, parseEncryptionKeys } from "./crypto/keys";
import { databaseProblems } from "./db/mode";

const Port = Type.String({ pattern: "^[0-9]{1,5}$" });
const PositiveInt = Type.String({ pattern: "^[1-9][0-9]*$" });
const Url = Type.String({ pattern: "^https?://" });

/** Every variable the service reads. Everything is a string in the environment. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.Union([Type.Literal("production"), Type.Literal("development"), Type.Literal("test")])),
  PORT: Type.Optional(Port),
  PUBLIC_URL: Type.Optional(Url),
  NEXT_PUBLIC_APP_URL: Type.Optional(Url),
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_AUTH_TOKEN: Type.Optional(Type.String()),
  DATABASE_SYNC_URL: Type.Optional(Type.String({ pattern: "^(libsql|https?|wss?)://" })),
  VAPI_WEBHOOK_SECRET: Type.Optional(Type.String()),
  VAPI_API_KEY: Type.Optional(Type.String()),
  VAPI_API_URL: Type.Optional(Url),
  ENCRYPTION_KEY: Type.Optional(Type.String()),
  ADMIN_JWT_SECRET: Type.Optional(Type.String()),
  SIKKA_CLIENT_ID: Type.Optional(Type.String()),
  SIKKA_CLIENT_SECRET: Type.Optional(Type.String()),
  SIKKA_API_URL: Type.Optional(Url),
  SIKKA_WRITEBACK_WAIT_MS: Type.Optional(Type.String({ pattern: "^[0-9]{1,5}$" })),
  NEXHEALTH_API_KEY: Type.Optional(Type.String()),
  NEXHEALTH_API_URL: Type.Optional(Url),
  NEXHEALTH_INSERTION_WAIT_MS: Type.Optional(Type.String({ pattern: "^[0-9]{1,5}$" })),
  WRITEBACK_POLL_MS: Type.Optional(Type.String({ pattern: "^[0-9]{2,7}$" })),
  AVAILABILITY_REUSE_MS: Type.Optional(Type.String({ pattern: "^[0-9]{1,5}$" })),
  MIRROR_REFRESH_MS: Type.Optional(Type.String({ pattern: "^[0-9]{4,6}$" })),
  MIRROR_WINDOW_DAYS: Type.Optional(Type.String({ pattern: "^(1[5-9]|2[0-9]|30)$" })),
  LOG_LEVEL: Type.Optional(Type.Union(["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)))),
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: Type.Optional(PositiveInt),
  RATE_LIMIT_PER_IP_PER_MINUTE: Type.Optional(PositiveInt),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 32 })),
});
export type Env = Static<typeof EnvSchema>;

export type Config = {
  nodeEnv: "production" | "development" | "test";
  port: number;
  publicUrl: string;
  database: { url: string; authToken?: string; syncUrl?: string };
  /** Folder for the SQLite file and, outside production, the generated secrets. */
  dataDir: string;
  vapiWebhookSecrets: string[];
  vapiApiKey?: string;
  vapiApiUrl: string;
  encryptionKeys: EncryptionKey[];
  adminJwtSecret: string;
  sikka: { clientId?: string; clientSecret?: string; apiUrl: string; writebackWaitMs: number };
  /** NexHealth: one API key for the gateway; each clinic is a subdomain + location. */
  nexhealth: { apiKey?: string; apiUrl: string; insertionWaitMs: number };
  /** How often each instance looks for pending writebacks that are due (each check is leased). */
  writebackPollMs: number;
  /** The schedule mirror: how often each practice's change feed is read, and how many days it covers. */
  mirror: MirrorSettings;
  /** How long one instance reuses an availability answer for the same question (0: never). */
  availabilityReuseMs: number;
  logLevel: string;
  rateLimits: { perAccountPerMinute: number; perIpPerMinute: number };
  /** Optional bearer token for Prometheus scraping of /metrics (the admin JWT works too). */
  metricsToken?: string;
};

export type MirrorSettings = {
  /** Between two reads of a practice's change feed (one vendor request each, idle). */
  refreshIntervalMs: number;
  /** Between two reads of the frame (providers, chairs, hours), which rarely changes. */
  frameRefreshMs: number;
  /** Between two full reloads, which repair any drift the feed missed. */
  fullResyncMs: number;
  /** Days of bookings mirrored from today (availability asks at most 14 ahead of a day in the window). */
  windowDays: number;
  /** A mirror older than this is said to be possibly out of date. */
  staleAfterMs: number;
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export const DEFAULT_DATABASE_URL = "file:data/pms-gateway.db";

/** The folder that holds a `file:` database, or `data` for remote and in-memory databases. */
export function dataDirFor(databaseUrl: string): string {
  if (databaseUrl.startsWith("file:") && databaseUrl !== "file::memory:") {
    return dirname(databaseUrl.slice("file:".length));
  }
  return "data";
}

const splitList = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * Parses the environment once. Reports every problem at once (not the first), so an operator fixes
 * a deployment in one round; in production a missing or weak secret is a problem, never a default.
 */
export function loadConfig(raw: Record<string, string | undefined>): ConfigResult {
  const env: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = raw[key];
    if (value !== undefined && value !== "") env[key] = value;
  }
  const problems = [...Value.Errors(EnvSchema, env)].map((e) => `${e.path.slice(1)}: ${e.message}`);
  if (problems.length > 0) return { ok: false, problems };
  const e = env as Env;
  const nodeEnv = e.NODE_ENV ?? "development";

  const webhookSecrets = splitList(e.VAPI_WEBHOOK_SECRET);
  const keys = e.ENCRYPTION_KEY ? parseEncryptionKeys(e.ENCRYPTION_KEY) : { ok: true as const, keys: [] };
  if (!keys.ok) problems.push(`ENCRYPTION_KEY: ${keys.problem}`);

  if (webhookSecrets.length === 0) problems.push("VAPI_WEBHOOK_SECRET: required");
  else if (nodeEnv === "production" && webhookSecrets.some((s) => s.length < 32)) {
    problems.push("VAPI_WEBHOOK_SECRET: each secret must be at least 32 characters");
  }
  if (!e.ENCRYPTION_KEY) problems.push("ENCRYPTION_KEY: required (64 hex characters)");
  if (!e.ADMIN_JWT_SECRET) problems.push("ADMIN_JWT_SECRET: required");
  else if (nodeEnv === "production" && e.ADMIN_JWT_SECRET.length < 32) {
    problems.push("ADMIN_JWT_SECRET: must be at least 32 characters");
  }
  problems.push(
    ...databaseProblems({
      url: e.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      ...(e.DATABASE_AUTH_TOKEN ? { authToken: e.DATABASE_AUTH_TOKEN } : {}),
      ...(e.DATABASE_SYNC_URL ? { syncUrl: e.DATABASE_SYNC_URL } : {}),
      production: nodeEnv === "production",
    }),
  );
  if (problems.length > 0 || !keys.ok || !e.ADMIN_JWT_SECRET) return { ok: false, problems };

  const port = Number(e.PORT ?? "3000");
  const databaseUrl = e.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const config: Config = {
    nodeEnv,
    port,
    publicUrl: (e.PUBLIC_URL ?? e.NEXT_PUBLIC_APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    database: {
      url: databaseUrl,
      ...(e.DATABASE_AUTH_TOKEN ? { authToken: e.DATABASE_AUTH_TOKEN } : {}),
      ...(e.DATABASE_SYNC_URL ? { syncUrl: e.DATABASE_SYNC_URL } : {}),
    },
    dataDir: dataDirFor(databaseUrl),
    vapiWebhookSecrets: webhookSecrets,
    ...(e.VAPI_API_KEY ? { vapiApiKey: e.VAPI_API_KEY } : {}),
    vapiApiUrl: (e.VAPI_API_URL ?? "https://api.vapi.ai").replace(/\/+$/, ""),
    encryptionKeys: keys.keys,
    adminJwtSecret: e.ADMIN_JWT_SECRET,
    sikka: {
      ...(e.SIKKA_CLIENT_ID ? { clientId: e.SIKKA_CLIENT_ID } : {}),
      ...(e.SIKKA_CLIENT_SECRET ? { clientSecret: e.SIKKA_CLIENT_SECRET } : {}),
      apiUrl: (e.SIKKA_API_URL ?? "https://api.sikkasoft.com/v4").replace(/\/+$/, ""),
      writebackWaitMs: Number(e.SIKKA_WRITEBACK_WAIT_MS ?? "4000"),
    },
    nexhealth: {
      ...(e.NEXHEALTH_API_KEY ? { apiKey: e.NEXHEALTH_API_KEY } : {}),
      apiUrl: (e.NEXHEALTH_API_URL ?? "https://nexhealth.info").replace(/\/+$/, ""),
      insertionWaitMs: Number(e.NEXHEALTH_INSERTION_WAIT_MS ?? "3000"),
    },
    writebackPollMs: Number(e.WRITEBACK_POLL_MS ?? "15000"),
    availabilityReuseMs: Number(e.AVAILABILITY_REUSE_MS ?? "2000"),
    mirror: mirrorSettings(Number(e.MIRROR_REFRESH_MS ?? "20000"), Number(e.MIRROR_WINDOW_DAYS ?? "30")),
    logLevel: e.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info"),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    rateLimits: {
      perAccountPerMinute: Number(e.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE ?? "600"),
      perIpPerMinute: Number(e.RATE_LIMIT_PER_IP_PER_MINUTE ?? "120"),
    },
  };
  return { ok: true, config };
}

/**
 * Defaults: the feed every 20 s (3 requests a minute per idle practice, a front-desk change mirrored
 * within 20 s of the vendor reporting it), the frame every 15 min, a full reload nightly.
 */
export function mirrorSettings(refreshIntervalMs: number, windowDays: number): MirrorSettings {
  return {
    refreshIntervalMs,
    frameRefreshMs: 15 * 60_000,
    fullResyncMs: 24 * 3600_000,
    windowDays,
    staleAfterMs: Math.max(3 * refreshIntervalMs, 60_000),
  };
}
