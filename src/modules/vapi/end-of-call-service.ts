import type { AccountRecord } from "../../accounts/service";
import type { Logger } from "../../lib/logger";
import { operations } from "../../operations";
import type { OperationExecutor } from "../../operations/execute";
import { type CallReports, endOfCallFacts } from "./call-reports";
import type { CallVerifications } from "./verifications";

const NOTE_MAX = 2000;

/**
 * Stores each call's end-of-call report once, and for clinics that opted in, writes the call summary
 * as a PMS note on the one patient verified in that call (never on a guess).
 */
export class EndOfCallService {
  constructor(private readonly deps: { reports: CallReports; verifications: CallVerifications; executor: OperationExecutor; logger: Logger }) {}

  async handle(message: Record<string, unknown>, account: AccountRecord, requestId: string): Promise<void> {
    const facts = endOfCallFacts(message);
    if (!facts) return;
    const { stored } = await this.deps.reports.store(account.id, facts);
    if (!stored || !account.callSummaryNotes || !facts.summary) return;
    const verified = [...(await this.deps.verifications.verifiedPatients(account.id, facts.callId))];
    const [patientId] = verified;
    if (verified.length !== 1 || !patientId) return;
    const outcome = await this.deps.executor.execute({
      operation: operations.add_patient_note,
      args: { patientId, text: `Call summary: ${facts.summary}`.slice(0, NOTE_MAX), type: "call_summary" },
      account,
      actor: "vapi",
      requestId,
      callId: facts.callId,
      toolCallId: null,
      idempotencyKey: `vapi-eocr:${facts.callId}`,
    });
    if (outcome.ok) {
      const noteId = (outcome.data as { note: { id: string | null } }).note.id;
      if (noteId) await this.deps.reports.recordSummaryNote(account.id, facts.callId, noteId);
    } else {
      this.deps.logger.warn({ requestId, accountId: account.id, code: outcome.code }, "call summary note not written");
    }
  }
}
