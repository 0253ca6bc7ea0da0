import { type AccountRecord, practiceOf } from "../../accounts/service";
import type { PmsIntegrations } from "../../connections/pms-connections";
import type { Patient } from "../../domain/patient";
import type { ErrorCode } from "../../lib/errors";
import type { AnyOperation } from "../../operations";
import { spokenMoney } from "../../operations/speech";
import { type CallVerifications, MAX_FAILED_VERIFICATIONS } from "./verifications";

/** The call a request belongs to, and the caller's number as Vapi reported it (never from arguments). */
export type CallScope = { account: AccountRecord; callId: string | null; callerNumber: string | null };

export type GateRefusal = { ok: false; code: ErrorCode; message: string };
export type GateAdmission = {
  ok: true;
  args: Record<string, unknown>;
  /** Patients already verified in this call (for search results). */
  verified: Set<string>;
  /** How a search would verify the caller, when its arguments are a full set of details. */
  verification: "name_dob" | "phone_dob" | null;
};

const VERIFY_FIRST =
  "Verify the caller first: ask for their first name, last name and date of birth, then call search_patients with firstName, lastName and dateOfBirth.";
const TOO_MANY = "Too many verification attempts on this call. Do not try again; offer to transfer the caller to the front desk.";

const refuse = (code: ErrorCode, message: string): GateRefusal => ({ ok: false, code, message });
const text = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v : null);
const sameName = (a: string, b: string) => a.trim().localeCompare(b.trim(), "en", { sensitivity: "base" }) === 0;

/**
 * The caller-verification gate for every request made with a Vapi credential (tool calls, and REST
 * unless the clinic switched it off): PHI and changes only for a patient the caller proved to be in
 * this call. It fails closed: a lookup that does not positively prove ownership refuses, and nothing
 * is written.
 */
export class CallerGate {
  constructor(private readonly deps: { integrations: PmsIntegrations; verifications: CallVerifications }) {}

  async admit(operation: AnyOperation, input: Record<string, unknown>, scope: CallScope): Promise<GateAdmission | GateRefusal> {
    const { account, callId } = scope;
    const needsCall = operation.gate !== "none" || operation.name === "search_patients";
    if (!needsCall) return { ok: true, args: input, verified: new Set(), verification: null };
    if (!callId) return refuse("VERIFICATION_REQUIRED", `This needs a call id, so the caller can be verified for that call. ${VERIFY_FIRST}`);
    // A patient-gated operation needs one patient proved; the others need the whole set read.
    const needed = operation.gate === "patient" && operation.name !== "search_patients" ? String(input.patientId) : null;
    const verified = await this.deps.verifications.verifiedPatients(account.id, callId, needed);

    if (operation.name === "search_patients") return this.admitSearch(input, scope, verified);
    if (operation.gate === "patient" && !verified.has(String(input.patientId))) return refuse("VERIFICATION_REQUIRED", VERIFY_FIRST);
    if (operation.gate === "appointment") {
      const owned = await this.appointmentOwnership(String(input.appointmentId), verified, account);
      if (owned) return owned;
    }
    if (operation.name === "process_payment") {
      const payment = await this.paymentPolicy(input, account);
      if (payment) return payment;
    }
    return { ok: true, args: input, verified, verification: null };
  }

  /**
   * Before verification a search runs only on a full set of details (first name + last name + date of
   * birth, or the caller's own number + date of birth) and says nothing about partial matches.
   */
  private async admitSearch(input: Record<string, unknown>, scope: CallScope, verified: Set<string>): Promise<GateAdmission | GateRefusal> {
    if (verified.size > 0) return { ok: true, args: input, verified, verification: null };
    if (!scope.callId || (await this.deps.verifications.failures(scope.account.id, scope.callId)) >= MAX_FAILED_VERIFICATIONS) {
      return refuse("VERIFICATION_REQUIRED", TOO_MANY);
    }
    const first = text(input.firstName);
    const last = text(input.lastName);
    const dob = text(input.dateOfBirth);
    if (first && last && dob) return { ok: true, args: { firstName: first, lastName: last, dateOfBirth: dob }, verified, verification: "name_dob" };
    if (dob && scope.callerNumber && !first && !last && !text(input.query)) {
      return { ok: true, args: { dateOfBirth: dob, phone: scope.callerNumber }, verified, verification: "phone_dob" };
    }
    const missing = [!first && "first name", !last && "last name", !dob && "date of birth"].filter(Boolean).join(", ");
    return refuse(
      "VERIFICATION_REQUIRED",
      `To find the caller's record, ask for their ${missing} and search with firstName, lastName and dateOfBirth together.`,
    );
  }

  /** The appointment must positively belong to a patient verified in this call; any doubt refuses. */
  private async appointmentOwnership(appointmentId: string, verified: Set<string>, account: AccountRecord): Promise<GateRefusal | null> {
    if (verified.size === 0) return refuse("VERIFICATION_REQUIRED", VERIFY_FIRST);
    try {
      const connector = await this.deps.integrations.connectorFor(practiceOf(account));
      const found = await connector.getAppointment(appointmentId);
      if (found.ok) {
        return verified.has(found.value.patientId) ? null : refuse("VERIFICATION_REQUIRED", `That appointment is not the verified caller's. ${VERIFY_FIRST}`);
      }
      if (found.error.code === "appointment_not_found") return refuse("APPOINTMENT_NOT_FOUND", "No appointment with that id.");
      if (found.error.code === "invalid_request" || found.error.code === "unsupported") return refuse("VERIFICATION_REQUIRED", VERIFY_FIRST);
      return refuse("PMS_UNAVAILABLE", "The office system could not confirm whose appointment that is, so nothing was changed. Try again shortly.");
    } catch {
      return refuse("PMS_UNAVAILABLE", "The office system could not confirm whose appointment that is, so nothing was changed. Try again shortly.");
    }
  }

  /** Phone payments: off unless the clinic enables them; card needs a token; no more than the balance due. */
  private async paymentPolicy(input: Record<string, unknown>, account: AccountRecord): Promise<GateRefusal | null> {
    if (!account.phonePayments) {
      return refuse("UNSUPPORTED_BY_PMS", "This office does not take payments over the phone. Offer to have the office follow up about the balance.");
    }
    if (input.method === "card" && !text(input.paymentToken)) {
      return refuse("VALIDATION", "A card payment needs a paymentToken from the secure payment step; never take card numbers on the call.");
    }
    if (account.allowPrepayment) return null;
    try {
      const connector = await this.deps.integrations.connectorFor(practiceOf(account));
      const balance = await connector.getBalance(String(input.patientId));
      if (!balance.ok) return refuse("PMS_UNAVAILABLE", "The balance due could not be confirmed, so no payment was taken. Try again shortly.");
      const due = Math.max(0, balance.value.patientPortion);
      if (Number(input.amount) > due + 0.001) {
        return refuse(
          "VALIDATION",
          `The amount is more than the balance due of ${spokenMoney(due, balance.value.currency)}; this office does not take prepayments by phone.`,
        );
      }
      return null;
    } catch {
      return refuse("PMS_UNAVAILABLE", "The balance due could not be confirmed, so no payment was taken. Try again shortly.");
    }
  }

  /**
   * After a search that ran on a full set of details: exactly one match verifies the caller; anything
   * else counts as a failed attempt and says only that the details could not be verified.
   */
  async searchAnswer(patients: Patient[], admission: GateAdmission, scope: CallScope): Promise<{ data: Record<string, unknown>; summary: string }> {
    const { account, callId } = scope;
    if (admission.verification === null) {
      const visible = patients.filter((p) => p.id !== null && admission.verified.has(p.id));
      const summary =
        visible.length > 0 ? `Found ${visible.length === 1 ? "the verified patient" : "the verified patients"}.` : "No verified patient matches that.";
      return { data: { verified: visible.length > 0, patients: visible }, summary };
    }
    const args = admission.args;
    const candidates =
      admission.verification === "name_dob"
        ? patients.filter(
            (p) => sameName(p.firstName, String(args.firstName)) && sameName(p.lastName, String(args.lastName)) && p.dateOfBirth === args.dateOfBirth,
          )
        : patients.filter((p) => p.phone === scope.callerNumber && p.dateOfBirth === args.dateOfBirth);
    const [only] = candidates;
    const match = candidates.length === 1 && only?.id ? only : null;
    if (match?.id && callId) {
      await this.deps.verifications.verify(account.id, callId, match.id, admission.verification);
      return { data: { verified: true, patients: [match] }, summary: `Verified: ${match.firstName} ${match.lastName}.` };
    }
    const failures = callId ? await this.deps.verifications.recordFailure(account.id, callId) : MAX_FAILED_VERIFICATIONS;
    const summary =
      failures >= MAX_FAILED_VERIFICATIONS
        ? `Those details could not be verified. ${TOO_MANY}`
        : "Those details could not be verified. Check the spelling of the name and the date of birth with the caller, or offer a callback from the office.";
    return { data: { verified: false, patients: [] }, summary };
  }
}
