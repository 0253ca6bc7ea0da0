import { Elysia, type TSchema, t } from "elysia";
import type { Patient } from "../../domain/patient";
import { admitPmsRequest, authenticateBody, type GatewayContext, type GuardDeps, unwrapEnvelope } from "../../http/auth/guard";
import type { RequestStates } from "../../http/request-state";
import { AppError } from "../../lib/errors";
import { type AnyOperation, operations } from "../../operations";
import { NoteResult } from "../../operations/add-patient-note";
import { AppointmentResult } from "../../operations/book-appointment";
import { AvailabilityResult } from "../../operations/check-availability";
import type { OperationExecutor } from "../../operations/execute";
import { PatientResult } from "../../operations/get-patient";
import { BalanceResult } from "../../operations/get-patient-balance";
import { InsuranceResult } from "../../operations/get-patient-insurance";
import { PaymentResult } from "../../operations/process-payment";
import { PatientId } from "../../operations/schema-parts";
import { PatientsResult } from "../../operations/search-patients";
import { callContext } from "../vapi/call-context";
import type { CallerGate } from "../vapi/caller-gate";
import { ErrorEnvelope, success } from "./model";

const messageOf = (payload: unknown): Record<string, unknown> => {
  const root = payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  const message = root.message && typeof root.message === "object" ? (root.message as Record<string, unknown>) : null;
  return message ?? root;
};

export type PmsModuleDeps = GuardDeps & { states: RequestStates; executor: OperationExecutor; gate: CallerGate };

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
  'Body: the arguments object, or the seed envelope `{"call": {"id", "metadata": {"accountId"}}, "data": {…}}`. ' +
  "Writes are idempotent with an `Idempotency-Key` header.";

function detail(op: AnyOperation) {
  return {
    summary: op.title,
    description: `${op.description}${op.write ? `\n\n${envelopeNote}` : ""}`,
    tags: [op.name.includes("appointment") || op.name === "check_availability" ? "Appointments" : "Patients"],
    operationId: op.name,
    security: [{ vapiSignature: [] }, { vapiSecret: [] }, { bearer: [] }] as Array<Record<string, string[]>>,
  };
}

/**
 * The eleven PMS operations over REST (contract §2). Routes only translate HTTP to an operation call:
 * authentication, tenancy, audit and idempotency are the same code for every entry point.
 */
export function pmsModule(deps: PmsModuleDeps) {
  const actions = new Map<string, AnyOperation>();
  const register = (method: string, path: string, op: AnyOperation) => {
    actions.set(`${method} /api/pms${path}`, op);
    return op;
  };
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
      state.audited = true;
      throw new AppError(admission.code, admission.message);
    }
    const outcome = await deps.executor.execute({
      ...request_,
      args: admission?.args ?? args,
      idempotencyKey: headerKey ? `rest:${headerKey}` : null,
    });
    state.audited = true;
    if (!outcome.ok) throw new AppError(outcome.code, outcome.message);
    set.status = outcome.status;
    if (admission && op.name === "search_patients") {
      return deps.gate.searchAnswer((outcome.data as { patients: Patient[] }).patients, admission, scope);
    }
    return { data: outcome.data, summary: outcome.summary };
  };

  const o = operations;
  register("GET", "/appointments/availability", o.check_availability);
  register("POST", "/appointments", o.book_appointment);
  register("PATCH", "/appointments", o.reschedule_appointment);
  register("DELETE", "/appointments", o.cancel_appointment);
  register("POST", "/patients/search", o.search_patients);
  register("GET", "/patients/:id", o.get_patient);
  register("POST", "/patients", o.create_patient);
  register("POST", "/patients/:id/notes", o.add_patient_note);
  register("GET", "/patients/:id/balance", o.get_patient_balance);
  register("GET", "/patients/:id/insurance", o.get_patient_insurance);
  register("POST", "/payments", o.process_payment);

  // Our onParse hook (authenticate, then JSON) runs first; naming "json" too tells the OpenAPI document the content type.
  const jsonBody = { parse: "json" as const };
  const withoutPatientId = (schema: TSchema) => t.Omit(schema as never, ["patientId"]);

  return new Elysia({ name: "modules/pms", prefix: "/api/pms" })
    .onParse(({ request }) => authenticateBody(deps, request))
    .derive(async (ctx) => {
      const { args, payload } = unwrapEnvelope(ctx.body);
      const gateway = await admitPmsRequest(deps, {
        request: ctx.request,
        payload,
        args,
        query: ctx.query as Record<string, unknown>,
        action: actions.get(`${ctx.request.method} ${ctx.route}`)?.name,
      });
      // Validation then applies to the bare arguments, whichever form the body came in.
      if (ctx.body !== undefined) ctx.body = args;
      return { gateway };
    })
    .get(
      "/appointments/availability",
      ({ gateway, request, query, set }) => {
        const { accountId: _accountId, callId: _callId, ...args } = query;
        return run(o.check_availability, gateway, request, args, set);
      },
      {
        query: t.Composite([o.check_availability.input, t.Object(AccountQuery)]),
        response: { 200: success(AvailabilityResult), ...errorResponses },
        detail: detail(o.check_availability),
      },
    )
    .post("/appointments", ({ gateway, request, body, set }) => run(o.book_appointment, gateway, request, body, set), {
      ...jsonBody,
      body: o.book_appointment.input,
      response: { 201: success(AppointmentResult), ...errorResponses },
      detail: detail(o.book_appointment),
    })
    .patch("/appointments", ({ gateway, request, body, set }) => run(o.reschedule_appointment, gateway, request, body, set), {
      ...jsonBody,
      body: o.reschedule_appointment.input,
      response: { 200: success(AppointmentResult), ...errorResponses },
      detail: detail(o.reschedule_appointment),
    })
    .delete("/appointments", ({ gateway, request, body, set }) => run(o.cancel_appointment, gateway, request, body, set), {
      ...jsonBody,
      body: o.cancel_appointment.input,
      response: { 200: success(AppointmentResult), ...errorResponses },
      detail: detail(o.cancel_appointment),
    })
    .post(
      "/patients/search",
      ({ gateway, request, body, query, set }) =>
        run(o.search_patients, gateway, request, { ...body, ...(body.query === undefined && query.query ? { query: query.query } : {}) }, set),
      {
        ...jsonBody,
        body: o.search_patients.input,
        query: t.Object({ query: t.Optional(t.String({ minLength: 1, maxLength: 120 })), ...AccountQuery }),
        response: { 200: success(PatientsResult), ...errorResponses },
        detail: detail(o.search_patients),
      },
    )
    .get("/patients/:id", ({ gateway, request, params, set }) => run(o.get_patient, gateway, request, { patientId: params.id }, set), {
      params: PatientParams,
      query: t.Object(AccountQuery),
      response: { 200: success(PatientResult), ...errorResponses },
      detail: detail(o.get_patient),
    })
    .post("/patients", ({ gateway, request, body, set }) => run(o.create_patient, gateway, request, body, set), {
      ...jsonBody,
      body: o.create_patient.input,
      response: { 201: success(PatientResult), ...errorResponses },
      detail: detail(o.create_patient),
    })
    .post(
      "/patients/:id/notes",
      ({ gateway, request, params, body, set }) => run(o.add_patient_note, gateway, request, { ...body, patientId: params.id }, set),
      {
        params: PatientParams,
        ...jsonBody,
        body: withoutPatientId(o.add_patient_note.input) as never as typeof o.add_patient_note.input,
        response: { 201: success(NoteResult), ...errorResponses },
        detail: detail(o.add_patient_note),
      },
    )
    .get("/patients/:id/balance", ({ gateway, request, params, set }) => run(o.get_patient_balance, gateway, request, { patientId: params.id }, set), {
      params: PatientParams,
      query: t.Object(AccountQuery),
      response: { 200: success(BalanceResult), ...errorResponses },
      detail: detail(o.get_patient_balance),
    })
    .get("/patients/:id/insurance", ({ gateway, request, params, set }) => run(o.get_patient_insurance, gateway, request, { patientId: params.id }, set), {
      params: PatientParams,
      query: t.Object(AccountQuery),
      response: { 200: success(InsuranceResult), ...errorResponses },
      detail: detail(o.get_patient_insurance),
    })
    .post("/payments", ({ gateway, request, body, set }) => run(o.process_payment, gateway, request, body, set), {
      ...jsonBody,
      body: o.process_payment.input,
      response: { 201: success(PaymentResult), ...errorResponses },
      detail: detail(o.process_payment),
    });
}
