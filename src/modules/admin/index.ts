import { Elysia, t } from "elysia";
import { AccountModel, CreateAccountBody, UpdateAccountBody } from "../../accounts/model";
import { type AccountRecord, type AccountService, practiceOf } from "../../accounts/service";
import type { AuditLog, AuditRow } from "../../audit/audit-log";
import type { PmsIntegrations } from "../../connections/pms-connections";
import type { GuardDeps } from "../../http/auth/guard";
import { authentication } from "../../http/auth/macro";
import { requireAccountAccess, scopedAccountId } from "../../http/auth/staff";
import { parseJsonBody, readBodyCapped } from "../../http/body";
import type { RateLimiter } from "../../http/rate-limit";
import type { RequestStates } from "../../http/request-state";
import { type Clock, sqlTimeFromIso } from "../../lib/clock";
import { AppError } from "../../lib/errors";
import { ErrorEnvelope } from "../pms/model";
import type { CallReports } from "../vapi/call-reports";

export type AdminModuleDeps = GuardDeps & {
  accounts: AccountService;
  callReports: CallReports;
  integrations: PmsIntegrations;
  audit: AuditLog;
  clock: Clock;
  states: RequestStates;
  failedAuthByIp: RateLimiter;
  jwtSecret: string;
};

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope, 404: ErrorEnvelope };
const security = [{ bearer: [] }];
const SqlTime = t.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?)?Z?$",
  description: "UTC, e.g. 2026-11-25 or 2026-11-25T14:00:00",
});

/** The filters every admin listing takes (a clinic token is always scoped to its own clinic). */
const listingQuery = {
  accountId: t.Optional(t.String({ maxLength: 200 })),
  from: t.Optional(SqlTime),
  to: t.Optional(SqlTime),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000, default: 100 })),
};

const AuditLogModel = t.Object({
  id: t.Integer(),
  accountId: t.Union([t.String(), t.Null()]),
  callId: t.Union([t.String(), t.Null()]),
  toolCallId: t.Union([t.String(), t.Null()]),
  action: t.String(),
  patientId: t.Union([t.String(), t.Null()]),
  phiAccessed: t.Boolean(),
  success: t.Boolean(),
  statusCode: t.Integer(),
  errorCode: t.Union([t.String(), t.Null()]),
  responseTime: t.Integer({ description: "milliseconds" }),
  requestId: t.String(),
  actor: t.String(),
  createdAt: t.String(),
});

/** Admin and clinic-IT routes. */
export function adminModule(deps: AdminModuleDeps) {
  const present = async (a: AccountRecord) => ({
    id: a.id,
    name: a.name,
    timezone: a.timezone,
    currency: a.currency,
    officeHours: a.officeHours,
    defaultDurationMinutes: a.defaultDurationMinutes,
    slotStepMinutes: a.slotStepMinutes,
    appointmentTypes: a.appointmentTypes,
    vapiPhoneNumberIds: a.vapiPhoneNumberIds,
    vapiAssistantIds: a.vapiAssistantIds,
    vapiPhoneNumbers: a.vapiPhoneNumbers,
    frontDeskNumber: a.frontDeskNumber,
    enabled: a.enabled,
    callSummaryNotes: a.callSummaryNotes,
    phonePayments: a.phonePayments,
    allowPrepayment: a.allowPrepayment,
    restCallerGate: a.restCallerGate,
    pms: await deps.integrations.status(a.id),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  });
  const load = async (id: string) => {
    const account = await deps.accounts.get(id);
    if (!account) throw new AppError("ACCOUNT_NOT_FOUND", "No such clinic.");
    return account;
  };

  return (
    new Elysia({ name: "modules/admin", prefix: "/api/admin" })
      // Bodies are read through the same 1 MiB cap as every other route (chunked ones included).
      .onParse(async ({ request }) => parseJsonBody(await readBodyCapped(request)))
      .use(authentication(deps))
      .post(
        "/accounts",
        async ({ principal: staff, body, set }) => {
          set.status = 201;
          return { account: await present(await deps.accounts.create(body)) };
        },
        {
          auth: "admin",
          parse: "json",
          body: CreateAccountBody,
          response: { 201: t.Object({ account: AccountModel }), ...errors },
          detail: { summary: "Create a clinic account", tags: ["Admin"], security },
        },
      )
      .get(
        "/accounts",
        async ({ principal: staff }) => {
          return { accounts: await Promise.all((await deps.accounts.list()).map(present)) };
        },
        {
          auth: "admin",
          response: { 200: t.Object({ accounts: t.Array(AccountModel) }), ...errors },
          detail: { summary: "List clinic accounts", tags: ["Admin"], security },
        },
      )
      .get(
        "/accounts/:id",
        async ({ principal: staff, params }) => {
          requireAccountAccess(staff, params.id);
          return { account: await present(await load(params.id)) };
        },
        {
          auth: "staff",
          response: { 200: t.Object({ account: AccountModel }), ...errors },
          detail: { summary: "Get a clinic account", tags: ["Admin"], security },
        },
      )
      .patch(
        "/accounts/:id",
        async ({ principal: staff, params, body, request }) => {
          const started = performance.now();
          const before = await deps.accounts.get(params.id);
          const updated = await deps.accounts.update(params.id, body);
          if (!updated) throw new AppError("ACCOUNT_NOT_FOUND", "No such clinic.");
          // Turning the REST caller gate off (or on) changes who may read PHI: it is on the record.
          if (body.restCallerGate !== undefined && before?.restCallerGate !== body.restCallerGate) {
            await deps.audit.write({
              kind: "setting_changed",
              action: body.restCallerGate ? "rest_caller_gate_on" : "rest_caller_gate_off",
              accountId: updated.id,
              requestId: deps.states.get(request)?.requestId ?? "",
              actor: staff.kind,
              startedAt: started,
            });
          }
          return { account: await present(updated) };
        },
        {
          auth: "admin",
          parse: "json",
          body: UpdateAccountBody,
          response: { 200: t.Object({ account: AccountModel }), ...errors },
          detail: { summary: "Update a clinic account (settings, Vapi ids, enabled)", tags: ["Admin"], security },
        },
      )
      .put(
        "/accounts/:id/pms",
        async ({ principal: staff, params, body }) => {
          const account = await load(params.id);
          return { pms: await deps.integrations.configure(practiceOf(account), body.provider, body.credentials) };
        },
        {
          auth: "admin",
          parse: "json",
          body: t.Object({
            provider: t.String({ minLength: 1, maxLength: 40, examples: ["sandbox", "sikka", "nexhealth"] }),
            // Each connector checks the exact shape of its own credentials.
            credentials: t.Record(t.String({ maxLength: 64 }), t.Union([t.String({ maxLength: 2000 }), t.Integer()]), {
              maxProperties: 20,
              description:
                "Write-only: stored encrypted and never returned. Sandbox takes {}; Sikka takes officeId, secretKey, practiceId, custId?; NexHealth takes subdomain, locationId (integer or numeric string)",
            }),
          }),
          response: {
            200: t.Object({
              pms: t.Object({
                provider: t.Union([t.String(), t.Null()]),
                configured: t.Boolean(),
                updatedAt: t.Union([t.String(), t.Null()]),
                warnings: t.Array(t.String(), { description: "Things the clinic's IT should check, e.g. a time zone that disagrees" }),
              }),
            }),
            ...errors,
          },
          detail: { summary: "Connect a clinic's PMS (credentials are write-only)", tags: ["Admin"], security },
        },
      )
      .get(
        "/call-reports",
        async ({ principal: staff, query }) => {
          const accountId = scopedAccountId(staff, query.accountId);
          const rows = await deps.callReports.list({
            limit: query.limit ?? 100,
            ...(accountId ? { accountId } : {}),
            ...(query.from ? { from: sqlTimeFromIso(query.from) } : {}),
            ...(query.to ? { to: sqlTimeFromIso(query.to) } : {}),
          });
          return { callReports: rows };
        },
        {
          auth: "staff",
          query: t.Object(listingQuery),
          response: {
            200: t.Object({
              callReports: t.Array(
                t.Object({
                  id: t.Integer(),
                  accountId: t.String(),
                  callId: t.String(),
                  endedReason: t.Union([t.String(), t.Null()]),
                  durationSeconds: t.Union([t.Integer(), t.Null()]),
                  summary: t.Union([t.String(), t.Null()]),
                  patientIds: t.Array(t.String()),
                  summaryNoteId: t.Union([t.String(), t.Null()]),
                  createdAt: t.String(),
                }),
              ),
            }),
            ...errors,
          },
          detail: { summary: "Stored end-of-call reports (no transcript text)", tags: ["Admin"], security },
        },
      )
      .get(
        "/audit-logs",
        async ({ principal: staff, query }) => {
          const accountId = scopedAccountId(staff, query.accountId);
          const rows: AuditRow[] = await deps.audit.list({
            limit: query.limit ?? 100,
            ...(accountId ? { accountId } : {}),
            ...(query.action ? { action: query.action } : {}),
            ...(query.from ? { from: sqlTimeFromIso(query.from) } : {}),
            ...(query.to ? { to: sqlTimeFromIso(query.to) } : {}),
          });
          return { auditLogs: rows };
        },
        {
          auth: "staff",
          query: t.Object({ ...listingQuery, action: t.Optional(t.String({ maxLength: 40 })) }),
          response: { 200: t.Object({ auditLogs: t.Array(AuditLogModel) }), ...errors },
          detail: { summary: "List audit-log rows, newest first (no bodies, ids only)", tags: ["Admin"], security },
        },
      )
  );
}
