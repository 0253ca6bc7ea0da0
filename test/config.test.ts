import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFromEnvironment } from "../src/bootstrap/environment";
import { loadConfig } from "../src/config";

const strong = {
  VAPI_WEBHOOK_SECRET: "v".repeat(32),
  ENCRYPTION_KEY: "ab".repeat(32),
  ADMIN_JWT_SECRET: "j".repeat(32),
};

describe("configuration (contract §6)", () => {
  test("production refuses to start without secrets and lists every problem at once", () => {
    const result = loadConfig({ NODE_ENV: "production" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join("\n")).toContain("VAPI_WEBHOOK_SECRET");
    expect(result.problems.join("\n")).toContain("ENCRYPTION_KEY");
    expect(result.problems.join("\n")).toContain("ADMIN_JWT_SECRET");
  });

  test("production refuses weak secrets", () => {
    const result = loadConfig({ NODE_ENV: "production", VAPI_WEBHOOK_SECRET: `${"v".repeat(32)},short`, ENCRYPTION_KEY: "abc", ADMIN_JWT_SECRET: "short" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(3);
  });

  test("a strong production config parses, with defaults", () => {
    const result = loadConfig({ NODE_ENV: "production", ...strong, PUBLIC_URL: "https://gw.example.com/" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      port: 3000,
      publicUrl: "https://gw.example.com",
      database: { url: "file:data/pms-gateway.db" },
      dataDir: "data",
      vapiApiUrl: "https://api.vapi.ai",
      sikka: { apiUrl: "https://api.sikkasoft.com/v4" },
      rateLimits: { perAccountPerMinute: 600, perIpPerMinute: 120 },
    });
    expect(result.config.encryptionKeys.map((k) => k.id)).toEqual(["k1"]);
  });

  test("ENCRYPTION_KEY accepts a rotation list; malformed values and bad types are reported", () => {
    const rotated = loadConfig({ ...strong, ENCRYPTION_KEY: `new:${"cd".repeat(32)},k1:${"ab".repeat(32)}` });
    expect(rotated.ok && rotated.config.encryptionKeys.map((k) => k.id)).toEqual(["new", "k1"]);
    const dup = loadConfig({ ...strong, ENCRYPTION_KEY: `a:${"cd".repeat(32)},a:${"ab".repeat(32)}` });
    expect(dup.ok).toBe(false);
    const badPort = loadConfig({ ...strong, PORT: "http", PUBLIC_URL: "ftp://x" });
    expect(!badPort.ok && badPort.problems.length).toBe(2);
  });

  test("outside production, missing secrets are generated once into the data folder with mode 0600", () => {
    const dir = mkdtempSync(join(tmpdir(), "pms-gw-cfg-"));
    try {
      const env = { DATABASE_URL: `file:${join(dir, "db", "x.db")}` };
      const first = configFromEnvironment(env);
      const second = configFromEnvironment(env);
      expect(first.ok && second.ok).toBe(true);
      if (!first.ok || !second.ok) return;
      expect(second.config.adminJwtSecret).toBe(first.config.adminJwtSecret);
      const file = join(dir, "db", "secrets.json");
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(Object.keys(JSON.parse(readFileSync(file, "utf8"))).sort()).toEqual(["ADMIN_JWT_SECRET", "ENCRYPTION_KEY", "VAPI_WEBHOOK_SECRET"]);
      // production never reads them
      expect(configFromEnvironment({ ...env, NODE_ENV: "production" }).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the real process exits non-zero in production without secrets, listing them", async () => {
    const proc = Bun.spawn([process.execPath, "src/index.ts"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATABASE_URL: ":memory:" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const code = await proc.exited;
    const stderr = await new Response(proc.stderr).text();
    expect(code).not.toBe(0);
    expect(stderr).toContain("VAPI_WEBHOOK_SECRET");
    expect(stderr).toContain("ENCRYPTION_KEY");
    expect(stderr).toContain("ADMIN_JWT_SECRET");
  });
});
