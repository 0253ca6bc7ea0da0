import { Elysia, t } from "elysia";
import type { Patient } from "../../domain/patient";
import type { GatewayContext, GuardDeps } from "../../http/auth/guard";
import { authentication } from "../../http/auth/macro";
import type { StaffAuthDeps } from "../../http/auth/staff";
import type { RequestStates } from "../../http/request-state";
import { callContext, messageOf } from "../../http/vapi-message";
import { AppError } from "../../lib/errors";
import { type AnyOperation, operations } from "../../operations";
import type { OperationExecutor } from "../../operations/execute";
import { PatientId } from "../../operations/schema-parts";
import type { CallerGate } from "../vapi/caller-gate";
import { ErrorEnvelope, success } from "./model";

export type PmsModuleDeps = GuardDeps & StaffAuthDeps & { states: RequestStates; executor: OperationExecutor; gate: CallerGate };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const AccountQuery = {
  accountId: t.Optional(t.String({ maxLength: 128, description: "Clinic id (Vapi credentials on GET)" })),
  callId: t.Optional(t.String({ maxLength: 128, description: "The Vapi call this request belongs to (caller gate for Vapi credentials)" })),
};
const PatientParams = t.Object({ id: PatientId });

const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
  429: ErrorEnvelope,
  503: ErrorEnvelope,
};

const envelopeNote =
  'Body: the arguments object, or the call envelope `{"call": {"id", "metadata": {"accountId"}}, "data": {…}}`. ' +
  "Writes are idempotent with an `Idempotency-Key` header.";

function detail(op: AnyOperation) {
  return {
    summary: op.title,
    description: `${op.description}${op.write ? `\n\n${envelopeNote}` : ""}`,
    tags: [op.tag],
    operationId: op.name,
  };
}

/**
 * The eleven PMS operations over REST. Routes only translate HTTP to an operation call:
 * authentication, tenancy, audit and idempotency are the same code for every entry point.
 */
export function pmsModule(deps: PmsModuleDeps) {
  const run = async (
    op: AnyOperation,
    gateway: GatewayContext,
    request: Request,
    args: Record<string, unknown>,
    set: { status?: number | string },
    // The route's response schema checks the shape at runtime; `data` is typed per operation there.
    // biome-ignore lint/suspicious/noExplicitAny: each route's response schema types and checks `data` for its operation.
  ): Promise<{ data: any; summary: string }> => {
    const state = deps.states.require(request);
    const headerKey = request.headers.get("idempotency-key");
    if (headerKey !== null && !IDEMPOTENCY_KEY.test(headerKey)) {
      throw new AppError("VALIDATION", "Idempotency-Key: 1 to 128 visible ASCII characters");
    }
    const request_ = {
      operation: op,
      args,
      account: gateway.account,
      actor: gateway.principal.kind,
      requestId: state.requestId,
      callId: gateway.callId,
      toolCallId: null,
    };
    // The model drives REST requests made with a Vapi credential too: the same call-scoped gate applies,
    // unless the clinic switched it off for REST.
    const gated = gateway.principal.kind === "vapi" && gateway.account.restCallerGate;
    const scope = { account: gateway.account, callId: gateway.callId, callerNumber: callContext(messageOf(gateway.payload)).callerNumber };
    const admission = gated ? await deps.gate.admit(op, args, scope) : null;
    if (admission && !admission.ok) {
      await deps.executor.refuse(request_, admission.code, admission.message);
      throw new AppError(admission.code, admission.message, {}, true);
    }
    const outcome = await deps.executor.execute({
      ...request_,
      args: admission?.args ?? args,
      idempotencyKey: headerKey ? `rest:${headerKey}` : null,
      timing: state,
    });
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message, {}, true);
    set.status = outcome.status;
    if (admission && op.name === "search_patients") {
      return deps.gate.searchAnswer((outcome.data as { patients: Patient[] }).patients, admission, scope);
    }
    return { data: outcome.data, summary: outcome.summary };
  };

  const app = new Elysia({ name: "modules/pms", prefix: "/api/pms" }).use(authentication(deps));

  // Every route is generated from its operation's definition: method, path, argument and result schemas.
  for (const op of Object.values(operations) as AnyOperation[]) {
    const { method, path, pathParam, queryFallback } = op.rest;
    const input = pathParam ? t.Omit(op.input, [pathParam]) : op.input;
    const fromQuery = method === "GET";
    const hook = {
      // The operation is named first, so a refusal during authentication is audited under it.
      operation: op.name,
      auth: "pms" as const,
      ...(pathParam ? { params: PatientParams } : {}),
      ...(fromQuery
        ? { query: t.Composite([input, t.Object(AccountQuery)]) }
        : {
            body: input,
            ...(queryFallback ? { query: t.Object({ [queryFallback]: t.Optional(t.String({ minLength: 1, maxLength: 120 })), ...AccountQuery }) } : {}),
          }),
      response: { [op.successStatus]: success(op.output), ...errorResponses },
      detail: detail(op),
    };
    app.route(
      method,
      path,
      ((ctx: {
        gateway: GatewayContext;
        request: Request;
        query: Record<string, unknown>;
        body: unknown;
        params: Record<string, string>;
        set: { status?: number | string };
      }) => {
        const { accountId: _accountId, callId: _callId, ...query } = ctx.query;
        const args: Record<string, unknown> = fromQuery ? { ...query } : { ...(ctx.body as Record<string, unknown>) };
        if (pathParam) args[pathParam] = ctx.params.id;
        if (queryFallback && args[queryFallback] === undefined && query[queryFallback]) args[queryFallback] = query[queryFallback];
        return run(op, ctx.gateway, ctx.request, args, ctx.set);
      }) as never, // routes made in a loop: the response schema in `hook` checks the shape at runtime
      hook as never,
    );
  }
  return app;
}
