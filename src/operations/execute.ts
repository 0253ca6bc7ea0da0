import type { Actor } from "../accounts/principal";
import { type AccountRecord, practiceOf } from "../accounts/service";
import type { AuditLog } from "../audit/audit-log";
import type { AuditEvent } from "../audit/events";
import type { PmsIntegrations } from "../connections/pms-connections";
import type { Clock } from "../lib/clock";
import { AppError, type ErrorCode, errorStatus } from "../lib/errors";
import type { Logger } from "../lib/logger";
import type { Metrics } from "../lib/metrics";
import type { IdempotencyStore, Refusal } from "./idempotency";
import { requestHash } from "./idempotency";
import type { AnyOperation } from "./index";
import type { OperationResult } from "./operation";

export type ExecuteRequest = {
  operation: AnyOperation;
  args: Record<string, unknown>;
  account: AccountRecord;
  actor: Actor;
  requestId: string;
  callId: string | null;
  toolCallId: string | null;
  /** `rest:<Idempotency-Key>` or `vapi:<toolCallId>`; null means no deduplication. */
  idempotencyKey: string | null;
  /**
   * The same intent asked again under a new key (a model re-asking "book 10:00 for Jane" with a new
   * tool-call id): answered with the first outcome whatever the other arguments, never written twice.
   */
  intentKey?: string | null;
  /**
   * Where the request keeps the time its operations spent in the practice system's connector (the
   * vendor's answer included), added up: its access-log line tells the vendor's share from the gateway's.
   */
  timing?: PmsTiming;
};

/** Milliseconds a request's operations spent in the connector, added up over its operations. */
export type PmsTiming = { pmsMs?: number };

export type ExecuteOutcome =
  | { ok: true; status: number; data: Record<string, unknown>; summary: string; replayed: boolean }
  | { ok: false; status: number; code: ErrorCode; message: string; replayed: boolean };

type StoredBody = Omit<ExecuteOutcome, "status" | "replayed">;

export type ExecutorDeps = {
  metrics: Metrics;
  integrations: PmsIntegrations;
  audit: AuditLog;
  idempotency: IdempotencyStore;
  clock: Clock;
  logger: Logger;
};

/** Failures worth retrying later: the key is released instead of remembering the failure. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(["PMS_UNAVAILABLE", "PMS_TIMEOUT", "PMS_ERROR", "INTERNAL", "IDEMPOTENCY_IN_PROGRESS"]);

/**
 * Runs one PMS operation for one clinic, the same way for every entry point: idempotency, the
 * connector call, one audit row written before the reply (success or failure), and typed outcomes.
 */
export class OperationExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  async execute(req: ExecuteRequest): Promise<ExecuteOutcome> {
    const started = performance.now();
    const { operation, account } = req;
    let patientId = typeof req.args.patientId === "string" ? req.args.patientId : null;

    const keys: Array<{ key: string; hash: string }> = [];
    if (operation.write && req.idempotencyKey) keys.push({ key: req.idempotencyKey, hash: requestHash(operation.name, req.args) });
    if (operation.write && req.intentKey) keys.push({ key: req.intentKey, hash: requestHash(operation.name, req.intentKey) });
    // A write's intent is durable before it is sent, even without a client key: this record is what the
    // audit row follows from if the audit store fails after the write.
    if (operation.write && keys.length === 0) keys.push({ key: `intent:${req.requestId}`, hash: requestHash(operation.name, req.args) });
    let claims: Awaited<ReturnType<IdempotencyStore["claimAll"]>>;
    try {
      claims = await this.deps.idempotency.claimAll(account.id, keys, operation.name);
    } catch (e) {
      this.deps.logger.error({ requestId: req.requestId, errorName: (e as Error)?.name }, "write intent could not be recorded");
      const outcome: ExecuteOutcome = {
        ok: false,
        status: errorStatus.PMS_UNAVAILABLE,
        code: "PMS_UNAVAILABLE",
        message: "The gateway could not record the request safely, so nothing was sent to the office system. Try again shortly.",
        replayed: false,
      };
      await this.audit(req, outcome, patientId, started).catch(() => undefined);
      return outcome;
    }
    const claimed = keys.filter((k) => claims.claimed.includes(k.key));
    if (claims.refusal) {
      // The first key not claimed decides (a replay, a reused key, or one in progress); the keys this
      // request did claim are freed.
      const outcome = this.fromClaim(claims.refusal);
      await this.settleSafely(req, claimed, outcome);
      await this.auditOrDefer(req, outcome, patientId, started);
      return outcome;
    }

    let result: OperationResult;
    try {
      const practice = practiceOf(account);
      const connector = await this.deps.integrations.connectorFor(practice);
      const requestKey = claimed[0]?.key ?? null;
      const inConnector = performance.now();
      try {
        result = await operation.run({ practice, connector, clock: this.deps.clock, requestKey }, req.args as never);
      } finally {
        if (req.timing) req.timing.pmsMs = (req.timing.pmsMs ?? 0) + (performance.now() - inConnector);
      }
    } catch (e) {
      result = { ok: false, error: this.unexpected(e, req) };
    }
    if (result.ok) patientId = result.value.patientId ?? patientId;

    const outcome: ExecuteOutcome = result.ok
      ? { ok: true, status: operation.successStatus, data: result.value.data, summary: result.value.summary, replayed: false }
      : { ok: false, status: errorStatus[result.error.code], code: result.error.code, message: result.error.message, replayed: false };

    // A write that timed out may still have reached the PMS: say so, and never send it again.
    if (!outcome.ok && outcome.code === "PMS_TIMEOUT" && operation.write) {
      outcome.message =
        "The practice system did not confirm in time. The request may still have reached it, so it will not be sent again; the office will confirm.";
    }
    if (operation.write) {
      // The write happened (or may have): its outcome is settled under the durable intent first, and the
      // caller is told the truth even if the audit row has to wait in the backlog.
      await this.settleSafely(req, claimed, outcome);
      await this.auditOrDefer(req, outcome, patientId, started);
      return outcome;
    }
    // A read's audit row comes first: PHI is never returned without its record.
    await this.audit(req, outcome, patientId, started);
    return outcome;
  }

  /** Settling must not turn a write that happened into a 500: a failure here is logged, the outcome stands. */
  private async settleSafely(req: ExecuteRequest, claimed: Array<{ key: string }>, outcome: ExecuteOutcome) {
    try {
      await this.settle(req.account.id, claimed, outcome, req.operation.write);
    } catch (e) {
      this.deps.logger.error({ requestId: req.requestId, errorName: (e as Error)?.name }, "idempotency outcome not stored");
    }
  }

  /**
   * Remembers the outcome under every key this request claimed, or frees them after a failure that
   * certainly changed nothing. A write that timed out has an unknown outcome: its keys are kept, so a
   * retry cannot write twice.
   */
  private async settle(accountId: string, claimed: Array<{ key: string }>, outcome: ExecuteOutcome, write: boolean) {
    const unknownOutcome = !outcome.ok && outcome.code === "PMS_TIMEOUT" && write;
    if (!outcome.ok && TRANSIENT.has(outcome.code) && !unknownOutcome) {
      for (const { key } of claimed) await this.deps.idempotency.release(accountId, key);
      return;
    }
    const { status, replayed: _replayed, ...body } = outcome;
    await this.deps.idempotency.complete(
      accountId,
      claimed.map((c) => c.key),
      { status, body },
    );
  }

  /**
   * Records an operation the gateway refused before reaching the PMS (bad arguments, card data, an
   * unverified caller) with its own audit row, and returns the failure to report.
   */
  async refuse(req: Omit<ExecuteRequest, "idempotencyKey">, code: ErrorCode, message: string, startedAt = performance.now()) {
    const outcome: ExecuteOutcome = { ok: false, status: errorStatus[code], code, message, replayed: false };
    const patientId = typeof req.args.patientId === "string" ? req.args.patientId : null;
    await this.audit({ ...req, idempotencyKey: null }, outcome, patientId, startedAt);
    return outcome;
  }

  /**
   * Records a tool call that names no operation, or that could not be tied to a clinic, with its own
   * audit row (action `unknown_tool` or the tool's name; no account when none could be resolved).
   */
  async refuseUnknown(
    req: { account: AccountRecord | null; action: string; actor: Actor; requestId: string; callId: string | null; toolCallId: string | null },
    code: ErrorCode,
    message: string,
    startedAt = performance.now(),
  ): Promise<ExecuteOutcome> {
    const outcome: ExecuteOutcome = { ok: false, status: errorStatus[code], code, message, replayed: false };
    this.deps.metrics.observeOperation(req.action, code);
    await this.deps.audit.write({
      kind: "operation",
      ok: false,
      code,
      action: req.action,
      accountId: req.account?.id ?? null,
      callId: req.callId,
      toolCallId: req.toolCallId,
      requestId: req.requestId,
      actor: req.actor,
      startedAt,
    });
    return outcome;
  }

  private fromClaim(claim: Refusal): ExecuteOutcome {
    if (claim.kind === "replay") {
      const body = claim.outcome.body as StoredBody;
      return { ...body, status: claim.outcome.status, replayed: true } as ExecuteOutcome;
    }
    const code: ErrorCode = claim.kind === "mismatch" ? "IDEMPOTENCY_KEY_REUSED" : "IDEMPOTENCY_IN_PROGRESS";
    const message =
      claim.kind === "mismatch"
        ? "This idempotency key was already used with different arguments."
        : "The first request with this idempotency key is still running; retry shortly.";
    return { ok: false, status: errorStatus[code], code, message, replayed: false };
  }

  private unexpected(e: unknown, req: ExecuteRequest) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    // Log the error class and request id only: an exception message may carry vendor data.
    this.deps.logger.error(
      { requestId: req.requestId, accountId: req.account.id, action: req.operation.name, errorName: (e as Error)?.name },
      "operation failed unexpectedly",
    );
    return { code: "INTERNAL" as const, message: "Something went wrong on our side. Please try again." };
  }

  private auditEvent(req: ExecuteRequest, outcome: ExecuteOutcome, patientId: string | null, startedAt: number): AuditEvent {
    // Written out in each branch rather than spread from a shared subject: every request builds one.
    const { name: action, phi } = req.operation;
    const { callId, toolCallId, requestId, actor } = req;
    const accountId = req.account.id;
    return outcome.ok
      ? { kind: "operation", ok: true, status: outcome.status, phi, action, accountId, callId, toolCallId, patientId, requestId, actor, startedAt }
      : { kind: "operation", ok: false, code: outcome.code, action, accountId, callId, toolCallId, patientId, requestId, actor, startedAt };
  }

  /** For writes: the row is appended now, or kept in the audit backlog until it can be. */
  private async auditOrDefer(req: ExecuteRequest, outcome: ExecuteOutcome, patientId: string | null, started: number) {
    this.deps.metrics.observeOperation(req.operation.name, outcome.ok ? "ok" : outcome.code);
    const event = this.auditEvent(req, outcome, patientId, started);
    try {
      await this.deps.audit.write(event);
    } catch (e) {
      this.deps.logger.error({ requestId: req.requestId, errorName: (e as Error)?.name }, "audit write failed; kept in the backlog");
      this.deps.audit.deferEvent(event);
    }
  }

  private async audit(req: ExecuteRequest, outcome: ExecuteOutcome, patientId: string | null, started: number) {
    this.deps.metrics.observeOperation(req.operation.name, outcome.ok ? "ok" : outcome.code);
    try {
      await this.deps.audit.write(this.auditEvent(req, outcome, patientId, started));
    } catch (e) {
      this.deps.logger.error({ requestId: req.requestId, errorName: (e as Error)?.name }, "audit write failed");
      throw new AppError("INTERNAL", "The operation could not be recorded, so it is reported as failed.");
    }
  }
}
