import { DateTime } from "luxon";
import { inPartOfDay, takenBy } from "../../domain/availability";
import type { Slot, SlotQuery } from "../../domain/slot";
import { isoOf } from "../../domain/time";
import type { BookingHold } from "../types";
import { rows, str } from "./values";

/**
 * The open slots of one `GET /available_slots` answer, for this location only: times read with the
 * offset NexHealth gives (the location's zone) and shown in the clinic's zone, past times, the part of
 * day not asked for and the gateway's own held bookings left out. Also the earliest
 * `next_available_date` NexHealth named for an empty provider.
 */
export function readSlots(
  data: unknown,
  input: { locationId: number; providerNames: Map<string, string>; held: BookingHold[]; nowMs: number; zone: string; query: SlotQuery },
): { slots: Slot[]; nextAvailable: string | null } {
  const { query, zone } = input;
  const slots: Slot[] = [];
  let nextAvailable: string | null = null;
  for (const group of rows(data)) {
    if (Number(group.lid) !== input.locationId) continue; // never another location's slots
    const providerId = str(group.pid);
    if (!input.providerNames.has(providerId)) continue;
    const next = str(group.next_available_date);
    if (next && (!nextAvailable || next < nextAvailable)) nextAvailable = next;
    for (const slot of rows(group.slots)) {
      const start = DateTime.fromISO(str(slot.time), { setZone: true });
      if (!start.isValid || start.toMillis() < input.nowMs) continue;
      const local = start.setZone(zone);
      if (!inPartOfDay(local.hour, query.partOfDay)) continue;
      const chair = slot.operatory_id === undefined || slot.operatory_id === null ? null : str(slot.operatory_id);
      const s0 = start.toMillis();
      if (takenBy(input.held, { providerId, operatoryId: chair, start: s0, end: s0 + query.durationMinutes * 60_000 })) continue;
      slots.push({
        start: isoOf(local),
        end: isoOf(local.plus({ minutes: query.durationMinutes })),
        providerId,
        providerName: input.providerNames.get(providerId) ?? providerId,
        operatoryId: chair,
      });
    }
  }
  slots.sort((a, b) => a.start.localeCompare(b.start));
  return { slots, nextAvailable };
}
