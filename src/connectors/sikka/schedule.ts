import { DateTime } from "luxon";
import { type BusyInterval, busyFrom, freeSlots, inPartOfDay, type ScheduleProvider, takenBy, withinOfficeHours } from "../../domain/availability";
import type { PracticeSettings } from "../../domain/practice";
import type { BookedRange } from "../../domain/schedule";
import type { Slot, SlotQuery } from "../../domain/slot";
import { clinicDaysSpan, isoDateOf, isoOf } from "../../domain/time";
import { zoneOf } from "../../domain/zone";
import type { Clock } from "../../lib/clock";
import { err, ok } from "../../lib/result";
import type { BookingHolds } from "../types";
import { connectorError } from "../types";
import { MAX_PAGE_SIZE, type SikkaClient } from "./client";
import { SikkaProtocolError } from "./errors";
import { APPOINTMENT_QUERY, appointmentInterval, isCancelled } from "./mappers";
import type { PracticeFacts } from "./practice-facts";
import { datePart, type SikkaRow, text } from "./values";

/**
 * A Sikka practice's schedule: its active providers, its chairs and its booked appointments, and from
 * them free slots and the placement of a new booking (Sikka has no slot API for most PMSs).
 */
export class SikkaSchedule {
  constructor(
    private readonly client: SikkaClient,
    private readonly practice: PracticeSettings,
    private readonly clock: Clock,
    private readonly facts: PracticeFacts,
    /** The gateway's own bookings Sikka's synced copy may not show yet. */
    private readonly holds: BookingHolds,
  ) {}

  private get zone() {
    return this.practice.timezone;
  }

  async activeProviders(): Promise<SikkaRow[]> {
    // Every page: an office-wide list of a large office runs past one page, with this practice's rows anywhere in it.
    const { rows } = await this.client.getAll("/providers", { status: "active", provider_type: "Provider" });
    return rows.filter(
      (r) => this.client.owns(r) && /^active$/i.test(text(r, "status")) && (!text(r, "provider_type") || /provider/i.test(text(r, "provider_type"))),
    );
  }

  /** Active providers of this practice with the chairs each may use (unassigned chairs are shared). */
  async providersWithChairs(): Promise<ScheduleProvider[]> {
    const custId = await this.facts.custId();
    const [providers, operatories] = await Promise.all([
      this.activeProviders(),
      custId ? this.client.getAll("/operatories", { cust_id: custId, is_hidden: "F" }).then((list) => list.rows) : Promise.resolve([] as SikkaRow[]),
    ]);
    const chairs = operatories
      .filter((o) => this.client.owns(o) && text(o, "is_hidden") !== "T")
      .map((o) => ({ id: text(o, "operatory"), providers: text(o, "provider_id").split("|").filter(Boolean) }));
    return providers.map((p) => {
      const id = text(p, "provider_id");
      const own = chairs.filter((c) => c.providers.includes(id)).map((c) => c.id);
      return {
        id,
        name: [text(p, "firstname"), text(p, "lastname")].filter(Boolean).join(" ") || id,
        operatoryIds: own.length > 0 ? own : chairs.filter((c) => c.providers.length === 0).map((c) => c.id),
        appointmentTypes: null,
      };
    });
  }

  /** An appointment row as a booked range; null when it holds no time (cancelled, or unreadable). */
  rangeOf(row: SikkaRow): BookedRange | null {
    if (isCancelled(row)) return null;
    const interval = appointmentInterval(row, this.zone);
    if (!interval) return null;
    return {
      id: text(row, "appointment_sr_no"),
      patientId: text(row, "patient_id") || null,
      providerId: text(row, "provider_id") || null,
      operatoryId: text(row, "operatory") || null,
      startMs: interval.start.getTime(),
      endMs: interval.end.getTime(),
    };
  }

  /**
   * Every booking between two clinic-local days. A read cut short (more bookings than the scan's bound)
   * would show taken times as free, so it is an error rather than a partial answer.
   */
  async bookedRanges(fromDate: string, toDate: string): Promise<BookedRange[]> {
    const { rows, complete } = await this.client.getAll("/appointments", { startdate: fromDate, enddate: toDate, ...APPOINTMENT_QUERY }, MAX_PAGE_SIZE);
    if (!complete) throw new SikkaProtocolError("Sikka's schedule for that range is longer than the gateway reads at once");
    return rows.flatMap((row) => {
      const range = this.rangeOf(row);
      return range ? [range] : [];
    });
  }

  /** Active providers with the chairs they may use, and every booked interval between two days. */
  private async load(fromDate: string, toDate: string, excludeAppointmentId: string | null) {
    const { fromMs, toMs } = clinicDaysSpan(fromDate, toDate, this.zone);
    const [schedule, booked, held] = await Promise.all([
      this.providersWithChairs(),
      this.bookedRanges(fromDate, toDate),
      this.holds.active(this.practice.accountId, fromMs, toMs),
    ]);
    // The gateway's own bookings Sikka's copy may not show yet are busy too.
    const busy = [...booked.filter((b) => b.id !== excludeAppointmentId), ...held].map(busyFrom);
    return { schedule, busy };
  }

  async computedSlots(query: SlotQuery): Promise<Slot[]> {
    const { schedule, busy } = await this.load(query.startDate, query.endDate, null);
    return freeSlots({ practice: this.practice, providers: schedule, busy, query: { ...query, appointmentType: null }, now: this.clock.now() });
  }

  /** OrthoTrac and Dolphin publish their own open slots; use them as they are. */
  async vendorSlots(query: SlotQuery): Promise<Slot[]> {
    const [{ rows }, providers] = await Promise.all([
      // `end_time` and `operatory` come only with `fields=get_all`.
      this.client.getAll("/appointments_available_slots", {
        startdate: query.startDate,
        enddate: query.endDate,
        fields: "get_all",
        ...(query.providerId ? { provider_id: query.providerId } : {}),
      }),
      this.activeProviders(),
    ]);
    const names = new Map(providers.map((p) => [text(p, "provider_id"), [text(p, "firstname"), text(p, "lastname")].filter(Boolean).join(" ")]));
    const now = this.clock.now().getTime();
    const { fromMs, toMs } = clinicDaysSpan(query.startDate, query.endDate, this.zone);
    const held = await this.holds.active(this.practice.accountId, fromMs, toMs);
    const slots: Slot[] = [];
    for (const row of rows) {
      const date = datePart(row, "date");
      const start = date ? DateTime.fromISO(`${date}T${text(row, "time").padStart(5, "0")}`, { zone: zoneOf(this.zone) }) : null;
      if (!start?.isValid || start.toMillis() < now) continue;
      const endText = text(row, "end_time");
      const end = endText
        ? DateTime.fromISO(`${date}T${endText.padStart(5, "0")}`, { zone: zoneOf(this.zone) })
        : start.plus({ minutes: query.durationMinutes });
      if (end.diff(start, "minutes").minutes < query.durationMinutes) continue;
      if (!inPartOfDay(start.hour, query.partOfDay)) continue;
      const providerId = text(row, "provider_id");
      const chair = text(row, "operatory") || null;
      const s0 = start.toMillis();
      if (takenBy(held, { providerId, operatoryId: chair, start: s0, end: s0 + query.durationMinutes * 60_000 })) continue;
      slots.push({
        start: isoOf(start),
        end: isoOf(start.plus({ minutes: query.durationMinutes })),
        providerId,
        providerName: names.get(providerId) || providerId,
        operatoryId: text(row, "operatory") || null,
      });
    }
    return slots.sort((a, b) => a.start.localeCompare(b.start));
  }

  /**
   * For a PMS that publishes its own open slots: the slot starting at that time (for that provider),
   * with its own chair and length, which the booking must use as they are.
   */
  async vendorPlacement(start: Date, minutes: number, providerId: string | undefined) {
    const day = isoDateOf(DateTime.fromJSDate(start, { zone: zoneOf(this.zone) }));
    const { rows } = await this.client.getAll("/appointments_available_slots", {
      startdate: day,
      enddate: day,
      fields: "get_all",
      ...(providerId ? { provider_id: providerId } : {}),
    });
    for (const row of rows) {
      const startAt = DateTime.fromISO(`${day}T${text(row, "time").padStart(5, "0")}`, { zone: zoneOf(this.zone) });
      const endText = text(row, "end_time");
      const endAt = endText ? DateTime.fromISO(`${day}T${endText.padStart(5, "0")}`, { zone: zoneOf(this.zone) }) : null;
      if (!startAt.isValid || startAt.toMillis() !== start.getTime() || !endAt?.isValid) continue;
      const length = Math.round(endAt.diff(startAt, "minutes").minutes);
      if (length < minutes || (providerId && text(row, "provider_id") !== providerId)) continue;
      return ok({ providerId: text(row, "provider_id"), operatoryId: text(row, "operatory") || null, minutes: length });
    }
    return err(connectorError("slot_unavailable", "That time is no longer free."));
  }

  /**
   * Re-checks the requested time against current appointments right before writing (reads lag the
   * PMS), and picks the provider and chair.
   */
  async freePlacement(start: Date, minutes: number, providerId: string | undefined, excludeAppointmentId: string | null) {
    if (start.getTime() < this.clock.now().getTime()) return err(connectorError("slot_unavailable", "That time is in the past."));
    if (!withinOfficeHours(this.practice, start, minutes)) return err(connectorError("slot_unavailable", "That time is outside office hours."));
    const day = isoDateOf(DateTime.fromJSDate(start, { zone: zoneOf(this.zone) }));
    const { schedule, busy } = await this.load(day, day, excludeAppointmentId);
    const candidates = schedule.filter((p) => !providerId || p.id === providerId);
    if (providerId && candidates.length === 0) return err(connectorError("invalid_request", "No active provider with that id at this practice."));
    const s = start.getTime();
    const e = s + minutes * 60_000;
    const overlaps = (b: BusyInterval) => b.start < e && s < b.end;
    for (const p of candidates) {
      if (busy.some((b) => b.providerId === p.id && overlaps(b))) continue;
      const chair = p.operatoryIds.find((o) => !busy.some((b) => b.operatoryId === o && overlaps(b)));
      if (p.operatoryIds.length > 0 && !chair) continue;
      return ok({ providerId: p.id, operatoryId: chair ?? null, minutes });
    }
    return err(connectorError("slot_unavailable", "That time is no longer free."));
  }
}
