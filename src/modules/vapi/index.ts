import { Elysia, t } from "elysia";
import type { AccountRecord } from "../../accounts/service";
import { resolveAccount } from "../../http/auth/account-resolution";
import type { GuardDeps } from "../../http/auth/guard";
import { authentication } from "../../http/auth/macro";
import type { StaffAuthDeps } from "../../http/auth/staff";
import type { RequestStates } from "../../http/request-state";
import { callContext } from "../../http/vapi-message";
import { AppError } from "../../lib/errors";
import { operations } from "../../operations";
import type { OperationExecutor } from "../../operations/execute";
import { ErrorEnvelope } from "../pms/model";
import type { EndOfCallService } from "./end-of-call-service";
import { ServerMessageBody, WebhookResponse } from "./model";
import { errorText } from "./result-text";
import type { ToolCallService } from "./tool-call-service";
import { extractFunctionCall, extractToolCalls, type IncomingToolCall } from "./tool-calls";
import { buildPmsTools, PMS_SYSTEM_PROMPT_ADDITION } from "./tools/definitions";

export type VapiModuleDeps = GuardDeps &
  StaffAuthDeps & {
    executor: OperationExecutor;
    states: RequestStates;
    toolCalls: ToolCallService;
    endOfCall: EndOfCallService;
    publicUrl: string;
  };

/**
 * Vapi's server URL. Authentication failures are 401s Vapi can log; once a request is
 * authenticated the answer is always 200, and per-call problems come back as `error` strings.
 */
export function vapiModule(deps: VapiModuleDeps) {
  const tools = buildPmsTools(deps.publicUrl);

  /** The clinic of the message, or why not (with the clinic when it is known but over its rate budget). */
  async function resolve(request: Request, body: unknown): Promise<{ account: AccountRecord | null; error: AppError | null }> {
    const state = deps.states.require(request);
    try {
      const account = await resolveAccount(
        deps.states.principal(request),
        { payload: body, headerAccountId: request.headers.get("x-account-id") },
        deps.accounts,
      );
      state.account = account;
      const budget = deps.perAccount.hit(account.id);
      if (!budget.allowed) return { account, error: new AppError("RATE_LIMITED", "Too many requests for this clinic; try again shortly.") };
      return { account, error: null };
    } catch (e) {
      if (e instanceof AppError) return { account: null, error: e };
      throw e;
    }
  }
  const accountFor = async (request: Request, body: unknown): Promise<AccountRecord | AppError> => {
    const { account, error } = await resolve(request, body);
    if (error || !account) return error ?? new AppError("ACCOUNT_REQUIRED", "Say which clinic this request is for.");
    return account;
  };

  /** Every tool call of a message that cannot run still leaves its own audit row. */
  const failAll = async (request: Request, message: Record<string, unknown>, calls: IncomingToolCall[], account: AccountRecord | null, e: AppError) => {
    const state = deps.states.require(request);
    const callId = callContext(message).callId;
    const results = [];
    for (const c of calls) {
      const outcome = await deps.executor.refuseUnknown(
        {
          account,
          action: c.name in operations ? c.name : "unknown_tool",
          actor: state.principal?.kind ?? "vapi",
          requestId: state.requestId,
          callId,
          toolCallId: c.id || null,
        },
        e.code,
        e.message,
      );
      results.push({ toolCallId: c.id, name: c.name, ...(outcome.ok ? { result: "" } : { error: errorText(outcome.code, outcome.message) }) });
    }
    return results;
  };

  return new Elysia({ name: "modules/vapi", prefix: "/api/vapi" })
    .use(authentication(deps))
    .post(
      "/webhook",
      async ({ body, request }) => {
        const state = deps.states.require(request);
        const message = body.message as Record<string, unknown>;
        switch (message.type) {
          case "tool-calls": {
            const calls = extractToolCalls(message);
            const { account, error } = await resolve(request, body);
            if (error || !account) return { results: await failAll(request, message, calls, account, error ?? new AppError("ACCOUNT_REQUIRED", "No clinic.")) };
            return {
              results: await deps.toolCalls.run({
                calls,
                message,
                account,
                principal: deps.states.principal(request),
                requestId: state.requestId,
                timing: state,
              }),
            };
          }
          case "function-call": {
            const call = extractFunctionCall(message);
            if (!call) return { result: errorText("VALIDATION", "functionCall.name is missing.") };
            const { account, error } = await resolve(request, body);
            if (error || !account) {
              const [failed] = await failAll(request, message, [call], account, error ?? new AppError("ACCOUNT_REQUIRED", "No clinic."));
              return { result: failed && "error" in failed ? failed.error : "" };
            }
            const [only] = await deps.toolCalls.run({
              calls: [call],
              message,
              account,
              principal: deps.states.principal(request),
              requestId: state.requestId,
              timing: state,
            });
            return { result: only?.result ?? only?.error ?? "" };
          }
          case "assistant-request": {
            // Vapi waits at most 7.5 s for this answer before the call fails: one indexed lookup, no PMS call.
            const account = await accountFor(request, body);
            if (account instanceof AppError) return { error: "This phone number is not connected to a clinic on the gateway." };
            const assistantId = account.vapiAssistantIds[0];
            return assistantId ? { assistantId } : { error: "The clinic has no assistant registered for this number." };
          }
          case "transfer-destination-request": {
            const account = await accountFor(request, body);
            if (account instanceof AppError) return { error: "This call is not connected to a clinic on the gateway." };
            if (!account.frontDeskNumber) return { error: "The clinic has no front-desk number to transfer to." };
            return {
              destination: { type: "number" as const, number: account.frontDeskNumber },
              message: "Let me get you to the front desk. One moment.",
            };
          }
          case "end-of-call-report": {
            const account = await accountFor(request, body);
            if (!(account instanceof AppError)) await deps.endOfCall.handle(message, account, state.requestId);
            return {};
          }
          default:
            return {};
        }
      },
      {
        auth: "vapi",
        body: ServerMessageBody,
        response: { 200: WebhookResponse, 401: ErrorEnvelope, 413: ErrorEnvelope, 429: ErrorEnvelope },
        detail: {
          summary: "Vapi server URL: tool calls and other server messages",
          description:
            "`tool-calls` → `{results: [{toolCallId, name, result|error}]}` in the order received; " +
            "`end-of-call-report` is stored once per call; every other type → `{}`.",
          tags: ["Vapi"],
        },
      },
    )
    .get(
      "/tools",
      async () => {
        return { tools, systemPromptAddition: PMS_SYSTEM_PROMPT_ADDITION };
      },
      {
        auth: "vapi",
        response: { 200: t.Object({ tools: t.Array(t.Unknown()), systemPromptAddition: t.String() }), 401: ErrorEnvelope },
        detail: { summary: "The PMS function tools and system-prompt addition for a Vapi assistant", tags: ["Vapi"] },
      },
    );
}
