import type { WritebackState } from "../types";
import type { SikkaClient } from "./client";
import { SikkaHttpError } from "./errors";
import type { SikkaResponse } from "./http";
import { bool, type SikkaRow, text } from "./values";

const POLL_INTERVAL_MS = 400;

/** The writeback id from an accepted write: `long_message: "Id:275495"` or `more_information: "…?id=275495"`. */
export function writebackIdOf(res: Pick<SikkaResponse, "body" | "status">): string | null {
  const body = (Array.isArray(res.body) ? res.body[0] : res.body) as Record<string, unknown> | null;
  const fromLong = /Id:\s*(\d+)/i.exec(String(body?.long_message ?? ""))?.[1];
  return fromLong ?? /[?&]id=(\d+)/.exec(String(body?.more_information ?? ""))?.[1] ?? null;
}

export async function writebackState(client: SikkaClient, writebackId: string): Promise<WritebackState> {
  let rows: SikkaRow[];
  try {
    rows = await client.get("/writeback_status", { id: writebackId });
  } catch (e) {
    // Some Sikka plans may not call writeback_status: the write was accepted, so it stays pending.
    if (e instanceof SikkaHttpError && (e.status === 401 || e.status === 403)) return { state: "pending" };
    throw e;
  }
  const row = rows[0];
  if (!row) return { state: "pending" };
  if (bool(row, "has_error")) return { state: "failed", message: "The practice system refused the change." };
  if (bool(row, "is_completed")) return { state: "completed", createdId: text(row, "created_id") || null };
  return { state: "pending" };
}

/** Polls until the writeback completes, fails or the caller's in-call budget runs out. */
export async function awaitWriteback(client: SikkaClient, writebackId: string, budgetEnd: number, now: () => number): Promise<WritebackState> {
  for (;;) {
    const state = await writebackState(client, writebackId);
    if (state.state !== "pending") return state;
    if (now() + POLL_INTERVAL_MS >= budgetEnd) return state;
    await Bun.sleep(POLL_INTERVAL_MS);
  }
}
