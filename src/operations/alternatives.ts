import { DateTime } from "luxon";
import type { OperationContext, OperationFailure } from "./operation";
import { listOf, spokenSlot } from "./speech";

/**
 * When a time turns out to be taken, the caller is still on the line: the refusal names a few other
 * open times that day, so the assistant can offer one at once instead of starting over.
 */
export async function withAlternatives(ctx: OperationContext, failure: OperationFailure, start: Date, durationMinutes: number): Promise<OperationFailure> {
  if (failure.code !== "SLOT_UNAVAILABLE") return failure;
  const day = DateTime.fromJSDate(start, { zone: ctx.practice.timezone }).toISODate();
  if (!day) return failure;
  const found = await ctx.connector.findSlots({ startDate: day, endDate: day, durationMinutes, appointmentType: null, limit: 3 }).catch(() => null);
  if (!found?.ok || found.value.slots.length === 0) return failure;
  const times = listOf(found.value.slots.slice(0, 3).map((s) => spokenSlot(s.start, s.providerName)));
  return { ...failure, message: `${failure.message} Other open times that day: ${times}.` };
}
