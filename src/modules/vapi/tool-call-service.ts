import { createHash } from "node:crypto";
import { containsCardData } from "../../domain/card-data";
import { containsNul, isIdentifier } from "../../domain/identifiers";
import { parseInstant } from "../../domain/time";
import type { Patient } from "../../domain/patient";
import type { Principal } from "../../http/auth/principal";
import type { PmsIntegrations } from "../../integrations/pms-integrations";
import { type AnyOperation, operations } from "../../operations";
import type { ExecuteOutcome, OperationExecutor } from "../../operations/execute";
import type { ToolName } from "../../operations/operation";
import { type AccountRecord, practiceOf } from "../accounts/service";
import { prepareArguments } from "./arguments";
import { type CallContext, callContext, STATIC_PARAMETER_KEYS } from "./call-context";
import type { ToolCallResultValue } from "./model";
import { errorText, outcomeText, resultText } from "./result-text";
import { type IncomingToolCall, parseArguments } from "./tool-calls";
import type { CallVerifications } from "./verifications";

/** Tools that reveal or change one patient's data: only for a patient verified in this call. */
const PATIENT_GATED: ReadonlySet<ToolName> = new Set([
  "get_patient",
  "get_patient_balance",
  "get_patient_insurance",
  "add_patient_note",
  "process_payment",
  "book_appointment",
]);
const APPOINTMENT_GATED: ReadonlySet<ToolName> = new Set(["reschedule_appointment", "cancel_appointment"]);

export const MAX_TOOL_CALLS_PER_MESSAGE = 20;

/**
 * What makes two writes in one call "the same request" even under different tool-call ids: the model
 * re-asking after a slow answer must not book twice, charge twice or register a patient twice.
 */
function intentKey(name: ToolName, args: Record<string, unknown>, callId: string | null, timezone: string): string | null {
  if (!callId) return null;
  // Hashed: the key is stored, and a note's text or a patient's name must not sit in it in clear.
  const hashed = (intent: string) => `vapi-intent:${createHash("sha256").update(intent).digest("hex")}`;
  const at = (v: unknown) => (typeof v === "string" ? (parseInstant(v, timezone)?.toISOString() ?? v) : "");
  const low = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : "");
  switch (name) {
    case "book_appointment":
      return hashed(`${callId}:book:${args.patientId}:${at(args.start)}:${args.providerId ?? "any"}`);
    case "process_payment":
      return hashed(`${callId}:pay:${args.patientId}:${args.amount}:${args.method}`);
    case "create_patient":
      return hashed(`${callId}:create:${low(args.firstName)}:${low(args.lastName)}:${args.dateOfBirth}`);
    case "add_patient_note":
      return hashed(`${callId}:note:${args.patientId}:${low(args.text)}`);
    default:
      return null;
  }
}

const VERIFY_FIRST =
  "Verify the caller first: ask for their first name, last name and date of birth, then call search_patients with firstName, lastName and dateOfBirth.";

const sameName = (a: string, b: string) => a.trim().localeCompare(b.trim(), "en", { sensitivity: "base" }) === 0;

export type ToolCallBatch = {
  calls: IncomingToolCall[];
  message: Record<string, unknown>;
  account: AccountRecord;
  principal: Principal;
  requestId: string;
};

/**
 * Runs a Vapi tool-calls message: each call through the same operations, validation, idempotency and
 * audit as REST, in order (a search that verifies the caller unlocks the calls after it), plus the
 * caller-verification gate that keeps PHI from anyone who has not proved who they are.
 */
export class ToolCallService {
  constructor(
    private readonly deps: { executor: OperationExecutor; integrations: PmsIntegrations; verifications: CallVerifications },
  ) {}

  async run(batch: ToolCallBatch): Promise<ToolCallResultValue[]> {
    const results: ToolCallResultValue[] = [];
    for (const [index, call] of batch.calls.entries()) {
      if (index >= MAX_TOOL_CALLS_PER_MESSAGE) {
        results.push({ toolCallId: call.id, name: call.name, error: errorText("VALIDATION", `At most ${MAX_TOOL_CALLS_PER_MESSAGE} tool calls per message.`) });
        continue;
      }
      results.push({ toolCallId: call.id, name: call.name, ...(await this.runOne(call, batch)) });
    }
    return results;
  }

  private async runOne(call: IncomingToolCall, batch: ToolCallBatch): Promise<{ result: string } | { error: string }> {
    const started = performance.now();
    const operation = (operations as Record<string, AnyOperation>)[call.name];
    if (!operation) {
      return { error: errorText("UNKNOWN_TOOL", `There is no tool named "${call.name.slice(0, 80)}". Known tools: ${Object.keys(operations).join(", ")}.`) };
    }
    const parsed = parseArguments(call.rawArguments);
    const rawArgs = parsed.ok ? parsed.args : {};
    const staticArgs = Object.fromEntries(STATIC_PARAMETER_KEYS.filter((k) => k in rawArgs).map((k) => [k, rawArgs[k]]));
    const ctx = callContext(batch.message, staticArgs);
    const request = {
      operation,
      args: rawArgs,
      account: batch.account,
      actor: batch.principal.kind,
      requestId: batch.requestId,
      callId: ctx.callId,
      toolCallId: call.id || null,
    };
    const refuse = async (code: Parameters<OperationExecutor["refuse"]>[1], message: string) =>
      outcomeText(await this.deps.executor.refuse(request, code, message, started));

    if (!parsed.ok) return refuse("VALIDATION", "The tool arguments are not a JSON object.");
    if (call.id && !isIdentifier(call.id)) return refuse("VALIDATION", "The tool-call id must be 1 to 128 printable characters.");
    if (containsNul(rawArgs)) return refuse("VALIDATION", "Text must not contain NUL characters.");
    if (containsCardData(rawArgs)) return refuse("CARD_DATA_NOT_ALLOWED", "Card numbers and security codes must never be taken over the phone line; use a payment token.");
    const prepared = prepareArguments(operation.input, rawArgs);
    if (!prepared.ok) return refuse("VALIDATION", prepared.message);
    const args = this.withCallerPhone(operation.name, prepared.args, ctx);

    // Only patient-facing tools need to know who is verified; availability skips the lookup.
    const needsVerification = PATIENT_GATED.has(operation.name) || APPOINTMENT_GATED.has(operation.name) || operation.name === "search_patients";
    const verified =
      ctx.callId && needsVerification ? await this.deps.verifications.verifiedPatients(batch.account.id, ctx.callId) : new Set<string>();
    const gate = await this.checkGate(operation.name, args, verified, batch.account);
    if (gate) return refuse("VERIFICATION_REQUIRED", gate);

    const outcome = await this.deps.executor.execute({
      ...request,
      args,
      idempotencyKey: call.id ? `vapi:${call.id}` : null,
      intentKey: intentKey(operation.name, args, ctx.callId, batch.account.timezone),
    });
    if (!outcome.ok) return outcomeText(outcome);
    if (operation.name === "search_patients") return this.searchResult(outcome, args, ctx, verified, batch.account.id);
    if (operation.name === "create_patient" && ctx.callId) {
      const patient = (outcome.data as { patient: Patient }).patient;
      // A patient still pending in the PMS has no id yet; there is nothing to unlock until it exists.
      if (patient.id) await this.deps.verifications.verify(batch.account.id, ctx.callId, patient.id, "created");
    }
    return outcomeText(outcome);
  }

  /** "Caller number + date of birth": a DOB-only search in a call looks among the caller's own number. */
  private withCallerPhone(name: ToolName, args: Record<string, unknown>, ctx: CallContext) {
    if (name !== "search_patients" || !ctx.callerNumber || !args.dateOfBirth) return args;
    if (args.query || args.phone || args.firstName || args.lastName) return args;
    return { ...args, phone: ctx.callerNumber };
  }

  /** Null when the call may go ahead; otherwise what to tell the assistant. */
  private async checkGate(name: ToolName, args: Record<string, unknown>, verified: Set<string>, account: AccountRecord) {
    if (PATIENT_GATED.has(name)) return verified.has(String(args.patientId)) ? null : VERIFY_FIRST;
    if (!APPOINTMENT_GATED.has(name)) return null;
    if (verified.size === 0) return VERIFY_FIRST;
    try {
      const connector = await this.deps.integrations.connectorFor(practiceOf(account));
      const found = await connector.getAppointment(String(args.appointmentId));
      // A missing appointment is reported by the operation itself (with its own audit row).
      if (!found.ok) return null;
      return verified.has(found.value.patientId) ? null : `That appointment is not the verified caller's. ${VERIFY_FIRST}`;
    } catch {
      return null; // the operation will report the PMS problem
    }
  }

  /**
   * A search in a call verifies the caller when exactly one patient matches first name + last name +
   * date of birth, or the caller's own number + date of birth. Unverified, it says only whether a match
   * exists; verified, it shows the verified patient(s) and nobody else.
   */
  private async searchResult(
    outcome: Extract<ExecuteOutcome, { ok: true }>,
    args: Record<string, unknown>,
    ctx: CallContext,
    alreadyVerified: Set<string>,
    accountId: string,
  ) {
    const patients = (outcome.data as { patients: Patient[] }).patients;
    let method: "name_dob" | "phone_dob" | null = null;
    let candidates: Patient[] = [];
    if (typeof args.firstName === "string" && typeof args.lastName === "string" && typeof args.dateOfBirth === "string") {
      candidates = patients.filter(
        (p) => sameName(p.firstName, args.firstName as string) && sameName(p.lastName, args.lastName as string) && p.dateOfBirth === args.dateOfBirth,
      );
      method = "name_dob";
    } else if (ctx.callerNumber && typeof args.dateOfBirth === "string" && args.phone === ctx.callerNumber) {
      candidates = patients.filter((p) => p.phone === ctx.callerNumber && p.dateOfBirth === args.dateOfBirth);
      method = "phone_dob";
    }
    const verifiedNow = candidates.length === 1 && method && ctx.callId && candidates[0]!.id ? candidates[0]! : null;
    if (verifiedNow?.id && ctx.callId && method) await this.deps.verifications.verify(accountId, ctx.callId, verifiedNow.id, method);
    const visible = patients.filter((p) => p.id !== null && (p.id === verifiedNow?.id || alreadyVerified.has(p.id)));
    const data = { matchFound: patients.length > 0, verified: visible.length > 0, patients: visible };
    const summary = verifiedNow
      ? `Verified: ${verifiedNow.firstName} ${verifiedNow.lastName}.`
      : visible.length > 0
        ? `Found ${visible.length === 1 ? "the verified patient" : "the verified patients"}.`
        : patients.length > 0
          ? candidates.length > 1
            ? "More than one patient matches; ask for another detail such as the phone number on file."
            : "A matching record exists, but details can only be shared once the caller gives their full name and date of birth."
          : "No patient matches that.";
    return { result: resultText(summary, data) };
  }
}
