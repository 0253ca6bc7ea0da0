import { createHash } from "node:crypto";
import type { WritebackState } from "../types";
import type { SikkaClient } from "./client";
import { SikkaHttpError, SikkaNetworkError, SikkaTimeoutError } from "./errors";
import { readList, type SikkaResponse } from "./http";
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
  if (bool(row, "has_error")) {
    // The reason is Sikka's text: it is read for a taken slot, never shown or logged (it can name people).
    const slotTaken = /book|taken|conflict|overlap|not available|unavailable|occupied|double/i.test(text(row, "result"));
    return slotTaken
      ? { state: "failed", slotTaken: true, message: "That time was taken at the office before the booking reached the schedule." }
      : { state: "failed", message: "The practice system refused the change." };
  }
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

/**
 * A write whose answer never came back, or came back 502/504 (a proxy that lost the practice's reply),
 * may still have reached the PMS: it must not be sent again, only found.
 */
export const isUnknownWriteOutcome = (e: unknown): boolean =>
  e instanceof SikkaTimeoutError || e instanceof SikkaNetworkError || (e instanceof SikkaHttpError && (e.status === 502 || e.status === 504));

/** JSON with sorted keys, so the same body hashes the same whichever order its fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(String(value));
}

/** The fingerprint of a writeback's request body (values compared as strings, as Sikka stores them). */
export function requestFingerprint(body: Record<string, unknown>): string {
  return createHash("sha256").update(canonical(body)).digest("hex");
}

/** The app's writebacks since a time (App-Id/App-Key), looked through for one with this fingerprint. */
export async function findWritebackByFingerprint(client: SikkaClient, fingerprint: string, sentAfter: Date, today: Date): Promise<string | null> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const res = await client.asApp("GET", "/writebacks", { startdate: day(sentAfter), enddate: day(today) });
  for (const row of readList(res.body).items) {
    let body: unknown;
    try {
      body = JSON.parse(text(row, "api_request_body"));
    } catch {
      continue;
    }
    if (body && typeof body === "object" && requestFingerprint(body as Record<string, unknown>) === fingerprint) return text(row, "id") || null;
  }
  return null;
}

/** Deletes a writeback that is still pending; Sikka refuses (API4006) once it is no longer pending. */
export async function cancelPendingWriteback(client: SikkaClient, writebackId: string): Promise<"cancelled" | "not_pending"> {
  try {
    await client.asApp("DELETE", "/writebacks", { id: writebackId });
    return "cancelled";
  } catch (e) {
    if (e instanceof SikkaHttpError && (e.code === "API4006" || e.status === 400 || e.status === 404 || e.status === 409)) return "not_pending";
    throw e;
  }
}
