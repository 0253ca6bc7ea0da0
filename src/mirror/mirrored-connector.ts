import { DateTime } from "luxon";
import type { MirrorSettings } from "../config";
import { DelegatingConnector } from "../connectors/delegating-connector";
import type { BookingHolds, PmsConnector, PmsResult, SlotSearch } from "../connectors/types";
import { busyFrom, freeSlots } from "../domain/availability";
import type { PracticeSettings } from "../domain/practice";
import { MAX_RANGE_DAYS, type Slot, type SlotQuery } from "../domain/slot";
import { clinicDaysSpan } from "../domain/time";
import { zoneOf } from "../domain/zone";
import type { Clock } from "../lib/clock";
import { ok } from "../lib/result";
import type { MirrorState, MirrorStore } from "./store";

type Live = PmsConnector;

/** "3 minutes", "2 hours": how old the copy is, in words a caller hears. */
function ageInWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

/** What the assistant should say about a copy that may be behind the office's system; null when fresh. */
export function staleness(state: MirrorState, nowMs: number, staleAfterMs: number): string | null {
  const age = nowMs - state.syncedAt;
  if (state.lastError !== null)
    return `I couldn't reach the office's scheduling system just now, so this schedule is from ${ageInWords(age)} ago and may be out of date; the office will confirm any time booked.`;
  if (age > staleAfterMs) return `The office's schedule was last updated ${ageInWords(age)} ago, so some of these times may already be taken.`;
  return null;
}

/**
 * A clinic's connector with availability answered from the schedule mirror (milliseconds, whatever the
 * vendor's latency, and still while the vendor is down) and everything else live. Bookings are placed
 * live, so a copy seconds behind never double-books; a conflict found then brings the mirror's next
 * refresh forward.
 */
export class MirroredConnector extends DelegatingConnector {
  constructor(
    live: Live,
    private readonly practice: PracticeSettings,
    private readonly deps: { store: MirrorStore; holds: BookingHolds; clock: Clock; settings: MirrorSettings },
  ) {
    super(live);
  }

  override async findSlots(query: SlotQuery): Promise<PmsResult<SlotSearch>> {
    const state = await this.deps.store.state(this.practice.accountId);
    // Not loaded yet, answered live by design (the PMS publishes its own slots), or outside the days kept.
    if (!state || state.frame.liveOnly !== null || query.startDate < state.windowFrom || query.endDate > state.windowTo) return this.live.findSlots(query);
    const slots = await this.slotsFromMirror(state, query);
    const notices = [staleness(state, this.deps.clock.now().getTime(), this.deps.settings.staleAfterMs) ?? state.frame.notice];
    if (slots.length === 0) {
      // Nothing on the days asked: name the next opening the copy knows of, as a receptionist would.
      const next = DateTime.fromISO(query.endDate, { zone: zoneOf(this.practice.timezone) }).plus({ days: 1 });
      const last = DateTime.min(next.plus({ days: MAX_RANGE_DAYS - 1 }), DateTime.fromISO(state.windowTo, { zone: zoneOf(this.practice.timezone) }));
      if (next <= last) {
        const [first] = await this.slotsFromMirror(state, { ...query, startDate: next.toISODate() ?? "", endDate: last.toISODate() ?? "" });
        if (first) notices.push(`The next opening is on ${DateTime.fromISO(first.start, { setZone: true }).toFormat("cccc, LLLL d")}.`);
      }
    }
    const notice = notices.filter((n): n is string => n !== null).join(" ");
    return ok(notice ? { slots, mayBeIncomplete: notice } : { slots });
  }

  /** Free slots between the query's days: the copy's bookings and the gateway's own holds subtracted. */
  private async slotsFromMirror(state: MirrorState, query: SlotQuery): Promise<Slot[]> {
    const { fromMs, toMs } = clinicDaysSpan(query.startDate, query.endDate, this.practice.timezone);
    const [booked, held] = await Promise.all([
      this.deps.store.bookings(this.practice.accountId, fromMs, toMs),
      this.deps.holds.active(this.practice.accountId, fromMs, toMs),
    ]);
    return freeSlots({
      practice: this.practice,
      providers: state.frame.providers,
      // The gateway's own bookings the vendor has not reported yet are busy too.
      busy: [...booked, ...held].map(busyFrom),
      query: { ...query, appointmentType: null },
      now: this.deps.clock.now(),
      stepByDuration: state.frame.stepByDuration,
    });
  }

  private async refreshOnConflict<T>(result: PmsResult<T>): Promise<PmsResult<T>> {
    if (!result.ok && result.error.code === "slot_unavailable") await this.deps.store.requestRefresh(this.practice.accountId);
    return result;
  }

  override async bookAppointment(request: Parameters<Live["bookAppointment"]>[0]) {
    return this.refreshOnConflict(await this.live.bookAppointment(request));
  }

  override async rescheduleAppointment(request: Parameters<Live["rescheduleAppointment"]>[0]) {
    return this.refreshOnConflict(await this.live.rescheduleAppointment(request));
  }
}

/** The decorator the composition root gives `PmsIntegrations`: mirrored availability for feed-backed PMSs. */
export function mirroredConnectors(deps: { store: MirrorStore; holds: BookingHolds; clock: Clock; settings: MirrorSettings }) {
  return (practice: PracticeSettings, live: PmsConnector): PmsConnector => (live.scheduleFeed ? new MirroredConnector(live, practice, deps) : live);
}
