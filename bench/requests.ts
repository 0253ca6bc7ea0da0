import { sign } from "../src/http/auth/hmac";
import type { LoadRequest } from "./load";

/** The secrets every bench process starts the service with (production mode requires strong ones). */
export const benchSecrets = {
  VAPI_WEBHOOK_SECRET: "bench-webhook-secret-0123456789abcdef",
  ENCRYPTION_KEY: "42".repeat(32),
  ADMIN_JWT_SECRET: "bench-jwt-secret-0123456789abcdef012345",
};

const encoder = new TextEncoder();

/** A request signed as Vapi signs its server messages (timestamp + HMAC over `${ts}.${body}`). */
export function signedPost(path: string, payload: unknown): LoadRequest {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  return {
    method: "POST",
    path,
    headers: {
      "content-type": "application/json",
      "x-vapi-timestamp": String(ts),
      "x-vapi-signature": sign(benchSecrets.VAPI_WEBHOOK_SECRET, encoder.encode(`${ts}.${body}`)),
    },
    body,
  };
}

/** A Vapi `tool-calls` message with one call, from the bench's caller, for one clinic. */
export const toolCall = (id: string, name: string, args: Record<string, unknown>, accountId: string) => ({
  message: {
    type: "tool-calls",
    toolCallList: [{ id, type: "function", function: { name, arguments: args } }],
    call: { id: "bench-call", metadata: { accountId } },
    customer: { number: "+12025550101" },
  },
});

const DAY_MS = 86_400_000;

/**
 * The first day the bench books on: 60 days after today (UTC midnight). The service runs on the real
 * clock and refuses a time in the past, so a fixed day would stop the bench on the day after it. A run
 * books 190 slots a day from here.
 */
export const FIRST_BOOKING_DAY = Math.floor(Date.now() / DAY_MS) * DAY_MS + 60 * DAY_MS;

/** The day the availability calls ask about: a month into the booking days (the bench clinic is open every day). */
export const AVAILABILITY_DATE = new Date(FIRST_BOOKING_DAY + 30 * DAY_MS).toISOString().slice(0, 10);

/** The arguments of the i-th booking of a run: a new 15-minute slot each time, alternating two providers. */
export const bookingArgs = (i: number, firstDay = FIRST_BOOKING_DAY) => ({
  patientId: "1",
  start: new Date(firstDay + Math.floor(i / 190) * DAY_MS + Math.floor((i % 190) / 2) * 15 * 60_000).toISOString().slice(0, 19),
  durationMinutes: 15,
  providerId: String((i % 2) + 1),
  appointmentType: "exam",
});

/** The booking requests of a load run, each a new tool call on a new slot. */
export function bookingRequests(count: number, accountId: string): LoadRequest[] {
  return Array.from({ length: count }, (_, i) => signedPost("/api/vapi/webhook", toolCall(`book-${i}`, "book_appointment", bookingArgs(i), accountId)));
}

/** A load request as a fetch Request against `base` (for `app.handle` in process). */
export const asRequest = (base: string, r: LoadRequest) =>
  new Request(`${base}${r.path}`, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
