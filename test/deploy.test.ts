import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fly from "../fly.toml";
import { loadConfig } from "../src/config";

const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");

describe("deployment files", () => {
  test("fly.toml parses, checks /ready, shuts down gracefully and carries no secrets", () => {
    const f = fly as any;
    expect(f.app).toBe("pms-gateway");
    expect(f.kill_signal).toBe("SIGTERM");
    expect(f.http_service.internal_port).toBe(Number(f.env.PORT));
    expect(f.http_service.checks[0].path).toBe("/ready");
    expect(f.mounts[0].destination).toBe("/data");
    for (const secret of ["VAPI_WEBHOOK_SECRET", "ENCRYPTION_KEY", "ADMIN_JWT_SECRET", "DATABASE_AUTH_TOKEN", "SIKKA_CLIENT_SECRET", "VAPI_API_KEY"]) {
      expect(Object.keys(f.env)).not.toContain(secret);
    }
    // its env, plus the secrets set with `fly secrets set`, is a valid production config
    const result = loadConfig({
      ...f.env,
      VAPI_WEBHOOK_SECRET: "v".repeat(32),
      ENCRYPTION_KEY: "ab".repeat(32),
      ADMIN_JWT_SECRET: "j".repeat(32),
      DATABASE_AUTH_TOKEN: "placeholder",
    });
    expect(result.ok).toBe(true);
  });

  test("the Dockerfile is multi-stage on the Bun image, production deps only, non-root, with a /ready health check", () => {
    expect(dockerfile).toMatch(/^FROM .* AS deps$/m);
    expect(dockerfile).toMatch(/^FROM oven\/bun:[\d.]+-slim AS runtime$/m);
    expect(dockerfile).toContain("npm ci --omit=dev");
    expect(dockerfile).toMatch(/^USER bun$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/ready/m);
    expect(dockerfile).toContain("COPY drizzle ./drizzle");
    // It runs the bundle its build stage makes (test/build.test.ts starts that bundle), as `npm run build` makes it.
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/^RUN bun scripts\/build\.ts$/m);
    expect(dockerfile).toContain("COPY --from=build /app/dist ./dist");
    expect(dockerfile).toMatch(/^CMD \["bun", "dist\/index\.js"\]$/m);
    // every path the image copies exists
    for (const path of ["package.json", "package-lock.json", "tsconfig.json", "drizzle", "src", "scripts/build.ts"]) {
      expect(Bun.file(new URL(`../${path}`, import.meta.url)).size).toBeGreaterThan(0);
    }
  });
});
