import { and, desc, eq, gte, isNotNull, lte, type SQL } from "drizzle-orm";
import { isDatabaseBusy } from "../db/busy";
import type { Database } from "../db/client";
import { pmsAuditLogs } from "../db/schema";
import { textHasCardData } from "../domain/card-data";
import { type Clock, toSqlTimestamp } from "../lib/clock";
import { whenQuiet } from "../lib/quiet-turn";
import { AppendStatement } from "./append-statement";
import { type ChainedContent, type ChainKeys, GENESIS } from "./chain";
import { type AuditEntry, type AuditEvent, auditEntryOf } from "./events";

export type AuditRow = typeof pmsAuditLogs.$inferSelect;

export type AuditFilter = { accountId?: string; from?: string; to?: string; action?: string; limit: number };

const ID_MAX = 128;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Exactly the text that will be stored, so the chain hashes the bytes the database keeps: well-formed
 * UTF-16 (a lone surrogate would be stored as U+FFFD), no control characters (NUL may end the stored
 * string early), at most 128 characters, and never card data (an id field is not a place for it).
 */
export function storableText(value: string | null): string | null {
  if (value === null) return null;
  const bounded = value.length <= ID_MAX && PRINTABLE_ASCII.test(value) ? value : wellFormedId(value);
  return textHasCardData(bounded) ? "[card data removed]" : bounded;
}

/**
 * Well-formed, without control characters, at most 128 characters. Nearly every value is an id of
 * printable ASCII that is all of these already and never comes here.
 */
function wellFormedId(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
  const clean = value.toWellFormed().replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
  return [...clean].slice(0, ID_MAX).join("");
}

type Pending = { content: ChainedContent; resolve: () => void; reject: (e: unknown) => void };

/** Attempts to append a batch when other instances keep appending first. */
const CHAIN_ATTEMPTS = 25;

/** The chain trigger's refusal (another writer appended first) or the file lock held past the timeout. */
const isChainConflict = (e: unknown): boolean => {
  const text = `${(e as Error)?.message ?? ""} ${String((e as { cause?: Error })?.cause?.message ?? "")}`;
  return /prev_hash does not match/i.test(text) || isDatabaseBusy(e);
};

/** Rows committed together at most; a larger backlog commits over several transactions. */
const MAX_BATCH = 512;
/** A batch waits for more rows at most this long (a reply waits on its row). */
const BATCH_GATHERING = { maxMs: 2, maxSize: MAX_BATCH };

/**
 * Insert-only access to `pms_audit_logs`: this module exports no way to change or remove a row.
 *
 * Group commit: rows recorded while a commit is in flight are chained and committed together in the
 * next transaction, and each caller's promise resolves only once its own row is durable. Under load
 * this turns many single-row transactions into a few larger ones, without any caller answering before
 * its audit row exists.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private flushing = false;
  private lastHash: string | null = null;

  private readonly append = new AppendStatement();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly chain: ChainKeys,
  ) {}

  /** The one way onto the record: every kind of event becomes its row here. */
  write(event: AuditEvent): Promise<void> {
    return this.record(auditEntryOf(event));
  }

  /** Keeps an event that could not be appended now and retries it in the background. */
  deferEvent(event: AuditEvent): void {
    this.defer(auditEntryOf(event));
  }

  private record(entry: AuditEntry): Promise<void> {
    // Field by field rather than spread: a row is built for every request.
    const content: ChainedContent = {
      accountId: storableText(entry.accountId),
      callId: storableText(entry.callId),
      toolCallId: storableText(entry.toolCallId),
      action: storableText(entry.action) ?? "unknown",
      patientId: storableText(entry.patientId),
      phiAccessed: entry.phiAccessed,
      success: entry.success,
      statusCode: entry.statusCode,
      errorCode: storableText(entry.errorCode),
      responseTime: Math.max(0, Math.round(entry.responseTimeMs)),
      requestId: storableText(entry.requestId) ?? "",
      actor: entry.actor,
      createdAt: toSqlTimestamp(this.clock.now()),
    };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ content, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        void this.flush();
      }
    });
  }

  /**
   * Rows recorded while the turns of the event loop keep bringing more join one batch: under load one
   * transaction then carries the rows of every request in flight instead of a turn's share each.
   */
  private gathered(): Promise<void> {
    return new Promise((resolve) => whenQuiet(() => this.queue.length, BATCH_GATHERING, resolve));
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      await this.gathered();
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.commitWithRetries(batch);
        for (const p of batch) p.resolve();
      } catch (e) {
        this.lastHash = null;
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = false;
  }

  /**
   * Several instances append to one chain: when another appended first, the chain trigger refuses this
   * batch (its `prev_hash` is stale). Re-read the last hash and try again, with a short jittered pause so
   * the writers do not collide in lockstep. A real failure (the store is down) still fails after the
   * last attempt.
   */
  private async commitWithRetries(batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commit(batch);
        return;
      } catch (e) {
        this.lastHash = null;
        if (attempt >= CHAIN_ATTEMPTS || !isChainConflict(e)) throw e;
        this.conflicts++;
        await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      }
    }
  }

  /** How many times another writer appended first (for the multi-instance measurements). */
  conflicts = 0;

  private async commit(batch: Pending[]): Promise<void> {
    const firstPrevHash = this.lastHash ?? (await this.readLastHash());
    const chainKeyId = this.chain.currentId;
    let prev = firstPrevHash;
    const rows = batch.map(({ content }) => {
      const hash = this.chain.hash(chainKeyId, prev, content);
      if (hash === null) throw new Error("the current chain key is missing");
      prev = hash;
      return { content, hash };
    });
    if (rows.length === 0) return;
    // One transaction for the batch, its rows in order.
    await this.db.$client.batch(this.append.statements({ chainKeyId, firstPrevHash, rows }));
    this.lastHash = prev;
  }

  private async readLastHash(): Promise<string> {
    const [last] = await this.db.select({ hash: pmsAuditLogs.hash }).from(pmsAuditLogs).orderBy(desc(pmsAuditLogs.id)).limit(1);
    return last?.hash ?? GENESIS;
  }

  /**
   * Rows whose operation already happened (a PMS write) but whose append failed: kept in order and
   * retried until they land. `/ready` reports how many wait; shutdown waits for them.
   */
  private backlog: AuditEntry[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  get backlogSize(): number {
    return this.backlog.length;
  }

  private defer(entry: AuditEntry): void {
    this.backlog.push(entry);
    this.scheduleRetry();
  }

  private scheduleRetry(delayMs = 250): void {
    if (this.retryTimer || this.backlog.length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flushBacklog().then((landed) => {
        if (!landed) this.scheduleRetry(Math.min(delayMs * 2, 10_000));
      });
    }, delayMs);
    this.retryTimer.unref?.();
  }

  /** Appends the backlog in order; true when it is empty afterwards. */
  async flushBacklog(): Promise<boolean> {
    for (let next = this.backlog[0]; next; next = this.backlog[0]) {
      try {
        await this.record(next);
        this.backlog.shift();
      } catch {
        return false;
      }
    }
    return true;
  }

  /** For shutdown: tries to land the backlog until the deadline; true when nothing is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.backlog.length > 0 && performance.now() < deadline) {
      if (await this.flushBacklog()) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.backlog.length === 0;
  }

  /** The patients an operation succeeded on during one call (for the end-of-call report). */
  async patientsTouchedInCall(accountId: string, callId: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ patientId: pmsAuditLogs.patientId })
      .from(pmsAuditLogs)
      .where(and(eq(pmsAuditLogs.accountId, accountId), eq(pmsAuditLogs.callId, callId), eq(pmsAuditLogs.success, true), isNotNull(pmsAuditLogs.patientId)));
    return rows.flatMap((r) => (r.patientId ? [r.patientId] : [])).sort();
  }

  /** Every clinic call that left a row since a time. */
  async callsSince(since: string): Promise<Array<{ accountId: string; callId: string }>> {
    const rows = await this.db
      .selectDistinct({ accountId: pmsAuditLogs.accountId, callId: pmsAuditLogs.callId })
      .from(pmsAuditLogs)
      .where(and(isNotNull(pmsAuditLogs.callId), isNotNull(pmsAuditLogs.accountId), gte(pmsAuditLogs.createdAt, since)));
    return rows.flatMap((r) => (r.accountId && r.callId ? [{ accountId: r.accountId, callId: r.callId }] : []));
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    const where: SQL[] = [];
    if (filter.accountId) where.push(eq(pmsAuditLogs.accountId, filter.accountId));
    if (filter.action) where.push(eq(pmsAuditLogs.action, filter.action));
    if (filter.from) where.push(gte(pmsAuditLogs.createdAt, filter.from));
    if (filter.to) where.push(lte(pmsAuditLogs.createdAt, filter.to));
    return this.db
      .select()
      .from(pmsAuditLogs)
      .where(and(...where))
      .orderBy(desc(pmsAuditLogs.id))
      .limit(filter.limit);
  }
}
