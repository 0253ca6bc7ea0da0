// Longer than 300 lines on purpose: the eleven operations against NexHealth share one client, the
// location's facts, the per-PMS capability gates and the pending-write tracking; each method is short.
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import type { Appointment } from "../../domain/appointment";
import { fromCents } from "../../domain/billing";
import { last4 } from "../../domain/insurance";
import { MAX_SEARCH_RESULTS } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import type { PracticeSettings } from "../../domain/practice";
import type { Slot, SlotQuery } from "../../domain/slot";
import { parseSpokenQuery } from "../../domain/spoken-query";
import { clinicDaysSpan, formatInClinicZone } from "../../domain/time";
import { zoneOf } from "../../domain/zone";
import { err, ok } from "../../lib/result";
import { guardVendorCall } from "../resilience";
import {
  type BookingHolds,
  type ConnectorDeps,
  connectorError,
  type PmsConnector,
  type PmsResult,
  type SlotSearch,
  type WritebackState,
  type WritebackTracker,
} from "../types";
import { type Capability, capable, unsupportedMessage } from "./capabilities";
import type { NexHealthClient } from "./client";
import type { NexHealthCredentials } from "./credentials";
import { isUnknownOutcome, toConnectorError } from "./errors";
import { NexHealthError } from "./http";
import type { LocationFacts } from "./location-facts";
import { tenDigits, toAppointment, toPatient, utcTime } from "./mappers";
import { nexHealthScheduleFeed } from "./schedule-feed";
import { readSlots } from "./slots";
import { moneyAmount, obj, type Row, rows, str } from "./values";
import { appointmentWriteId, paymentWriteId } from "./write-ids";

const POLL_INTERVAL_MS = 400;

/**
 * NexHealth's Synchronizer API behind the PmsConnector interface. Reads come from NexHealth's copy of
 * the PMS; writes are accepted by NexHealth at once and inserted into the PMS later, so a booking or a
 * payment is pending until NexHealth reports the insertion (webhook, or `foreign_id` on a re-read).
 */
export class NexHealthConnector implements PmsConnector {
  constructor(
    private readonly client: NexHealthClient,
    private readonly credentials: NexHealthCredentials,
    private readonly practice: PracticeSettings,
    private readonly deps: ConnectorDeps,
    private readonly facts: LocationFacts,
    private readonly tracker: WritebackTracker,
    private readonly holds: BookingHolds,
    /** When the in-call wait for an insertion ends (`performance.now()` time). */
    private readonly waitEnd: number,
  ) {}

  private get locationId(): number {
    return Number(this.credentials.locationId);
  }

  private get zone() {
    return this.practice.timezone;
  }

  private guard<T>(work: () => Promise<PmsResult<T>>): Promise<PmsResult<T>> {
    return guardVendorCall(work, toConnectorError, { logger: this.deps.logger, accountId: this.practice.accountId, vendor: "nexhealth" });
  }

  private unsupported(capability: Capability): PmsResult<never> {
    return err(connectorError("unsupported", unsupportedMessage(capability)));
  }

  /** Writes are refused before they are sent when NexHealth says writes to this PMS are failing. */
  private async writesBlocked(): Promise<PmsResult<never> | null> {
    const sync = await this.facts.syncStatus();
    return sync.writeRed ? err(connectorError("unavailable", "The office's system is not taking changes right now; nothing was sent. Try again later.")) : null;
  }

  scheduleFeed() {
    return nexHealthScheduleFeed({
      client: this.client,
      facts: this.facts,
      clock: this.deps.clock,
      subdomain: this.credentials.subdomain,
      locationId: this.locationId,
      zone: this.zone,
      guard: (work) => this.guard(work),
    });
  }

  // ----- reads -----

  findSlots(query: SlotQuery) {
    return this.guard(async (): Promise<PmsResult<SlotSearch>> => {
      const providers = await this.facts.bookableProviders();
      const wanted = query.providerId ? providers.filter((p) => p.id === query.providerId) : providers;
      if (wanted.length === 0) return ok({ slots: [] });
      const days = Math.round(DateTime.fromISO(query.endDate).diff(DateTime.fromISO(query.startDate), "days").days) + 1;
      const res = await this.client.call("GET", "/available_slots", {
        start_date: query.startDate,
        days: Math.min(days, 14),
        lids: [this.locationId],
        pids: wanted.map((p) => p.id),
        slot_length: query.durationMinutes,
      });
      const names = new Map(providers.map((p) => [p.id, p.name]));
      const { fromMs, toMs } = clinicDaysSpan(query.startDate, query.endDate, this.zone);
      const held = await this.holds.active(this.practice.accountId, fromMs, toMs);
      const { slots, nextAvailable } = readSlots(res.data, {
        locationId: this.locationId,
        providerNames: names,
        held,
        nowMs: this.deps.clock.now().getTime(),
        zone: this.zone,
        query,
      });
      const sync = await this.facts.syncStatus();
      const notices = [
        sync.readRed ? "The office's schedule has not synced recently, so some of these times may already be taken." : null,
        slots.length === 0 && nextAvailable ? `The next opening is on ${DateTime.fromISO(nextAvailable).toFormat("cccc, LLLL d")}.` : null,
      ].filter((n): n is string => n !== null);
      return ok(notices.length > 0 ? { slots, mayBeIncomplete: notices.join(" ") } : { slots });
    });
  }

  getAppointment(appointmentId: string) {
    return this.guard(async () => {
      const appt = await this.appointmentRow(appointmentId);
      return appt ? ok(toAppointment(appt, this.zone)) : err(connectorError("appointment_not_found", "No appointment with that id at this practice."));
    });
  }

  searchPatients(search: Parameters<PmsConnector["searchPatients"]>[0]) {
    return this.guard(async () => {
      const { names, phone, dateOfBirth, invalidPhone } = parseSpokenQuery(search);
      if (invalidPhone) return ok([]);
      const name = [search.firstName, search.lastName].filter(Boolean).join(" ") || names.join(" ");
      const found = await this.client.all("/patients", {
        location_id: this.locationId,
        // Without it the search spans every location on the same server.
        location_strict: true,
        inactive: false,
        non_patient: false,
        ...(name ? { name } : {}),
        ...(dateOfBirth ? { date_of_birth: dateOfBirth } : {}),
        ...(phone && !name && !dateOfBirth ? { phone_number: tenDigits(phone) } : {}),
      });
      // NexHealth's name match is fuzzy and email/phone widen it: every criterion is applied here too.
      const prefix = (value: string, wanted: string | undefined) => !wanted || value.toLowerCase().startsWith(wanted.toLowerCase());
      const patients = rows(found)
        .map((r) => toPatient(r))
        .filter(
          (p) =>
            prefix(p.firstName, search.firstName) &&
            prefix(p.lastName, search.lastName) &&
            names.every((n) => p.firstName.toLowerCase().startsWith(n) || p.lastName.toLowerCase().startsWith(n)) &&
            (!dateOfBirth || p.dateOfBirth === dateOfBirth) &&
            (!phone || p.phone === phone),
        );
      return ok(patients.slice(0, MAX_SEARCH_RESULTS));
    });
  }

  getPatient(patientId: string) {
    return this.guard(async () => {
      const row = await this.patientRow(patientId);
      return row ? ok(toPatient(row)) : err(connectorError("patient_not_found", "No patient with that id at this practice."));
    });
  }

  getBalance(patientId: string) {
    return this.guard(async () => {
      const patient = await this.patientRow(patientId);
      if (!patient) return err(connectorError("patient_not_found", "No patient with that id at this practice."));
      const guarantor = str(patient.guarantor_id) || patientId;
      try {
        // No row: NexHealth leaves zero balances out unless asked (`show_zero_balances`).
        const items = rows(await this.client.all("/guarantor_balances", { location_id: this.locationId, guarantor_id: guarantor }));
        const row = items.find((item) => str(item.guarantor_id) === guarantor);
        const total = row ? moneyAmount(row.total_balance) : 0;
        const patientPortion = row ? moneyAmount(row.guarantor_portion) : 0;
        const insurancePortion = row ? moneyAmount(row.insurance_estimate) : 0;
        // Never "0" for what cannot be read: rows about other guarantors only (the filter was not applied,
        // and none of their amounts is this patient's to hear), or an amount missing or unreadable.
        if ((!row && items.length > 0) || total === null || patientPortion === null || insurancePortion === null)
          return err(connectorError("upstream_error", "The practice system gave an answer we could not use."));
        return ok({
          patientId,
          total: Math.round(total * 100) / 100,
          patientPortion: Math.round(patientPortion * 100) / 100,
          insurancePortion: Math.round(insurancePortion * 100) / 100,
          currency: this.practice.currency,
          asOf: formatInClinicZone(this.deps.clock.now(), this.zone),
        });
      } catch (e) {
        if (e instanceof NexHealthError && e.status === 403) {
          return err(connectorError("unsupported", "Balances aren't available for this office yet (its financial data is not enabled); the office can help."));
        }
        throw e;
      }
    });
  }

  getInsurance(patientId: string) {
    return this.guard(async () => {
      const patient = await this.patientRow(patientId, ["insurance_coverages"]);
      if (!patient) return err(connectorError("patient_not_found", "No patient with that id at this practice."));
      const coverages = rows(patient.insurance_coverages).filter((c) => c.active !== false);
      coverages.sort((a, b) => Number(a.priority ?? 9) - Number(b.priority ?? 9));
      return ok(
        coverages.map((c, i) => {
          const relation = str(c.subscription_relation);
          return {
            // The carrier is the plan's name; only the last four of the member id ever leave the gateway.
            carrier: str(obj(c.plan).name) || "Insurance on file",
            memberIdLast4: last4(str(c.subscriber_num)),
            groupNumber: str(obj(c.plan).group_num) || null,
            relationship: relation === "self" || relation === "spouse" || relation === "child" ? relation : "other",
            priority: i === 0 ? ("primary" as const) : ("secondary" as const),
          };
        }),
      );
    });
  }

  // ----- writes -----

  bookAppointment(request: Parameters<PmsConnector["bookAppointment"]>[0]) {
    return this.guard(async (): Promise<PmsResult<Appointment>> => {
      const blocked = await this.writesBlocked();
      if (blocked) return blocked;
      if (!(await this.patientRow(request.patientId))) return err(connectorError("patient_not_found", "No patient with that id at this practice."));
      const slot = await this.liveSlot(request.start, request.durationMinutes, request.providerId);
      if (!slot) return err(connectorError("slot_unavailable", "That time is no longer free."));
      const end = new Date(request.start.getTime() + request.durationMinutes * 60_000);
      const holdId = await this.hold(slot, request.start, end);
      if (!holdId) return err(connectorError("slot_unavailable", "That time was just booked by another caller."));
      let created: Row;
      try {
        const res = await this.client.call(
          "POST",
          "/appointments",
          { location_id: this.locationId, notify_patient: false },
          {
            appt: {
              patient_id: Number(request.patientId),
              provider_id: Number(slot.providerId),
              ...(slot.operatoryId ? { operatory_id: Number(slot.operatoryId) } : {}),
              start_time: utcTime(request.start),
              end_time: utcTime(end),
              ...(request.notes || request.appointmentType ? { note: [request.appointmentType, request.notes].filter(Boolean).join(": ").slice(0, 128) } : {}),
            },
          },
        );
        created = obj(obj(res.data).appt);
      } catch (e) {
        if (isUnknownOutcome(e)) {
          // NexHealth has no idempotency keys: the booking may exist. It is never re-sent; the poller
          // finds it by patient, provider and time among the app's own bookings, or gives up.
          const reference = await this.track("book_appointment", "", request.patientId, bookingFingerprint(request.patientId, slot.providerId, request.start));
          await this.holds.attach(holdId, reference);
          const unsure = toAppointment(
            {
              patient_id: request.patientId,
              provider_id: slot.providerId,
              operatory_id: slot.operatoryId,
              start_time: request.start.toISOString(),
              end_time: end.toISOString(),
            },
            this.zone,
          );
          return ok({ ...unsure, id: null, confirmation: "pending" as const, reference });
        }
        await this.holds.release(holdId);
        // NexHealth documents no conflict code: a refused booking is read as "the slot was taken".
        if (e instanceof NexHealthError && e.status === 400) return err(connectorError("slot_unavailable", "That time is no longer free."));
        throw e;
      }
      const appointment = toAppointment({ ...created, provider_name: slot.providerName }, this.zone);
      // Tracked before waiting: an insertion event that arrives while the caller waits settles it.
      const reference = await this.track("book_appointment", appointmentWriteId(this.credentials.subdomain, str(created.id)), request.patientId);
      await this.holds.attach(holdId, reference);
      const state = await this.awaitInsertion(str(created.id), reference);
      if (state === "completed") return ok({ ...appointment, id: str(created.id), confirmation: "confirmed" as const });
      if (state === "failed") return err(connectorError("upstream_error", "The office's system did not accept the booking; nothing was booked."));
      // Pending: the NexHealth record's id is the reference the office can look up.
      return ok({ ...appointment, id: null, confirmation: "pending" as const, reference: str(created.id) });
    });
  }

  rescheduleAppointment(request: Parameters<PmsConnector["rescheduleAppointment"]>[0]) {
    return this.guard(async (): Promise<PmsResult<Appointment>> => {
      const found = await this.appointmentToChange("reschedule", request.appointmentId);
      if (!found.ok) return found;
      const current = found.value;
      // NexHealth moves an appointment in time and chair only; its provider stays.
      if (request.providerId && request.providerId !== str(current.provider_id)) {
        return err(
          connectorError("invalid_request", "Moving an appointment to another provider isn't possible through this office's system; book a new time instead."),
        );
      }
      const minutes = request.durationMinutes ?? toAppointment(current, this.zone).durationMinutes;
      const slot = await this.liveSlot(request.start, minutes, str(current.provider_id));
      if (!slot) return err(connectorError("slot_unavailable", "That time is no longer free."));
      const end = new Date(request.start.getTime() + minutes * 60_000);
      const holdId = await this.hold(slot, request.start, end);
      if (!holdId) return err(connectorError("slot_unavailable", "That time was just booked by another caller."));
      let res: Awaited<ReturnType<NexHealthClient["call"]>>;
      try {
        res = await this.client.call(
          "PATCH",
          `/appointments/${encodeURIComponent(request.appointmentId)}`,
          {},
          { appt: { start_time: utcTime(request.start), end_time: utcTime(end), ...(slot.operatoryId ? { operatory_id: Number(slot.operatoryId) } : {}) } },
        );
      } catch (e) {
        await this.holds.release(holdId);
        throw e;
      }
      const moved = toAppointment({ ...current, ...obj(res.data), provider_name: slot.providerName }, this.zone);
      const reference = await this.track("reschedule_appointment", appointmentWriteId(this.credentials.subdomain, request.appointmentId), moved.patientId);
      await this.holds.attach(holdId, reference);
      return ok({ ...moved, confirmation: "pending" as const, reference: request.appointmentId });
    });
  }

  cancelAppointment(request: Parameters<PmsConnector["cancelAppointment"]>[0]) {
    return this.guard(async (): Promise<PmsResult<Appointment>> => {
      const found = await this.appointmentToChange("cancel", request.appointmentId);
      if (!found.ok) return found;
      const current = found.value;
      if (current.cancelled === true || current.canceled === true) return ok(toAppointment(current, this.zone));
      try {
        await this.client.call("PATCH", `/appointments/${encodeURIComponent(request.appointmentId)}`, {}, { appt: { cancelled: true } });
      } catch (e) {
        // "Already cancelled" is the outcome that was asked for.
        if (!(e instanceof NexHealthError && e.errors.some((m) => /already cancel/i.test(m)))) throw e;
      }
      const cancelled = { ...toAppointment(current, this.zone), status: "cancelled" as const };
      await this.track("cancel_appointment", appointmentWriteId(this.credentials.subdomain, request.appointmentId), cancelled.patientId);
      return ok({ ...cancelled, confirmation: "pending" as const, reference: request.appointmentId });
    });
  }

  createPatient(patient: Parameters<PmsConnector["createPatient"]>[0]) {
    return this.guard(async () => {
      if (!capable(await this.facts.emr(), "new_patient")) return this.unsupported("new_patient");
      const phone = toE164(patient.phone);
      if (!phone) return err(connectorError("invalid_request", "That phone number is not valid."));
      if (!patient.email) return err(connectorError("invalid_request", "This office's system needs an email address to register a new patient."));
      const [provider] = await this.facts.bookableProviders();
      if (!provider) return err(connectorError("upstream_error", "The practice has no bookable provider to register the patient with."));
      const res = await this.client.call(
        "POST",
        "/patients",
        { location_id: this.locationId },
        {
          provider: { provider_id: Number(provider.id) },
          patient: {
            first_name: patient.firstName.slice(0, 15),
            last_name: patient.lastName.slice(0, 20),
            email: patient.email,
            bio: { date_of_birth: patient.dateOfBirth, phone_number: tenDigits(phone) },
          },
          // A caller registering twice gets the existing record, not a duplicate.
          return_existing_if_match: true,
        },
      );
      // The patient exists in NexHealth now and reaches the PMS with their first booking.
      return ok(toPatient(obj(obj(res.data).user)));
    });
  }

  addNote(note: Parameters<PmsConnector["addNote"]>[0]) {
    return this.guard(async () => {
      if (!capable(await this.facts.emr(), "alert")) return this.unsupported("alert");
      if (!(await this.patientRow(note.patientId))) return err(connectorError("patient_not_found", "No patient with that id at this practice."));
      const res = await this.client.call(
        "POST",
        `/patients/${encodeURIComponent(note.patientId)}/alerts`,
        {},
        { patient_alert: { note: note.text.slice(0, 2000) } },
      );
      const alert = obj(res.data);
      return ok({ id: str(alert.id) || null, patientId: note.patientId, createdAt: formatInClinicZone(this.deps.clock.now(), this.zone) });
    });
  }

  postPayment(payment: Parameters<PmsConnector["postPayment"]>[0]) {
    return this.guard(async () => {
      if (!capable(await this.facts.emr(), "payment")) return this.unsupported("payment");
      const blocked = await this.writesBlocked();
      if (blocked) return blocked;
      if (!(await this.patientRow(payment.patientId))) return err(connectorError("patient_not_found", "No patient with that id at this practice."));
      const type = await this.facts.paymentType(payment.method);
      if (!type) return err(connectorError("unsupported", "This practice has no payment type for that payment method."));
      // The gateway's own key travels as the transaction id (≤ 50 characters, prefixed by the originator).
      const transactionId = `PMSGW:${createHash("sha256")
        .update(payment.requestKey ?? `${payment.patientId}:${payment.amountCents}:${this.deps.clock.now().getTime()}`)
        .digest("hex")
        .slice(0, 40)}`;
      const sent = this.client.call(
        "POST",
        "/payments",
        { location_id: this.locationId },
        {
          payment: {
            patient_id: Number(payment.patientId),
            // Negative amounts are payments that reduce the balance.
            amount: -fromCents(payment.amountCents),
            currency: this.practice.currency,
            payment_type_id: Number(type),
            transaction_id: transactionId,
            paid_at: DateTime.fromJSDate(this.deps.clock.now(), { zone: "utc" }).toISO(),
          },
        },
      );
      // A lost answer may hide a recorded payment: it is tracked (never re-sent) and found by its
      // transaction id, which carries the gateway's key.
      await sent.catch((e) => {
        if (!isUnknownOutcome(e)) throw e;
      });
      await this.track("process_payment", paymentWriteId(this.credentials.subdomain, transactionId), payment.patientId);
      return ok({
        id: null,
        patientId: payment.patientId,
        amount: fromCents(payment.amountCents),
        currency: this.practice.currency,
        status: "pending",
        method: payment.method,
      });
    });
  }

  /** Where a tracked write stands, for the poller when no webhook came: `foreign_id` means it landed. */
  checkWriteback(writebackId: string) {
    return this.guard(async (): Promise<PmsResult<WritebackState>> => {
      const [subdomain, kind, id] = writebackId.split(":");
      if (subdomain !== this.credentials.subdomain || !id) return ok({ state: "pending" });
      if (kind === "payment") {
        const found = rows(await this.client.all("/payments", { location_id: this.locationId, transaction_id: id }));
        return ok(found.length > 0 ? { state: "completed", createdId: str(found[0]?.id) || null } : { state: "pending" });
      }
      const appt = await this.appointmentRow(id);
      if (!appt) return ok({ state: "failed", message: "The appointment is no longer in the office's system." });
      return ok(appt.foreign_id ? { state: "completed", createdId: str(appt.id) } : { state: "pending" });
    });
  }

  /** A booking whose answer was lost, among the app's own bookings of that patient at that time. */
  findWriteback(fingerprint: string, _sentAfter: Date) {
    return this.guard(async (): Promise<PmsResult<string | null>> => {
      const [kind, patientId, providerId, startIso] = fingerprint.split("|");
      if (kind !== "appt" || !patientId || !providerId || !startIso) return ok(null);
      const start = Date.parse(startIso);
      const found = rows(
        await this.client.all("/appointments", {
          location_id: this.locationId,
          start: new Date(start - 60_000).toISOString(),
          end: new Date(start + 60_000).toISOString(),
          nex_only: true,
          cancelled: false,
          patient_ids: [Number(patientId)],
        }),
      ).find((a) => str(a.provider_id) === providerId && Date.parse(str(a.start_time)) === start);
      return ok(found ? appointmentWriteId(this.credentials.subdomain, str(found.id)) : null);
    });
  }

  // ----- helpers -----

  /** Tracks a write NexHealth accepted (or may have) until the PMS insertion is known. */
  private track(action: string, writebackId: string, patientId: string | null, requestFingerprint?: string): Promise<string> {
    return this.tracker.track({
      accountId: this.practice.accountId,
      provider: "nexhealth",
      writebackId,
      action,
      patientId,
      ...(requestFingerprint ? { requestFingerprint } : {}),
    });
  }

  /** Holds the slot for this practice before a write: null when another caller holds it. */
  private hold(slot: Slot, start: Date, end: Date): Promise<string | null> {
    return this.holds.take(this.practice.accountId, {
      providerId: slot.providerId,
      operatoryId: slot.operatoryId,
      startMs: start.getTime(),
      endMs: end.getTime(),
    });
  }

  /** The appointment a move or cancel applies to, once the PMS supports the change and takes writes. */
  private async appointmentToChange(capability: "reschedule" | "cancel", appointmentId: string): Promise<PmsResult<Row>> {
    if (!capable(await this.facts.emr(), capability)) return this.unsupported(capability);
    const blocked = await this.writesBlocked();
    if (blocked) return blocked;
    const current = await this.appointmentRow(appointmentId);
    return current ? ok(current) : err(connectorError("appointment_not_found", "No appointment with that id at this practice."));
  }

  /** Re-checks the exact slot with NexHealth right before booking: slots are a read, not a lock. */
  private async liveSlot(start: Date, minutes: number, providerId: string | undefined): Promise<Slot | null> {
    const day = DateTime.fromJSDate(start, { zone: zoneOf(this.zone) }).toISODate();
    if (!day) return null;
    const found = await this.findSlots({
      startDate: day,
      endDate: day,
      durationMinutes: minutes,
      appointmentType: null,
      limit: 50,
      ...(providerId ? { providerId } : {}),
    });
    if (!found.ok) throw Object.assign(new Error("slot check failed"), { connectorError: found.error });
    return found.value.slots.find((s) => DateTime.fromISO(s.start).toMillis() === start.getTime()) ?? null;
  }

  /**
   * Waits within the in-call budget for the insertion: `foreign_id` on the appointment, or NexHealth's
   * event (completed or failed) already applied to the tracked write.
   */
  private async awaitInsertion(appointmentId: string, reference: string): Promise<"completed" | "failed" | "pending"> {
    for (;;) {
      const appt = await this.appointmentRow(appointmentId).catch(() => null);
      if (appt?.foreign_id) {
        await this.tracker.complete(reference, appointmentId);
        return "completed";
      }
      const tracked = await this.tracker.state(reference);
      if (tracked !== "pending") return tracked;
      if (performance.now() + POLL_INTERVAL_MS >= this.waitEnd) return "pending";
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
  }

  /** The patient, if one of this location's, with the `include[]` relations asked for. */
  private async patientRow(patientId: string, include: string[] = []): Promise<Row | null> {
    if (!/^[0-9]{1,12}$/.test(patientId)) return null;
    try {
      const res = await this.client.call("GET", `/patients/${patientId}`, include.length > 0 ? { include } : {});
      const row = obj(res.data);
      const locations = Array.isArray(row.location_ids) ? row.location_ids.map(Number) : [];
      // A patient of another location of the same institution is not this clinic's patient.
      return locations.includes(this.locationId) ? row : null;
    } catch (e) {
      if (e instanceof NexHealthError && e.status === 404) return null;
      throw e;
    }
  }

  private async appointmentRow(appointmentId: string): Promise<Row | null> {
    if (!/^[0-9]{1,18}$/.test(appointmentId)) return null;
    try {
      const row = obj((await this.client.call("GET", `/appointments/${appointmentId}`, {})).data);
      return Number(row.location_id) === this.locationId ? row : null;
    } catch (e) {
      if (e instanceof NexHealthError && e.status === 404) return null;
      throw e;
    }
  }
}

const bookingFingerprint = (patientId: string, providerId: string, start: Date) => `appt|${patientId}|${providerId}|${start.toISOString()}`;
