import { createHash } from "node:crypto";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
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
  return createHash("sha256")
    .update(`${action}\n${stableJson(args)}`)
    .digest("hex");
}

/** JSON with sorted keys, so the same arguments in another key order hash the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Exactly-once writes per (account, key). The claim is a single INSERT … ON CONFLICT DO NOTHING, so two
 * concurrent requests with one key cannot both win; the loser waits for the winner's outcome.
 */
export class IdempotencyStore {
  /** Claims and completions of n keys at once (a request holds one to three), each statement built once per n. */
  private readonly claimsOf = new Map<number, ReturnType<IdempotencyStore["buildClaims"]>>();
  private readonly completionsOf = new Map<number, ReturnType<IdempotencyStore["buildCompletion"]>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async claim(accountId: string, key: string, action: string, hash: string, waitMs = 8_000): Promise<Claim> {
    if ((await this.insertClaims(accountId, [{ key, hash }], action)).length > 0) return { kind: "claimed" };

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
   * Claims the keys of one request at once (its own key and its intent) with one INSERT. A key already
   * taken is then waited for, replayed or refused exactly as `claim` does; the first such refusal
   * decides, and later keys are not waited for. `claimed` lists every key this call holds (the caller
   * frees them when there is a refusal).
   */
  async claimAll(accountId: string, keys: Array<{ key: string; hash: string }>, action: string): Promise<{ claimed: string[]; refusal: Refusal | null }> {
    if (keys.length === 0) return { claimed: [], refusal: null };
    const inserted = await this.insertClaims(accountId, keys, action);
    const won = new Set(inserted.map((r) => r.key));
    const claimed: string[] = [];
    let refusal: Refusal | null = null;
    try {
      for (const k of keys) {
        if (won.has(k.key)) claimed.push(k.key);
        else if (refusal === null) {
          const claim = await this.claim(accountId, k.key, action, k.hash);
          if (claim.kind === "claimed") claimed.push(k.key);
          else refusal = claim;
        }
      }
    } catch (e) {
      // Nothing is claimed when the answer is an error: what this call took is freed again.
      for (const key of claimed) await this.release(accountId, key).catch(() => undefined);
      throw e;
    }
    return { claimed, refusal };
  }

  /** Records the outcome under each key in one statement. */
  async complete(accountId: string, keys: string[], outcome: StoredOutcome): Promise<void> {
    if (keys.length === 0) return;
    const values: Record<string, string | number> = { accountId, status: outcome.status, body: JSON.stringify(outcome.body) };
    keys.forEach((key, i) => {
      values[`key${i}`] = key;
    });
    await this.statement(this.completionsOf, keys.length, (n) => this.buildCompletion(n)).run(values);
  }

  /** One INSERT … ON CONFLICT DO NOTHING for the keys; returns the keys it inserted (the ones now held). */
  private insertClaims(accountId: string, keys: Array<{ key: string; hash: string }>, action: string) {
    const values: Record<string, string> = { accountId, action, createdAt: toSqlTimestamp(this.clock.now()) };
    keys.forEach((k, i) => {
      values[`key${i}`] = k.key;
      values[`hash${i}`] = k.hash;
    });
    return this.statement(this.claimsOf, keys.length, (n) => this.buildClaims(n)).all(values);
  }

  private statement<S>(cache: Map<number, S>, n: number, build: (n: number) => S): S {
    let statement = cache.get(n);
    if (!statement) {
      statement = build(n);
      cache.set(n, statement);
    }
    return statement;
  }

  private buildClaims(n: number) {
    const rows = Array.from({ length: n }, (_, i) => ({
      accountId: sql.placeholder("accountId"),
      key: sql.placeholder(`key${i}`),
      action: sql.placeholder("action"),
      requestHash: sql.placeholder(`hash${i}`),
      state: "in_progress" as const,
      createdAt: sql.placeholder("createdAt"),
    }));
    return this.db.insert(idempotencyKeys).values(rows).onConflictDoNothing().returning({ key: idempotencyKeys.key }).prepare();
  }

  private buildCompletion(n: number) {
    const keys = Array.from({ length: n }, (_, i) => sql.placeholder(`key${i}`));
    return this.db
      .update(idempotencyKeys)
      .set({ state: "completed", responseStatus: sql`${sql.placeholder("status")}`, responseBody: sql`${sql.placeholder("body")}` })
      .where(and(eq(idempotencyKeys.accountId, sql.placeholder("accountId")), inArray(idempotencyKeys.key, keys)))
      .prepare();
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
