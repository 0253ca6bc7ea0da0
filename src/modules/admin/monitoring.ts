import { Elysia, t } from "elysia";
import type { ChainKeys } from "../../audit/chain";
import { auditMetrics, type MetricsWindow, WINDOWS } from "../../audit/metrics";
import { verifyAuditChain } from "../../audit/verify";
import type { Database } from "../../db/client";
import { bearerToken } from "../../http/auth/bearer";
import type { GuardDeps } from "../../http/auth/guard";
import { authentication } from "../../http/auth/macro";
import { authenticateStaff, requireAdmin, type StaffAuthDeps, scopedAccountId } from "../../http/auth/staff";
import type { Metrics } from "../../lib/metrics";
import { safeEqualStrings } from "../../lib/timing-safe";
import type { VendorRequestMeter } from "../../lib/vendor-requests";
import { practiceFreshness, renderFreshness } from "../../mirror/monitoring";
import type { MirrorStore } from "../../mirror/store";
import { ErrorEnvelope } from "../pms/model";

export type MonitoringDeps = GuardDeps &
  StaffAuthDeps & {
    db: Database;
    chainKeys: ChainKeys;
    metrics: Metrics;
    metricsToken?: string;
    mirrors: MirrorStore;
    vendorRequests: VendorRequestMeter;
  };

const security = [{ bearer: [] }];
const errors = { 401: ErrorEnvelope, 403: ErrorEnvelope };

const AuditMetricsModel = t.Object({
  window: t.UnionEnum(Object.keys(WINDOWS) as [MetricsWindow, ...MetricsWindow[]]),
  since: t.String({ description: "Start of the window (UTC)" }),
  requests: t.Integer(),
  errorRate: t.Number({ minimum: 0, maximum: 100, description: "Percent of requests that failed" }),
  perAction: t.Array(t.Object({ action: t.String(), count: t.Integer(), avgResponseMs: t.Number(), maxResponseMs: t.Number(), errors: t.Integer() })),
  phi: t.Object({ accesses: t.Integer(), distinctPatients: t.Integer() }),
  pmsErrorsByCode: t.Record(t.String(), t.Integer()),
  practices: t.Array(
    t.Object({
      accountId: t.String(),
      provider: t.String(),
      mirrorAgeSeconds: t.Union([t.Integer({ minimum: 0 }), t.Null()], { description: "Seconds since the schedule mirror last matched the PMS" }),
      mirrorError: t.Union([t.String(), t.Null()], { description: "The last mirror refresh's failure code" }),
      vendorRequests: t.Integer({ minimum: 0, description: "Requests this instance sent to the practice's vendor" }),
      vendorRequestsLastMinute: t.Integer({ minimum: 0 }),
    }),
    { description: "Per practice: the schedule mirror's freshness and the vendor requests made (this instance)" },
  ),
});

/** Audit-chain verification, the monitoring figures, and a Prometheus endpoint for Fly. */
export function monitoringModule(deps: MonitoringDeps) {
  return new Elysia({ name: "modules/monitoring" })
    .use(authentication(deps))
    .get("/api/admin/audit-logs/verify", () => verifyAuditChain(deps.db, deps.chainKeys), {
      auth: "admin",
      response: {
        200: t.Union([
          t.Object({ ok: t.Literal(true), rows: t.Integer(), lastId: t.Union([t.Integer(), t.Null()]) }),
          t.Object({ ok: t.Literal(false), rows: t.Integer(), brokenAtId: t.Integer(), reason: t.String() }),
        ]),
        ...errors,
      },
      detail: { summary: "Verify the audit log's hash chain (reports the first broken, edited or missing row)", tags: ["Admin"], security },
    })
    .get(
      "/api/admin/metrics",
      async ({ principal, query }) => {
        const accountId = scopedAccountId(principal, query.accountId);
        const [figures, practices] = await Promise.all([
          auditMetrics(deps.db, deps.clock, query.window ?? "1h", accountId),
          practiceFreshness(deps.mirrors, deps.vendorRequests, deps.clock.now().getTime(), accountId),
        ]);
        return { ...figures, practices };
      },
      {
        auth: "staff",
        query: t.Object({
          accountId: t.Optional(t.String({ maxLength: 200 })),
          window: t.Optional(t.Union(Object.keys(WINDOWS).map((w) => t.Literal(w as keyof typeof WINDOWS)))),
        }),
        response: { 200: AuditMetricsModel },
        detail: {
          summary: "Per-action response times, error rate, PHI accesses, distinct patients, and per practice the schedule mirror's age and vendor requests",
          tags: ["Admin"],
          security,
        },
      },
    )
    .get(
      "/metrics",
      async ({ request, set }) => {
        const token = bearerToken(request.headers.get("authorization"));
        const byToken = token !== null && deps.metricsToken !== undefined && safeEqualStrings(token, deps.metricsToken);
        if (!byToken) {
          requireAdmin(await authenticateStaff(request, deps));
        }
        set.headers["content-type"] = "text/plain; version=0.0.4";
        const practices = await practiceFreshness(deps.mirrors, deps.vendorRequests, deps.clock.now().getTime());
        return deps.metrics.render() + renderFreshness(practices);
      },
      {
        response: { 200: t.String({ description: "Prometheus text exposition format 0.0.4" }) },
        detail: { summary: "Prometheus metrics (admin token or METRICS_TOKEN)", tags: ["Operations"], security },
      },
    );
}
