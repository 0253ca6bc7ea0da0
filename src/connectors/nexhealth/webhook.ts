import { createHmac } from "node:crypto";
import { safeEqualStrings } from "../../lib/timing-safe";
import type { WebhookDelivery, WebhookOutcome } from "../types";
import { obj, str } from "./values";
import { appointmentWriteId, paymentWriteId } from "./write-ids";

/**
 * How far a delivery's `timestamp` may be from our clock. NexHealth does not document whether a retry
 * is re-signed with a fresh timestamp; if it is not, a late retry is refused here and the background
 * poll (`foreign_id`, `transaction_id`) settles the write instead, so nothing is lost by being strict.
 */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Epoch ms of the `timestamp` header: seconds, milliseconds or an ISO time (the format is undocumented). */
function timestampMs(value: string): number | null {
  if (/^[0-9]{9,11}$/.test(value)) return Number(value) * 1000;
  if (/^[0-9]{12,14}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * NexHealth's signature: hex(HMAC-SHA256(secret, timestamp + "." + base64(raw body))), headers
 * `timestamp` and `signature`. The scheme comes from integrators who verified it against real
 * deliveries, not from NexHealth's own page; the older `X-NexHealth-Signature` form (HMAC of the raw
 * body alone) did not match real deliveries and is not accepted.
 */
export function signDelivery(secret: string, timestamp: string, rawBody: Uint8Array): string {
  return createHmac("sha256", secret)
    .update(`${timestamp}.${Buffer.from(rawBody).toString("base64")}`)
    .digest("hex");
}

export function verifyDelivery(secret: string, headers: Headers, rawBody: Uint8Array, nowMs: number): boolean {
  const timestamp = headers.get("timestamp");
  const signature = headers.get("signature");
  if (!timestamp || !signature || timestamp.length > 40 || signature.length > 200) return false;
  const at = timestampMs(timestamp);
  if (at === null || Math.abs(nowMs - at) > SIGNATURE_WINDOW_MS) return false;
  return safeEqualStrings(signature.toLowerCase(), signDelivery(secret, timestamp, rawBody));
}

const FAILED = new Set(["failed", "timed_out", "incomplete"]);
/** Events after which a location's schedule may differ (with or without a result suffix). */
const SCHEDULE_EVENTS = new Set(["appointment_created", "appointment_updated", "appointment_insertion"]);

/**
 * The pending writes a verified delivery settles, and the locations whose schedule it says changed.
 * Only insertion results settle anything; other events are acknowledged and otherwise ignored. The
 * write ids are bound to the payload's institution, so an event can only ever settle a write the
 * gateway made for that institution.
 */
export function readDelivery(payload: unknown): WebhookDelivery {
  const body = obj(payload);
  const eventName = str(body.event_name);
  const subdomain = str(body.subdomain);
  const [event, result] = eventName.split(".");
  const data = obj(body.data);
  const outcomes: WebhookOutcome[] = [];
  let resourceId = "";
  let updatedAt = str(body.event_time);
  if (subdomain && result && event === "appointment_insertion") {
    const appt = obj(data.appointment);
    resourceId = str(appt.id);
    updatedAt = str(appt.updated_at) || updatedAt;
    if (resourceId && result === "complete")
      outcomes.push({ writebackId: appointmentWriteId(subdomain, resourceId), state: { state: "completed", createdId: resourceId } });
    if (resourceId && FAILED.has(result)) {
      outcomes.push({
        writebackId: appointmentWriteId(subdomain, resourceId),
        state: { state: "failed", message: `NexHealth reported the insertion as ${result}.` },
      });
    }
  }
  if (subdomain && result && event === "payment_insertion") {
    const payment = obj(data.payment);
    resourceId = str(payment.id);
    updatedAt = str(payment.updated_at) || updatedAt;
    const transactionId = str(payment.transaction_id);
    if (transactionId && result === "complete")
      outcomes.push({ writebackId: paymentWriteId(subdomain, transactionId), state: { state: "completed", createdId: resourceId || null } });
    if (transactionId && FAILED.has(result)) {
      outcomes.push({
        writebackId: paymentWriteId(subdomain, transactionId),
        state: { state: "failed", message: `NexHealth reported the payment as ${result}.` },
      });
    }
  }
  // A booking appeared, changed or was inserted at the office: the location's schedule mirror is due.
  const scheduleChanged: string[] = [];
  if (subdomain && SCHEDULE_EVENTS.has(event ?? "")) {
    const appointments = [obj(data.appointment), ...(Array.isArray(data.appointments) ? data.appointments.map(obj) : [])];
    for (const appt of appointments) {
      if (str(appt.location_id)) scheduleChanged.push(`${subdomain}:${str(appt.location_id)}`);
      if (!resourceId) {
        resourceId = str(appt.id);
        updatedAt = str(appt.updated_at) || updatedAt;
      }
    }
  }
  // NexHealth documents no delivery id: resource, event and its time identify a redelivery.
  return {
    dedupeKey: `${eventName}:${subdomain}:${resourceId}:${updatedAt}`,
    event: eventName || "unknown",
    outcomes,
    ...(scheduleChanged.length > 0 ? { scheduleChanged: [...new Set(scheduleChanged)] } : {}),
  };
}
