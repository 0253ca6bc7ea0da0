import { Elysia, t } from "elysia";
import type { Database } from "../../db/client";
import { migrationsApplied } from "../../db/readiness";

/** Liveness and readiness for Fly's checks: never authenticated, never touching PHI. */
export const healthModule = (db: Database) =>
  new Elysia({ name: "modules/health" })
    .get("/health", () => ({ status: "ok" as const }), {
      response: t.Object({ status: t.Literal("ok") }),
      detail: { summary: "Process is up", tags: ["Operations"] },
    })
    .get(
      "/ready",
      async ({ set }) => {
        const ready = await migrationsApplied(db).catch(() => false);
        if (!ready) set.status = 503;
        return { status: ready ? ("ready" as const) : ("not_ready" as const) };
      },
      {
        response: { 200: t.Object({ status: t.Literal("ready") }), 503: t.Object({ status: t.Literal("not_ready") }) },
        detail: { summary: "Database reachable and migrations applied", tags: ["Operations"] },
      },
    );
