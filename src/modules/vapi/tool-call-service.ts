import type { Principal } from "../../accounts/principal";
import type { AccountRecord } from "../../accounts/service";
import { containsCardData } from "../../domain/card-data";
import { containsNul, isIdentifier } from "../../domain/identifiers";
import type { Patient } from "../../domain/patient";
import { callContext } from "../../http/vapi-message";
import { type AnyOperation, operations } from "../../operations";
import type { OperationExecutor, PmsTiming } from "../../operations/execute";
import { intentKeyOf } from "../../operations/intent";
import { prepareArguments } from "./arguments";
import type { CallerGate } from "./caller-gate";
import type { ToolCallResultValue } from "./model";
import { outcomeText, resultText } from "./result-text";
import { type IncomingToolCall, parseArguments } from "./tool-calls";
import type { CallVerifications } from "./verifications";

export const MAX_TOOL_CALLS_PER_MESSAGE = 20;

export type ToolCallBatch = {
  calls: IncomingToolCall[];
  message: Record<string, unknown>;
  account: AccountRecord;
  principal: Principal;
  requestId: string;
  /** The request's running total of time spent in the connector (its access-log line reports it). */
  timing: PmsTiming;
};

/**
 * Runs a Vapi tool-calls message: each call through the same operations, validation, idempotency and
 * audit as REST, in order (a search that verifies the caller unlocks the calls after it), plus the
 * caller-verification gate that keeps PHI from anyone who has not proved who they are.
 */
export class ToolCallService {
  constructor(private readonly deps: { executor: OperationExecutor; gate: CallerGate; verifications: CallVerifications }) {}

  async run(batch: ToolCallBatch): Promise<ToolCallResultValue[]> {
    const results: ToolCallResultValue[] = [];
    for (const [index, call] of batch.calls.entries()) {
      if (index >= MAX_TOOL_CALLS_PER_MESSAGE) {
        const outcome = await this.deps.executor.refuseUnknown(
          {
            account: batch.account,
            action: call.name in operations ? call.name : "unknown_tool",
            actor: batch.principal.kind,
            requestId: batch.requestId,
            callId: callContext(batch.message).callId,
            toolCallId: call.id || null,
          },
          "VALIDATION",
          `At most ${MAX_TOOL_CALLS_PER_MESSAGE} tool calls per message.`,
        );
        results.push({ toolCallId: call.id, name: call.name, ...outcomeText(outcome) });
        continue;
      }
      results.push({ toolCallId: call.id, name: call.name, ...(await this.runOne(call, batch)) });
    }
    return results;
  }

  private async runOne(call: IncomingToolCall, batch: ToolCallBatch): Promise<{ result: string } | { error: string }> {
    const started = performance.now();
    const ctx = callContext(batch.message);
    const operation = (operations as Record<string, AnyOperation>)[call.name];
    const refusal = { account: batch.account, actor: batch.principal.kind, requestId: batch.requestId, callId: ctx.callId, toolCallId: call.id || null };
    if (!operation) {
      const known = Object.keys(operations).join(", ");
      const outcome = await this.deps.executor.refuseUnknown(
        { ...refusal, action: "unknown_tool" },
        "UNKNOWN_TOOL",
        `There is no tool named "${call.name.slice(0, 80)}". Known tools: ${known}.`,
        started,
      );
      return outcomeText(outcome);
    }
    const parsed = parseArguments(call.rawArguments);
    const rawArgs = parsed.ok ? parsed.args : {};
    const request = { operation, args: rawArgs, ...refusal };
    const refuse = async (code: Parameters<OperationExecutor["refuse"]>[1], message: string) =>
      outcomeText(await this.deps.executor.refuse(request, code, message, started));

    if (!parsed.ok) return refuse("VALIDATION", "The tool arguments are not a JSON object.");
    if (call.id && !isIdentifier(call.id)) return refuse("VALIDATION", "The tool-call id must be 1 to 128 printable characters.");
    if (containsNul(rawArgs)) return refuse("VALIDATION", "Text must not contain NUL characters.");
    if (containsCardData(rawArgs))
      return refuse("CARD_DATA_NOT_ALLOWED", "Card numbers and security codes must never be taken over the phone line; use a payment token.");
    const prepared = prepareArguments(operation.input, rawArgs);
    if (!prepared.ok) return refuse("VALIDATION", prepared.message);

    const scope = { account: batch.account, callId: ctx.callId, callerNumber: ctx.callerNumber };
    const admission = await this.deps.gate.admit(operation, prepared.args, scope);
    if (!admission.ok) return refuse(admission.code, admission.message);

    const outcome = await this.deps.executor.execute({
      ...request,
      args: admission.args,
      idempotencyKey: call.id ? `vapi:${call.id}` : null,
      intentKey: intentKeyOf(operation, admission.args, ctx.callId, batch.account.timezone),
      timing: batch.timing,
    });
    if (!outcome.ok) return outcomeText(outcome);
    if (operation.name === "search_patients") {
      const answer = await this.deps.gate.searchAnswer((outcome.data as { patients: Patient[] }).patients, admission, scope);
      return { result: resultText(answer.summary, answer.data) };
    }
    if (operation.name === "create_patient" && ctx.callId) {
      const patient = (outcome.data as { patient: Patient }).patient;
      // A patient still pending in the PMS has no id yet; there is nothing to unlock until it exists.
      if (patient.id) await this.deps.verifications.verify(batch.account.id, ctx.callId, patient.id, "created");
    }
    return outcomeText(outcome);
  }
}
