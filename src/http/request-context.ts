import { Elysia, ValidationError } from "elysia";
import type { AuditLog } from "../audit/audit-log";
import { AppError, type ErrorCode, errorStatus } from "../lib/errors";
import { newId } from "../lib/ids";
import { type Logger, requestLineWriter } from "../lib/logger";
import type { Metrics } from "../lib/metrics";
import { checkDeclaredLength } from "./body";
import type { ClientIpResolver } from "./client-ip";
import { errorBody } from "./error-envelope";
import type { RateLimiter } from "./rate-limit";
import type { RequestStates } from "./request-state";

export type RequestContextDeps = {
  metrics: Metrics;
  states: RequestStates;
  logger: Logger;
  audit: AuditLog;
  clientIp: ClientIpResolver;
  /** Counts requests that fail authentication, per client address. */
  failedAuthByIp: RateLimiter;
};

/** Names the failing fields and the rule, never the submitted value (it may be PHI or card data). */
function validationMessage(error: ValidationError): string {
  const problems = error.all.slice(0, 5).map((e) => {
    const path = "path" in e && e.path ? e.path.replace(/^\//, "").replaceAll("/", ".") : error.type;
    const message = "message" in e ? e.message : "is invalid";
    return `${path || error.type}: ${message}`;
  });
  return [...new Set(problems)].join("; ") || "The request is invalid.";
}

function classify(code: string | number, error: unknown): { code: ErrorCode; message: string; headers: Record<string, string> } {
  // Elysia wraps whatever a parse hook throws (our authentication, body cap and JSON errors) in a ParseError.
  if (code === "PARSE" && (error as Error).cause instanceof AppError) return classify("", (error as Error).cause);
  if (error instanceof AppError) return { code: error.code, message: error.message, headers: error.headers };
  if (error instanceof ValidationError) return { code: "VALIDATION", message: validationMessage(error), headers: {} };
  if (code === "NOT_FOUND") return { code: "NOT_FOUND", message: "No such route.", headers: {} };
  if (code === "PARSE") return { code: "VALIDATION", message: "The request body could not be parsed.", headers: {} };
  return { code: "INTERNAL", message: "Something went wrong on our side. Please try again.", headers: {} };
}

/**
 * Request id, access log and the one error envelope for the whole app. The access log holds the
 * method, route, status, time and ids only: never a body, a query string or a credential.
 */
export const requestContext = (deps: RequestContextDeps) => {
  const requestLine = requestLineWriter(deps.logger);
  return new Elysia({ name: "http/request-context" })
    .onRequest(({ request, set }) => {
      const requestId = newId("request");
      set.headers["x-request-id"] = requestId;
      // The address is only needed when authentication fails: looked up then (it asks the socket).
      let clientIp: string | undefined;
      deps.states.start(request, {
        requestId,
        startedAt: performance.now(),
        get clientIp() {
          clientIp ??= deps.clientIp(request);
          return clientIp;
        },
      });
      checkDeclaredLength(request);
    })
    .onError({ as: "global" }, async ({ code, error, request }) => {
      const state = deps.states.get(request);
      const requestId = state?.requestId ?? newId("request");
      const failure = classify(code, error);
      const status = errorStatus[failure.code];
      if (failure.code === "INTERNAL") {
        deps.logger.error({ requestId, errorName: (error as Error)?.name, elysiaCode: code }, "unhandled error");
      }
      if (failure.code === "UNAUTHORIZED" && state) deps.failedAuthByIp.hit(state.clientIp);
      // A refused PMS operation (bad input, card data, rate limit…) still leaves its audit row.
      if (state) state.errorStatus = status;
      const audited = error instanceof AppError && error.audited;
      if (state?.account && state.action && !audited) {
        // The refusal is answered either way; a failed audit write is logged, never turned into a crash.
        await deps.audit
          .write({
            kind: "operation",
            ok: false,
            code: failure.code,
            action: state.action,
            accountId: state.account.id,
            callId: state.callId ?? null,
            requestId,
            actor: state.principal?.kind ?? "system",
            startedAt: state.startedAt,
          })
          .catch((e) => deps.logger.error({ requestId, errorName: (e as Error)?.name }, "audit write failed"));
      }
      return new Response(JSON.stringify(errorBody(failure.code, failure.message, requestId)), {
        status,
        headers: { "content-type": "application/json", "x-request-id": requestId, ...failure.headers },
      });
    })
    .onAfterResponse({ as: "global" }, ({ request, route, set, responseValue }) => {
      const state = deps.states.get(request);
      const status = state?.errorStatus ?? (responseValue instanceof Response ? responseValue.status : typeof set.status === "number" ? set.status : 200);
      if (state) deps.metrics.observeRequest(request.method, route || "unmatched", status, (performance.now() - state.startedAt) / 1000);
      requestLine({
        method: request.method,
        route: route || "unmatched",
        status,
        ms: state ? Math.round((performance.now() - state.startedAt) * 10) / 10 : undefined,
        pmsMs: state?.pmsMs === undefined ? undefined : Math.round(state.pmsMs * 10) / 10,
        requestId: state?.requestId,
        accountId: state?.account?.id,
      });
    });
};
