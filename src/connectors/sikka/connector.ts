// Longer than 300 lines on purpose: the eleven operations against Sikka share one client, one error
// mapping and one practice's facts; each method is short, and splitting them would scatter that context.
import { DateTime } from "luxon";
import type { Appointment } from "../../domain/appointment";
import { fromCents } from "../../domain/billing";
import { MAX_SEARCH_RESULTS, type Patient } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import type { PracticeSettings } from "../../domain/practice";
import type { SlotQuery } from "../../domain/slot";
import { parseSpokenQuery } from "../../domain/spoken-query";
import { formatInClinicZone } from "../../domain/time";
import { zoneOf } from "../../domain/zone";
import { err, ok } from "../../lib/result";
import { guardVendorCall } from "../resilience";
import { type BookingHolds, type ConnectorDeps, connectorError, type PmsConnector, type PmsResult, type WritebackTracker } from "../types";
import type { SikkaClient } from "./client";
import { toConnectorError } from "./error-mapping";
import { SikkaProtocolError } from "./errors";
import { APPOINTMENT_QUERY, PATIENT_QUERY, phonesOf, toAppointment, toInsurancePlan, toPatient } from "./mappers";
import { pickPaymentType } from "./payments";
import type { PracticeFacts } from "./practice-facts";
import { SikkaSchedule } from "./schedule";
import { sikkaScheduleFeed } from "./schedule-feed";
import { datePart, money, num, type SikkaRow, sanitizeText, text } from "./values";
import {
  awaitWriteback,
  cancelPendingWriteback,
  findWritebackByFingerprint,
  isUnknownWriteOutcome,
  requestFingerprint,
  writebackIdOf,
  writebackState,
} from "./writebacks";

const NOTE_LIMITS: Array<[RegExp, number]> = [
  [/suzy/i, 200],
  [/orthotrac/i, 60],
];
const SLOT_API_PMS = /orthotrac|dolphin/i;

/** The amounts a balance is read from; Sikka documents them only among a balance's `get_all` fields, so they are asked for. */
const BALANCE_FIELDS = ["patient_due", "insurance_due", "account_balance", "patient_balance"];

const notFoundPatient = () => err(connectorError("patient_not_found", "No patient with that id at this practice."));
const notFoundAppointment = () => err(connectorError("appointment_not_found", "No appointment with that id at this practice."));

/**
 * Sikka's v4 API behind the PmsConnector interface. Reads come from Sikka's synced copy of the PMS;
 * writes are asynchronous writebacks, confirmed only when Sikka says they completed.
 */
export class SikkaConnector implements PmsConnector {
  constructor(
    private readonly client: SikkaClient,
    private readonly practice: PracticeSettings,
    private readonly deps: ConnectorDeps,
    private readonly facts: PracticeFacts,
    private readonly tracker: WritebackTracker,
    /** When the in-call wait for a writeback ends (`performance.now()` time). */
    private readonly writebackBudgetEnd: number,
    private readonly holds: BookingHolds,
  ) {
    this.schedule = new SikkaSchedule(client, practice, deps.clock, facts, holds);
  }

  private readonly schedule: SikkaSchedule;

  private get zone() {
    return this.practice.timezone;
  }

  private guard<T>(work: () => Promise<PmsResult<T>>): Promise<PmsResult<T>> {
    return guardVendorCall(work, toConnectorError, { logger: this.deps.logger, accountId: this.practice.accountId, vendor: "sikka" });
  }

  scheduleFeed() {
    return sikkaScheduleFeed({
      client: this.client,
      schedule: this.schedule,
      facts: this.facts,
      clock: this.deps.clock,
      officeId: this.client.officeId,
      publishesSlots: (pms) => SLOT_API_PMS.test(pms),
      guard: (work) => this.guard(work),
    });
  }

  // ----- reads -----

  findSlots(query: SlotQuery) {
    return this.guard(async () => {
      const slots = SLOT_API_PMS.test(await this.facts.pms()) ? await this.schedule.vendorSlots(query) : await this.schedule.computedSlots(query);
      // `Data-Insert: in progress`: Sikka is still loading the practice's data, so bookings may be missing.
      return ok(
        this.client.dataInsertInProgress
          ? { slots, mayBeIncomplete: "The office's schedule is still being loaded, so some of these times may already be taken." }
          : { slots },
      );
    });
  }

  getAppointment(appointmentId: string) {
    return this.guard(async () => {
      const row = await this.appointmentRow(appointmentId);
      const appointment = row ? toAppointment(row, this.zone) : null;
      return appointment ? ok(appointment) : notFoundAppointment();
    });
  }

  searchPatients(search: Parameters<PmsConnector["searchPatients"]>[0]) {
    return this.guard(async () => {
      const { names, phone, dateOfBirth: dob, invalidPhone } = parseSpokenQuery(search);
      if (invalidPhone) return ok([]);
      // Ask Sikka for the narrowest set it can filter itself, then apply every criterion here: its own
      // matching of names, dates and phone formats is not documented precisely enough to rely on.
      const query: Record<string, string> = { ...PATIENT_QUERY };
      const nameTerm = search.lastName ?? search.firstName ?? names.sort((a, b) => b.length - a.length)[0];
      if (nameTerm) query.search = nameTerm;
      else if (dob) query.find = `birthdate=eq_${dob}`;
      else if (phone) query.search = phone.slice(-4);
      const { rows } = await this.client.getAll("/patients", query);
      const prefix = (value: string, wanted: string | undefined) => !wanted || value.toLowerCase().startsWith(wanted.toLowerCase());
      const matches = rows.filter((row) => {
        if (!this.client.owns(row)) return false;
        const first = text(row, "firstname");
        const last = text(row, "lastname");
        if (!prefix(first, search.firstName) || !prefix(last, search.lastName)) return false;
        if (!names.every((n) => first.toLowerCase().startsWith(n) || last.toLowerCase().startsWith(n))) return false;
        if (dob && datePart(row, "birthdate") !== dob) return false;
        if (phone && !phonesOf(row).includes(phone)) return false;
        return true;
      });
      return ok(matches.slice(0, MAX_SEARCH_RESULTS).map(toPatient));
    });
  }

  getPatient(patientId: string) {
    return this.guard(async () => {
      const row = await this.patientRow(patientId);
      return row ? ok(toPatient(row)) : notFoundPatient();
    });
  }

  getBalance(patientId: string) {
    return this.guard(async () => {
      if (!(await this.patientRow(patientId))) return notFoundPatient();
      const items = await this.client.get("/patient_balance", { patient_id: patientId, fields: ["patient_id", ...BALANCE_FIELDS].join(",") });
      const row = items.find((item) => text(item, "patient_id") === patientId);
      // Items about other patients only: the filter was not applied, and none of these amounts is this
      // patient's to hear. No item at all is a patient without a ledger.
      if (!row && items.length > 0) throw new SikkaProtocolError("Sikka answered a balance for other patients");
      // A balance item without a single amount says nothing about what the patient owes: never "0".
      if (row && BALANCE_FIELDS.every((f) => num(row, f) === null)) throw new SikkaProtocolError("Sikka answered a balance without amounts");
      const patientDue = row ? (num(row, "patient_due") ?? num(row, "patient_balance") ?? 0) : 0;
      const insuranceDue = row ? (num(row, "insurance_due") ?? 0) : 0;
      const total = row ? (num(row, "account_balance") ?? patientDue + insuranceDue) : 0;
      return ok({
        patientId,
        total: Math.round(total * 100) / 100,
        patientPortion: Math.round(patientDue * 100) / 100,
        insurancePortion: Math.round(insuranceDue * 100) / 100,
        currency: this.practice.currency,
        asOf: formatInClinicZone(this.deps.clock.now(), this.zone),
      });
    });
  }

  getInsurance(patientId: string) {
    return this.guard(async () => {
      if (!(await this.patientRow(patientId))) return notFoundPatient();
      const subscribers = await this.client.get("/subscribers", { patient_id: patientId });
      const companyIds = [...new Set(subscribers.map((s) => text(s, "insurance_company_id")).filter(Boolean))];
      const companies = new Map<string, SikkaRow>();
      await Promise.all(
        companyIds.map(async (id) => {
          // The carrier's name is not in the default field set; only `fields=get_all` returns it.
          const [company] = await this.client.get("/insurance_companies", { insurance_company_id: id, fields: "get_all" });
          if (company) companies.set(id, company);
        }),
      );
      const plans = subscribers.map((s) => toInsurancePlan(s, companies.get(text(s, "insurance_company_id"))));
      return ok(plans.sort((a, b) => (a.priority === b.priority ? 0 : a.priority === "primary" ? -1 : 1)));
    });
  }

  // ----- writes (asynchronous writebacks) -----

  bookAppointment(request: Parameters<PmsConnector["bookAppointment"]>[0]) {
    return this.guard(async () => {
      if (!(await this.patientRow(request.patientId))) return notFoundPatient();
      const vendorSlots = SLOT_API_PMS.test(await this.facts.pms());
      const placement = vendorSlots
        ? await this.schedule.vendorPlacement(request.start, request.durationMinutes, request.providerId)
        : await this.schedule.freePlacement(request.start, request.durationMinutes, request.providerId, null);
      if (!placement.ok) return placement;
      const minutes = placement.value.minutes;
      const holdId = await this.holds.take(this.practice.accountId, {
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId,
        startMs: request.start.getTime(),
        endMs: request.start.getTime() + minutes * 60_000,
      });
      if (!holdId) return err(connectorError("slot_unavailable", "That time was just booked by another caller."));
      const local = DateTime.fromJSDate(request.start, { zone: zoneOf(this.zone) });
      const draft: Appointment = {
        id: null,
        patientId: request.patientId,
        start: formatInClinicZone(request.start, this.zone),
        end: formatInClinicZone(new Date(request.start.getTime() + minutes * 60_000), this.zone),
        durationMinutes: minutes,
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId,
        type: request.appointmentType,
        status: "scheduled",
        confirmation: "pending",
      };
      return this.writeAndSettle(
        {
          method: "POST",
          path: "/appointment",
          body: {
            patient_id: request.patientId,
            date: local.toISODate(),
            time: local.toFormat("HH:mm"),
            length: String(minutes),
            provider_id: placement.value.providerId,
            operatory: placement.value.operatoryId ?? "",
            description: sanitizeText(request.appointmentType ?? "Appointment", 60) || "Appointment",
            ...(request.appointmentType ? { type: sanitizeText(request.appointmentType, 40) } : {}),
            ...(request.notes ? { note: sanitizeText(request.notes, 200) } : {}),
          },
        },
        { action: "book_appointment", patientId: request.patientId, holdId },
        (createdId): Appointment => ({ ...draft, id: createdId, confirmation: "confirmed" }),
        (reference): Appointment => ({ ...draft, reference }),
      );
    });
  }

  rescheduleAppointment(request: Parameters<PmsConnector["rescheduleAppointment"]>[0]) {
    return this.guard(async () => {
      const row = await this.appointmentRow(request.appointmentId);
      const current = row ? toAppointment(row, this.zone) : null;
      if (!row || !current) return notFoundAppointment();
      if (current.status === "cancelled") return err(connectorError("invalid_request", "That appointment is cancelled; book a new one instead."));
      const minutes = request.durationMinutes ?? current.durationMinutes;
      const placement = await this.schedule.freePlacement(request.start, minutes, request.providerId ?? current.providerId ?? undefined, request.appointmentId);
      if (!placement.ok) return placement;
      const holdId = await this.holds.take(this.practice.accountId, {
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId ?? current.operatoryId,
        startMs: request.start.getTime(),
        endMs: request.start.getTime() + minutes * 60_000,
      });
      if (!holdId) return err(connectorError("slot_unavailable", "That time was just booked by another caller."));
      const local = DateTime.fromJSDate(request.start, { zone: zoneOf(this.zone) });
      const write = {
        method: "PUT" as const,
        path: `/appointments/${encodeURIComponent(request.appointmentId)}`,
        body: {
          date: local.toISODate(),
          time: local.toFormat("HH:mm"),
          length: String(minutes),
          provider_id: placement.value.providerId,
          operatory: placement.value.operatoryId ?? current.operatoryId ?? "",
        },
      };
      const moved: Appointment = {
        ...current,
        start: formatInClinicZone(request.start, this.zone),
        end: formatInClinicZone(new Date(request.start.getTime() + minutes * 60_000), this.zone),
        durationMinutes: minutes,
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId ?? current.operatoryId,
      };
      return this.writeAndSettle(
        write,
        { action: "reschedule_appointment", patientId: current.patientId, holdId },
        () => moved,
        (reference): Appointment => ({ ...moved, confirmation: "pending", reference }),
      );
    });
  }

  cancelAppointment(request: Parameters<PmsConnector["cancelAppointment"]>[0]) {
    return this.guard(async () => {
      const row = await this.appointmentRow(request.appointmentId);
      const current = row ? toAppointment(row, this.zone) : null;
      if (!current) return notFoundAppointment();
      if (current.status === "cancelled") return ok(current);
      const cancelStatus = await this.facts.cancelStatus();
      if (!cancelStatus) return err(connectorError("unsupported", "This practice system does not offer a cancellation status to set."));
      const write = {
        method: "PATCH" as const,
        path: `/appointments/${encodeURIComponent(request.appointmentId)}`,
        body: {
          op: "replace",
          path: "/appointment_status",
          value: cancelStatus,
          appointment_sr_no: request.appointmentId,
          ...(request.reason ? { cancellation_note: sanitizeText(request.reason, 100) } : {}),
        },
      };
      const cancelled: Appointment = { ...current, status: "cancelled" };
      return this.writeAndSettle(
        write,
        { action: "cancel_appointment", patientId: current.patientId, holdId: null },
        () => cancelled,
        (reference): Appointment => ({ ...cancelled, confirmation: "pending", reference }),
      );
    });
  }

  createPatient(patient: Parameters<PmsConnector["createPatient"]>[0]) {
    return this.guard(async () => {
      const phone = toE164(patient.phone);
      if (!phone) return err(connectorError("invalid_request", "That phone number is not valid."));
      const provider = (await this.schedule.activeProviders())[0];
      if (!provider) return err(connectorError("upstream_error", "The practice has no active provider to assign."));
      const write = {
        method: "POST" as const,
        path: "/patient",
        body: {
          firstname: sanitizeText(patient.firstName, 40),
          lastname: sanitizeText(patient.lastName, 40),
          birthdate: patient.dateOfBirth,
          cell: phone.startsWith("+1") ? phone.slice(2) : phone,
          ...(patient.email ? { email: patient.email } : {}),
          provider_id: text(provider, "provider_id"),
        },
      };
      const draft: Patient = {
        id: null,
        firstName: patient.firstName,
        lastName: patient.lastName,
        dateOfBirth: patient.dateOfBirth,
        phone,
        email: patient.email ?? null,
      };
      return this.writeAndSettle(
        write,
        { action: "create_patient", patientId: null, holdId: null },
        (createdId): Patient => ({ ...draft, id: createdId }),
        (reference): Patient => ({ ...draft, id: null, confirmation: "pending", reference }),
      );
    });
  }

  addNote(note: Parameters<PmsConnector["addNote"]>[0]) {
    return this.guard(async () => {
      const patient = await this.patientRow(note.patientId);
      if (!patient) return notFoundPatient();
      const [pms, noteType] = await Promise.all([this.facts.pms(), this.facts.noteType()]);
      const limit = NOTE_LIMITS.find(([re]) => re.test(pms))?.[1] ?? 2000;
      const providerId = text(patient, "provider_id") || text((await this.schedule.activeProviders())[0] ?? {}, "provider_id");
      const write = {
        method: "POST" as const,
        path: "/medical_notes",
        body: {
          date: DateTime.fromJSDate(this.deps.clock.now(), { zone: zoneOf(this.zone) }).toISODate(),
          patient_id: note.patientId,
          type: noteType ?? "PatNote",
          text: sanitizeText(note.text, limit),
          provider_id: providerId,
        },
      };
      const createdAt = formatInClinicZone(this.deps.clock.now(), this.zone);
      return this.writeAndSettle(
        write,
        { action: "add_patient_note", patientId: note.patientId, holdId: null },
        (createdId) => ({ id: createdId, patientId: note.patientId, createdAt }),
        (reference) => ({ id: null, patientId: note.patientId, createdAt, confirmation: "pending" as const, reference }),
      );
    });
  }

  postPayment(payment: Parameters<PmsConnector["postPayment"]>[0]) {
    return this.guard(async () => {
      const patient = await this.patientRow(payment.patientId);
      if (!patient) return notFoundPatient();
      const paymentTypes = await this.facts.paymentTypes();
      const code = pickPaymentType(paymentTypes, payment.method);
      if (!code) return err(connectorError("unsupported", "This practice has no payment type for that payment method."));
      const providerId = text(patient, "provider_id") || text((await this.schedule.activeProviders())[0] ?? {}, "provider_id");
      const write = {
        method: "POST" as const,
        path: "/transaction",
        body: {
          patient_id: payment.patientId,
          guarantor_id: text(patient, "guarantor_id") || payment.patientId,
          procedure_code: text(code, "code"),
          procedure_description: text(code, "description"),
          provider_id: providerId,
          amount: money(payment.amountCents),
          transaction_date: DateTime.fromJSDate(this.deps.clock.now(), { zone: zoneOf(this.zone) }).toISODate(),
          ...(payment.reference ? { note: sanitizeText(payment.reference, 60) } : {}),
        },
      };
      const base = { patientId: payment.patientId, amount: fromCents(payment.amountCents), currency: this.practice.currency, method: payment.method };
      return this.writeAndSettle(
        write,
        { action: "process_payment", patientId: payment.patientId, holdId: null },
        (createdId) => ({ ...base, id: createdId, status: "posted" }),
        () => ({ ...base, id: null, status: "pending" }),
      );
    });
  }

  checkWriteback(writebackId: string) {
    return this.guard(async () => ok(await writebackState(this.client, writebackId)));
  }

  findWriteback(fingerprint: string, sentAfter: Date) {
    return this.guard(async () => ok(await findWritebackByFingerprint(this.client, fingerprint, sentAfter, this.deps.clock.now())));
  }

  cancelWriteback(writebackId: string) {
    return this.guard(async () => ok(await cancelPendingWriteback(this.client, writebackId)));
  }

  // ----- helpers -----

  /**
   * Sends a writeback and waits for it within the in-call budget: completed → the real entity (with the
   * id Sikka created); failed → an error (a taken chair is SLOT_UNAVAILABLE); still pending → tracked for
   * the background poller, and the caller hears "requested". A write whose answer was lost (timeout,
   * 502, 504) may have reached the PMS: it is never sent again but tracked by its request fingerprint,
   * and the poller finds it among the app's writebacks. A writeback id is never passed off as an entity id.
   */
  private async writeAndSettle<T>(
    write: { method: "POST" | "PUT" | "PATCH"; path: string; body: Record<string, unknown> },
    context: { action: string; patientId: string | null; holdId: string | null },
    completed: (createdId: string | null) => T,
    pending: (reference: string) => T,
  ): Promise<PmsResult<T>> {
    const track = (writebackId: string, requestFingerprint?: string) =>
      this.tracker.track({
        accountId: this.practice.accountId,
        provider: "sikka",
        writebackId,
        action: context.action,
        patientId: context.patientId,
        ...(requestFingerprint ? { requestFingerprint } : {}),
      });
    let res: Awaited<ReturnType<SikkaClient["write"]>>;
    try {
      res = await this.client.write(write.method, write.path, write.body);
    } catch (e) {
      if (!isUnknownWriteOutcome(e)) {
        if (context.holdId) await this.holds.release(context.holdId);
        throw e;
      }
      const reference = await track("", requestFingerprint(this.client.fullWriteBody(write.body)));
      if (context.holdId) await this.holds.attach(context.holdId, reference);
      return ok(pending(reference));
    }
    const writebackId = writebackIdOf(res);
    if (!writebackId) {
      if (context.holdId) await this.holds.release(context.holdId);
      return err(connectorError("upstream_error", "The practice system accepted the change but returned no tracking id."));
    }
    let state: Awaited<ReturnType<typeof awaitWriteback>>;
    try {
      state = await awaitWriteback(this.client, writebackId, this.writebackBudgetEnd, () => performance.now());
    } catch {
      state = { state: "pending" }; // accepted; the poller will learn the outcome
    }
    if (state.state === "completed") {
      if (context.holdId) await this.holds.confirm(context.holdId);
      return ok(completed(state.createdId));
    }
    if (state.state === "failed") {
      if (context.holdId) await this.holds.release(context.holdId);
      return err(connectorError(state.slotTaken ? "slot_unavailable" : "upstream_error", state.message));
    }
    const reference = await track(writebackId);
    if (context.holdId) await this.holds.attach(context.holdId, reference);
    return ok(pending(reference));
  }

  private async patientRow(patientId: string): Promise<SikkaRow | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(patientId)) return null;
    const rows = await this.client.get("/patients", { patient_id: patientId, ...PATIENT_QUERY });
    return rows.find((r) => text(r, "patient_id") === patientId && this.client.owns(r)) ?? null;
  }

  private async appointmentRow(appointmentId: string): Promise<SikkaRow | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(appointmentId)) return null;
    const rows = await this.client.get("/appointments", { appointment_sr_no: appointmentId, ...APPOINTMENT_QUERY });
    return rows.find((r) => text(r, "appointment_sr_no") === appointmentId && this.client.owns(r)) ?? null;
  }
}
