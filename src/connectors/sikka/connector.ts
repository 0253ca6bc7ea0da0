import { BrokenCircuitError, BulkheadRejectedError } from "cockatiel";
import { DateTime } from "luxon";
import type { Appointment } from "../../domain/appointment";
import { type BusyInterval, freeSlots, type ScheduleProvider, withinOfficeHours } from "../../domain/availability";
import { fromCents } from "../../domain/billing";
import { MAX_SEARCH_RESULTS, type Patient } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import type { PracticeSettings } from "../../domain/practice";
import type { Slot, SlotQuery } from "../../domain/slot";
import { formatInClinicZone } from "../../domain/time";
import { err, ok } from "../../lib/result";
import { type ConnectorDeps, type ConnectorError, connectorError, type PmsConnector, type PmsResult, type WritebackTracker } from "../types";
import type { SikkaClient } from "./client";
import { SikkaHttpError, SikkaNetworkError, SikkaProtocolError, SikkaTimeoutError } from "./errors";
import { appointmentInterval, isCancelled, phonesOf, toAppointment, toInsurancePlan, toPatient } from "./mappers";
import { datePart, money, num, type SikkaRow, sanitizeText, text } from "./values";
import { awaitWriteback, writebackIdOf, writebackState } from "./writebacks";

/** Per-practice lookups that change rarely (cached by the definition for an hour). */
export type PracticeFacts = {
  pms: string;
  custId: string | null;
  cancelStatus: string | null;
  noteType: string | null;
  paymentTypes: SikkaRow[];
};

const NOTE_LIMITS: Array<[RegExp, number]> = [[/suzy/i, 200], [/orthotrac/i, 60]];
const SLOT_API_PMS = /orthotrac|dolphin/i;

const notFoundPatient = () => err(connectorError("patient_not_found", "No patient with that id at this practice."));
const notFoundAppointment = () => err(connectorError("appointment_not_found", "No appointment with that id at this practice."));

/** Maps every Sikka failure to a connector error whose message is safe to say and to log. */
export function toConnectorError(e: unknown): ConnectorError {
  if (e instanceof BrokenCircuitError) return connectorError("unavailable", "The practice system is not responding right now; please try again in a minute.", true);
  if (e instanceof BulkheadRejectedError) return connectorError("unavailable", "The practice system is busy with this clinic's other requests; please try again shortly.", true);
  if (e instanceof SikkaProtocolError) return connectorError("upstream_error", "The practice system gave an answer we could not use.");
  if (e instanceof SikkaTimeoutError) return connectorError("timeout", "The practice system took too long to answer.", true);
  if (e instanceof SikkaNetworkError) return connectorError("unavailable", "The practice system could not be reached.", true);
  if (e instanceof SikkaHttpError) {
    if (e.spuOffline) return connectorError("unavailable", "The office's server is offline, so the practice system cannot take changes right now.", true);
    if (e.status === 429) return connectorError("unavailable", "The practice system is busy; please try again shortly.", true);
    if (e.status === 401 || e.status === 403) return connectorError("auth_failed", "The practice system refused this clinic's credentials.");
    if (e.status === 409) return connectorError("slot_unavailable", "That time is no longer free.");
    if (e.status >= 500) return connectorError("unavailable", "The practice system is having trouble right now.", true);
    return connectorError("upstream_error", "The practice system rejected the request.");
  }
  return connectorError("upstream_error", "The practice system gave an answer we could not read.");
}

/**
 * Sikka's v4 API behind the PmsConnector interface. Reads come from Sikka's synced copy of the PMS;
 * writes are asynchronous writebacks, confirmed only when Sikka says they completed.
 */
export class SikkaConnector implements PmsConnector {
  constructor(
    private readonly client: SikkaClient,
    private readonly practice: PracticeSettings,
    private readonly deps: ConnectorDeps,
    private readonly facts: () => Promise<PracticeFacts>,
    private readonly tracker: WritebackTracker,
    /** When the in-call wait for a writeback ends (`performance.now()` time). */
    private readonly writebackBudgetEnd: number,
  ) {}

  private get zone() {
    return this.practice.timezone;
  }

  private async guard<T>(work: () => Promise<PmsResult<T>>): Promise<PmsResult<T>> {
    try {
      return await work();
    } catch (e) {
      const error = toConnectorError(e);
      this.deps.logger.warn({ accountId: this.practice.accountId, error: error.code, cause: (e as Error)?.name }, "sikka call failed");
      return err(error);
    }
  }

  // ----- reads -----

  findSlots(query: SlotQuery) {
    return this.guard(async () => {
      const facts = await this.facts();
      if (SLOT_API_PMS.test(facts.pms)) return ok(await this.vendorSlots(query));
      return ok(await this.computedSlots(query));
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
      const words = (search.query ?? "").split(/[\s,]+/).filter(Boolean);
      let dob = search.dateOfBirth;
      let phone = search.phone ? toE164(search.phone) : null;
      const names: string[] = [];
      for (const w of words) {
        if (/^\d{4}-\d{2}-\d{2}$/.test(w)) dob ??= w;
        else if (/\d{3}/.test(w) && toE164(w)) phone ??= toE164(w);
        else names.push(w.toLowerCase());
      }
      if (search.phone && !phone) return ok([]);
      // Ask Sikka for the narrowest set it can filter itself, then apply every criterion here: its own
      // matching of names, dates and phone formats is not documented precisely enough to rely on.
      const query: Record<string, string> = { fields: "homephone,workphone,other_phone" };
      const nameTerm = search.lastName ?? search.firstName ?? names.sort((a, b) => b.length - a.length)[0];
      if (nameTerm) query.search = nameTerm;
      else if (dob) query.find = `birthdate=eq_${dob}`;
      else if (phone) query.search = phone.slice(-4);
      const { rows } = await this.client.getAll("/patients", query);
      const prefix = (value: string, wanted: string | undefined) => !wanted || value.toLowerCase().startsWith(wanted.toLowerCase());
      const matches = rows.filter((row) => {
        if (text(row, "practice_id") && text(row, "practice_id") !== this.client.practiceId) return false;
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
      const [row] = await this.client.get("/patient_balance", { patient_id: patientId });
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
          const [company] = await this.client.get("/insurance_companies", { insurance_company_id: id });
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
      const placement = await this.freePlacement(request.start, request.durationMinutes, request.providerId, null);
      if (!placement.ok) return placement;
      const local = DateTime.fromJSDate(request.start, { zone: this.zone });
      const res = await this.client.write("POST", "/appointment", {
        patient_id: request.patientId,
        date: local.toISODate(),
        time: local.toFormat("HH:mm"),
        length: String(request.durationMinutes),
        provider_id: placement.value.providerId,
        operatory: placement.value.operatoryId ?? "",
        description: sanitizeText(request.appointmentType ?? "Appointment", 60) || "Appointment",
        ...(request.appointmentType ? { type: sanitizeText(request.appointmentType, 40) } : {}),
        ...(request.notes ? { note: sanitizeText(request.notes, 200) } : {}),
      });
      const draft: Appointment = {
        id: null,
        patientId: request.patientId,
        start: formatInClinicZone(request.start, this.zone),
        end: formatInClinicZone(new Date(request.start.getTime() + request.durationMinutes * 60_000), this.zone),
        durationMinutes: request.durationMinutes,
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId,
        type: request.appointmentType,
        status: "scheduled",
        confirmation: "pending",
      };
      return this.settle(res, "book_appointment", request.patientId, (createdId): Appointment => ({ ...draft, id: createdId, confirmation: "confirmed" }), (reference): Appointment => ({ ...draft, reference }));
    });
  }

  rescheduleAppointment(request: Parameters<PmsConnector["rescheduleAppointment"]>[0]) {
    return this.guard(async () => {
      const row = await this.appointmentRow(request.appointmentId);
      const current = row ? toAppointment(row, this.zone) : null;
      if (!row || !current) return notFoundAppointment();
      if (current.status === "cancelled") return err(connectorError("invalid_request", "That appointment is cancelled; book a new one instead."));
      const minutes = request.durationMinutes ?? current.durationMinutes;
      const placement = await this.freePlacement(request.start, minutes, request.providerId ?? current.providerId ?? undefined, request.appointmentId);
      if (!placement.ok) return placement;
      const local = DateTime.fromJSDate(request.start, { zone: this.zone });
      const res = await this.client.write("PUT", `/appointments/${encodeURIComponent(request.appointmentId)}`, {
        date: local.toISODate(),
        time: local.toFormat("HH:mm"),
        length: String(minutes),
        provider_id: placement.value.providerId,
        operatory: placement.value.operatoryId ?? current.operatoryId ?? "",
      });
      const moved: Appointment = {
        ...current,
        start: formatInClinicZone(request.start, this.zone),
        end: formatInClinicZone(new Date(request.start.getTime() + minutes * 60_000), this.zone),
        durationMinutes: minutes,
        providerId: placement.value.providerId,
        operatoryId: placement.value.operatoryId ?? current.operatoryId,
      };
      return this.settle(res, "reschedule_appointment", current.patientId, () => moved, (reference): Appointment => ({ ...moved, confirmation: "pending", reference }));
    });
  }

  cancelAppointment(request: Parameters<PmsConnector["cancelAppointment"]>[0]) {
    return this.guard(async () => {
      const row = await this.appointmentRow(request.appointmentId);
      const current = row ? toAppointment(row, this.zone) : null;
      if (!current) return notFoundAppointment();
      if (current.status === "cancelled") return ok(current);
      const { cancelStatus } = await this.facts();
      if (!cancelStatus) return err(connectorError("unsupported", "This practice system does not offer a cancellation status to set."));
      const res = await this.client.write("PATCH", `/appointments/${encodeURIComponent(request.appointmentId)}`, {
        op: "replace",
        path: "/appointment_status",
        value: cancelStatus,
        appointment_sr_no: request.appointmentId,
        ...(request.reason ? { cancellation_note: sanitizeText(request.reason, 100) } : {}),
      });
      const cancelled: Appointment = { ...current, status: "cancelled" };
      return this.settle(res, "cancel_appointment", current.patientId, () => cancelled, (reference): Appointment => ({ ...cancelled, confirmation: "pending", reference }));
    });
  }

  createPatient(patient: Parameters<PmsConnector["createPatient"]>[0]) {
    return this.guard(async () => {
      const phone = toE164(patient.phone);
      if (!phone) return err(connectorError("invalid_request", "That phone number is not valid."));
      const provider = (await this.activeProviders())[0];
      if (!provider) return err(connectorError("upstream_error", "The practice has no active provider to assign."));
      const res = await this.client.write("POST", "/patient", {
        firstname: sanitizeText(patient.firstName, 40),
        lastname: sanitizeText(patient.lastName, 40),
        birthdate: patient.dateOfBirth,
        cell: phone.startsWith("+1") ? phone.slice(2) : phone,
        ...(patient.email ? { email: patient.email } : {}),
        provider_id: text(provider, "provider_id"),
      });
      const draft: Patient = { id: null, firstName: patient.firstName, lastName: patient.lastName, dateOfBirth: patient.dateOfBirth, phone, email: patient.email ?? null };
      return this.settle(res, "create_patient", null, (createdId): Patient => ({ ...draft, id: createdId }), (reference): Patient => ({ ...draft, id: null, confirmation: "pending", reference }));
    });
  }

  addNote(note: Parameters<PmsConnector["addNote"]>[0]) {
    return this.guard(async () => {
      const patient = await this.patientRow(note.patientId);
      if (!patient) return notFoundPatient();
      const facts = await this.facts();
      const limit = NOTE_LIMITS.find(([re]) => re.test(facts.pms))?.[1] ?? 2000;
      const providerId = text(patient, "provider_id") || text((await this.activeProviders())[0] ?? {}, "provider_id");
      const res = await this.client.write("POST", "/medical_notes", {
        date: DateTime.fromJSDate(this.deps.clock.now(), { zone: this.zone }).toISODate(),
        patient_id: note.patientId,
        type: facts.noteType ?? "PatNote",
        text: sanitizeText(note.text, limit),
        provider_id: providerId,
      });
      const createdAt = formatInClinicZone(this.deps.clock.now(), this.zone);
      return this.settle(res, "add_patient_note", note.patientId, (createdId) => ({ id: createdId, patientId: note.patientId, createdAt }), (reference) => ({ id: null, patientId: note.patientId, createdAt, confirmation: "pending" as const, reference }));
    });
  }

  postPayment(payment: Parameters<PmsConnector["postPayment"]>[0]) {
    return this.guard(async () => {
      const patient = await this.patientRow(payment.patientId);
      if (!patient) return notFoundPatient();
      const { paymentTypes } = await this.facts();
      const code = pickPaymentType(paymentTypes, payment.method);
      if (!code) return err(connectorError("unsupported", "This practice has no payment type for that payment method."));
      const providerId = text(patient, "provider_id") || text((await this.activeProviders())[0] ?? {}, "provider_id");
      const res = await this.client.write("POST", "/transaction", {
        patient_id: payment.patientId,
        guarantor_id: text(patient, "guarantor_id") || payment.patientId,
        procedure_code: text(code, "procedure_code"),
        procedure_description: text(code, "description"),
        provider_id: providerId,
        amount: money(payment.amountCents),
        transaction_date: DateTime.fromJSDate(this.deps.clock.now(), { zone: this.zone }).toISODate(),
        ...(payment.reference ? { note: sanitizeText(payment.reference, 60) } : {}),
      });
      const base = { patientId: payment.patientId, amount: fromCents(payment.amountCents), currency: this.practice.currency, method: payment.method };
      return this.settle(res, "process_payment", payment.patientId, (createdId) => ({ ...base, id: createdId, status: "posted" }), () => ({ ...base, id: null, status: "pending" }));
    });
  }

  checkWriteback(writebackId: string) {
    return this.guard(async () => ok(await writebackState(this.client, writebackId)));
  }

  // ----- helpers -----

  /**
   * Waits for an accepted writeback within the in-call budget: completed → the real entity (with the
   * id Sikka created); failed → an error; still pending → tracked for the background poller, and the
   * caller hears "requested". A writeback id is never passed off as an entity id.
   */
  private async settle<T>(
    res: Awaited<ReturnType<SikkaClient["write"]>>,
    action: string,
    patientId: string | null,
    completed: (createdId: string | null) => T,
    pending: (reference: string) => T,
  ): Promise<PmsResult<T>> {
    const writebackId = writebackIdOf(res);
    if (!writebackId) return err(connectorError("upstream_error", "The practice system accepted the change but returned no tracking id."));
    let state: Awaited<ReturnType<typeof awaitWriteback>>;
    try {
      state = await awaitWriteback(this.client, writebackId, this.writebackBudgetEnd, () => performance.now());
    } catch {
      state = { state: "pending" }; // accepted; the poller will learn the outcome
    }
    if (state.state === "completed") return ok(completed(state.createdId));
    if (state.state === "failed") return err(connectorError("upstream_error", state.message));
    const reference = await this.tracker.track({ accountId: this.practice.accountId, provider: "sikka", writebackId, action, patientId });
    return ok(pending(reference));
  }

  private async patientRow(patientId: string): Promise<SikkaRow | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(patientId)) return null;
    const rows = await this.client.get("/patients", { patient_id: patientId, fields: "homephone,workphone" });
    return rows.find((r) => text(r, "patient_id") === patientId && (!text(r, "practice_id") || text(r, "practice_id") === this.client.practiceId)) ?? null;
  }

  private async appointmentRow(appointmentId: string): Promise<SikkaRow | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(appointmentId)) return null;
    const rows = await this.client.get("/appointments", { appointment_sr_no: appointmentId, fields: "operatory,cancelled" });
    return rows.find((r) => text(r, "appointment_sr_no") === appointmentId && (!text(r, "practice_id") || text(r, "practice_id") === this.client.practiceId)) ?? null;
  }

  private async activeProviders(): Promise<SikkaRow[]> {
    const rows = await this.client.get("/providers", { status: "active", provider_type: "Provider" });
    return rows.filter((r) => /^active$/i.test(text(r, "status")) && (!text(r, "provider_type") || /provider/i.test(text(r, "provider_type"))));
  }

  private async schedule(fromDate: string, toDate: string, excludeAppointmentId: string | null) {
    const facts = await this.facts();
    const [providers, operatories, appointments] = await Promise.all([
      this.activeProviders(),
      facts.custId ? this.client.get("/operatories", { cust_id: facts.custId, is_hidden: "F" }) : Promise.resolve([] as SikkaRow[]),
      this.client.getAll("/appointments", { startdate: fromDate, enddate: toDate, fields: "operatory,cancelled" }),
    ]);
    const chairs = operatories.filter((o) => text(o, "is_hidden") !== "T").map((o) => ({ id: text(o, "operatory"), providers: text(o, "provider_id").split("|").filter(Boolean) }));
    const schedule: ScheduleProvider[] = providers.map((p) => {
      const id = text(p, "provider_id");
      const own = chairs.filter((c) => c.providers.includes(id)).map((c) => c.id);
      return {
        id,
        name: [text(p, "firstname"), text(p, "lastname")].filter(Boolean).join(" ") || id,
        operatoryIds: own.length > 0 ? own : chairs.filter((c) => c.providers.length === 0).map((c) => c.id),
        appointmentTypes: null,
      };
    });
    const busy: BusyInterval[] = [];
    for (const row of appointments.rows) {
      if (isCancelled(row) || text(row, "appointment_sr_no") === excludeAppointmentId) continue;
      const interval = appointmentInterval(row, this.zone);
      if (!interval) continue;
      busy.push({ providerId: text(row, "provider_id") || null, operatoryId: text(row, "operatory") || null, start: interval.start.getTime(), end: interval.end.getTime() });
    }
    return { schedule, busy };
  }

  private async computedSlots(query: SlotQuery): Promise<Slot[]> {
    const { schedule, busy } = await this.schedule(query.startDate, query.endDate, null);
    return freeSlots({ practice: this.practice, providers: schedule, busy, query: { ...query, appointmentType: null }, now: this.deps.clock.now() });
  }

  /** OrthoTrac and Dolphin publish their own open slots; use them as they are. */
  private async vendorSlots(query: SlotQuery): Promise<Slot[]> {
    const [{ rows }, providers] = await Promise.all([
      this.client.getAll("/appointments_available_slots", { startdate: query.startDate, enddate: query.endDate, ...(query.providerId ? { provider_id: query.providerId } : {}) }),
      this.activeProviders(),
    ]);
    const names = new Map(providers.map((p) => [text(p, "provider_id"), [text(p, "firstname"), text(p, "lastname")].filter(Boolean).join(" ")]));
    const now = this.deps.clock.now().getTime();
    const slots: Slot[] = [];
    for (const row of rows) {
      const date = datePart(row, "date");
      const start = date ? DateTime.fromISO(`${date}T${text(row, "time").padStart(5, "0")}`, { zone: this.zone }) : null;
      if (!start?.isValid || start.toMillis() < now) continue;
      const endText = text(row, "end_time");
      const end = endText ? DateTime.fromISO(`${date}T${endText.padStart(5, "0")}`, { zone: this.zone }) : start.plus({ minutes: query.durationMinutes });
      if (end.diff(start, "minutes").minutes < query.durationMinutes) continue;
      const hour = start.hour;
      if (query.partOfDay === "morning" && hour >= 12) continue;
      if (query.partOfDay === "afternoon" && (hour < 12 || hour >= 17)) continue;
      if (query.partOfDay === "evening" && hour < 17) continue;
      const providerId = text(row, "provider_id");
      slots.push({
        start: start.toISO({ suppressMilliseconds: true })!,
        end: start.plus({ minutes: query.durationMinutes }).toISO({ suppressMilliseconds: true })!,
        providerId,
        providerName: names.get(providerId) || providerId,
        operatoryId: text(row, "operatory") || null,
      });
    }
    return slots.sort((a, b) => a.start.localeCompare(b.start));
  }

  /**
   * Re-checks the requested time against current appointments right before writing (reads lag the
   * PMS), and picks the provider and chair.
   */
  private async freePlacement(start: Date, minutes: number, providerId: string | undefined, excludeAppointmentId: string | null) {
    if (start.getTime() < this.deps.clock.now().getTime()) return err(connectorError("slot_unavailable", "That time is in the past."));
    if (!withinOfficeHours(this.practice, start, minutes)) return err(connectorError("slot_unavailable", "That time is outside office hours."));
    const day = DateTime.fromJSDate(start, { zone: this.zone }).toISODate()!;
    const { schedule, busy } = await this.schedule(day, day, excludeAppointmentId);
    const candidates = schedule.filter((p) => !providerId || p.id === providerId);
    if (providerId && candidates.length === 0) return err(connectorError("invalid_request", "No active provider with that id at this practice."));
    const s = start.getTime();
    const e = s + minutes * 60_000;
    const overlaps = (b: BusyInterval) => b.start < e && s < b.end;
    for (const p of candidates) {
      if (busy.some((b) => b.providerId === p.id && overlaps(b))) continue;
      const chair = p.operatoryIds.find((o) => !busy.some((b) => b.operatoryId === o && overlaps(b)));
      if (p.operatoryIds.length > 0 && !chair) continue;
      return ok({ providerId: p.id, operatoryId: chair ?? null });
    }
    return err(connectorError("slot_unavailable", "That time is no longer free."));
  }
}

/** A non-insurance, non-adjustment payment code matching the method (cash, check, card). */
export function pickPaymentType(types: SikkaRow[], method: string): SikkaRow | undefined {
  const usable = types.filter((t) => !/^(true|t)$/i.test(text(t, "is_insurance_type")) && !/^(true|t)$/i.test(text(t, "is_adjustment_type")) && text(t, "procedure_code"));
  const pattern = method === "card" ? /card|credit|visa/i : method === "cash" ? /cash/i : method === "check" ? /check|cheque/i : /other|misc/i;
  return usable.find((t) => pattern.test(text(t, "description"))) ?? (method === "other" ? usable[0] : undefined);
}

