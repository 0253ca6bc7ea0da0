import { and, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { type Clock, toSqlTimestamp } from "../lib/clock";

export type StoredOutcome = { status: number; body: unknown };

export type Claim = { kind: "claimed" } | { kind: "replay"; outcome: StoredOutcome } | { kind: "mismatch" } | { kind: "in_progress" };
/** A claim refused: another request owns the key (its outcome to replay, or still in progress), or the arguments differ. */
export type Refusal = Exclude<Claim, { kind: "claimed" }>;

/** A claim left "in progress" this long is taken to be from a crashed process and may be taken over. */
const ABANDONED_AFTER_MS = 60_000;
const WAIT_STEP_MS = 25;

export function requestHash(action: string, args: unknown): string {
  return Bun.SHA256.hash(`${action}\n${stableJson(args)}`, "hex");
}

/** JSON with sorted keys, so the same arguments in another key order hash the same. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? "," : ""}${stableJson(value[i])}`;
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  let out = "{";
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${stableJson(v)}`;
  }
  return `${out}}`;
}

/**
 * Exactly-once writes per (account, key). A claim is one INSERT that writes only keys nobody holds (the
 * check and the insert are one statement), so two concurrent requests with one key cannot both win; the
 * loser waits for the winner's outcome.
 */
export class IdempotencyStore {
  /** Statement texts by how many keys they claim or complete (a request holds one to three). */
  private readonly claimTexts = new Map<number, string>();
  private readonly completionTexts = new Map<number, string>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async claim(accountId: string, key: string, action: string, hash: string, waitMs = 8_000): Promise<Claim> {
    if (await this.insertIfAllFree(accountId, [{ key, hash }], action)) return { kind: "claimed" };

    const deadline = Date.now() + waitMs;
    for (;;) {
      const [row] = await this.db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
      if (!row) return this.claim(accountId, key, action, hash, Math.max(0, deadline - Date.now()));
      if (row.requestHash !== hash) return { kind: "mismatch" };
      if (row.state === "completed") {
        return { kind: "replay", outcome: { status: row.responseStatus ?? 200, body: JSON.parse(row.responseBody ?? "null") } };
      }
      if (await this.takeOverAbandoned(accountId, key)) return { kind: "claimed" };
      if (Date.now() >= deadline) return { kind: "in_progress" };
      await Bun.sleep(WAIT_STEP_MS);
    }
  }

  /**
   * Claims the keys of one request (its own key and its intent). Nearly always every key is new, and one
   * INSERT takes them all. Otherwise the keys are claimed one by one, in order, exactly as `claim` does
   * (waited for, replayed or refused); the first refusal decides, and later keys are not claimed.
   * `claimed` lists every key this call holds (the caller frees them when there is a refusal).
   */
  async claimAll(accountId: string, keys: Array<{ key: string; hash: string }>, action: string): Promise<{ claimed: string[]; refusal: Refusal | null }> {
    const distinct = keys.filter((k, i) => keys.findIndex((other) => other.key === k.key) === i);
    if (distinct.length === 0) return { claimed: [], refusal: null };
    if (await this.insertIfAllFree(accountId, distinct, action)) return { claimed: distinct.map((k) => k.key), refusal: null };
    const claimed: string[] = [];
    try {
      for (const k of distinct) {
        const claim = await this.claim(accountId, k.key, action, k.hash);
        if (claim.kind !== "claimed") return { claimed, refusal: claim };
        claimed.push(k.key);
      }
    } catch (e) {
      // Nothing is claimed when the answer is an error: what this call took is freed again.
      for (const key of claimed) await this.release(accountId, key).catch(() => undefined);
      throw e;
    }
    return { claimed, refusal: null };
  }

  /** Records the outcome under each key in one statement. */
  async complete(accountId: string, keys: string[], outcome: StoredOutcome): Promise<void> {
    if (keys.length === 0) return;
    await this.db.$client.execute({
      sql: this.text(this.completionTexts, keys.length, completionText),
      args: [accountId, outcome.status, JSON.stringify(outcome.body), ...keys],
    });
  }

  /**
   * Inserts every key in one statement when none of them is taken yet, and nothing otherwise; true when
   * it inserted them. The key is the table's primary key, so two requests never both win one; a taken key
   * fails the statement, and SQLite undoes a failed statement whole, so the keys before it are not left
   * behind. (Checking first with `NOT EXISTS` would look each key up twice.) Keys must be distinct.
   */
  private async insertIfAllFree(accountId: string, keys: Array<{ key: string; hash: string }>, action: string): Promise<boolean> {
    const args: Array<string> = [accountId, action, toSqlTimestamp(this.clock.now())];
    for (const k of keys) args.push(k.key, k.hash);
    try {
      await this.db.$client.execute({ sql: this.text(this.claimTexts, keys.length, claimText), args });
      return true;
    } catch (e) {
      if (isKeyTaken(e)) return false;
      throw e;
    }
  }

  private text(cache: Map<number, string>, n: number, build: (n: number) => string): string {
    let text = cache.get(n);
    if (text === undefined) {
      text = build(n);
      cache.set(n, text);
    }
    return text;
  }

  /** Forgets a claim whose operation failed transiently, so a retry may try the PMS again. */
  async release(accountId: string, key: string): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "in_progress")));
  }

  private async takeOverAbandoned(accountId: string, key: string): Promise<boolean> {
    const cutoff = toSqlTimestamp(new Date(this.clock.now().getTime() - ABANDONED_AFTER_MS));
    const now = toSqlTimestamp(this.clock.now());
    const updated = await this.db
      .update(idempotencyKeys)
      .set({ createdAt: now })
      .where(
        and(
          eq(idempotencyKeys.accountId, accountId),
          eq(idempotencyKeys.key, key),
          eq(idempotencyKeys.state, "in_progress"),
          lt(idempotencyKeys.createdAt, cutoff),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    return updated.length > 0;
  }
}

/** Key i at ?(4 + 2i) and its hash after it; the account ?1, the action ?2, the time ?3. */
function claimText(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `(?1, ?${4 + 2 * i}, ?2, ?${5 + 2 * i}, 'in_progress', ?3)`).join(", ");
  return `insert into idempotency_keys (account_id, key, action, request_hash, state, created_at) values ${rows}`;
}

/**
 * The primary key (account, key) refused a row: the key is taken. Only that: any other failure (another
 * constraint, the store down) is an error, never "taken", which would send the claim looking for a row
 * that does not exist.
 */
function isKeyTaken(e: unknown): boolean {
  const err = e as { extendedCode?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (err?.extendedCode === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
  const text = `${String(err?.message ?? "")} ${String(err?.cause?.message ?? "")}`;
  return /UNIQUE constraint failed: idempotency_keys\.account_id, idempotency_keys\.key/.test(text);
}

/** The account ?1, the status ?2, the body ?3, the keys after them. */
function completionText(n: number): string {
  const keys = Array.from({ length: n }, (_, i) => `?${4 + i}`).join(", ");
  return `update idempotency_keys set state = 'completed', response_status = ?2, response_body = ?3
  where account_id = ?1 and key in (${keys})`;
}
