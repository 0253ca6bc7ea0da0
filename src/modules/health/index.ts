import { Elysia, t } from "elysia";
import type { AuditLog } from "../../audit/audit-log";
import type { Database } from "../../db/client";
import { migrationsApplied } from "../../db/readiness";

/** Liveness and readiness for Fly's checks: never authenticated, never touching PHI. */
export const healthModule = (db: Database, audit: AuditLog) =>
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
        // Audit rows of writes that happened while the audit store was failing, still waiting to land.
        return { status: ready ? ("ready" as const) : ("not_ready" as const), auditBacklog: audit.backlogSize };
      },
      {
        response: {
          200: t.Object({ status: t.Literal("ready"), auditBacklog: t.Integer({ minimum: 0 }) }),
          503: t.Object({ status: t.Literal("not_ready"), auditBacklog: t.Integer({ minimum: 0 }) }),
        },
        detail: { summary: "Database reachable and migrations applied", tags: ["Operations"] },
      },
    );
