import { Type } from "@sinclair/typebox";
import { type BusyInterval, freeSlots, type ScheduleProvider, withinOfficeHours } from "../../domain/availability";
import { fromCents } from "../../domain/billing";
import { last4 } from "../../domain/insurance";
import { MAX_SEARCH_RESULTS } from "../../domain/patient";
import { toE164 } from "../../domain/phone";
import type { PracticeSettings } from "../../domain/practice";
import { parseSpokenQuery } from "../../domain/spoken-query";
import { clinicDaysSpan, formatInClinicZone } from "../../domain/time";
import { err, ok } from "../../lib/result";
import { type ConnectorDefinition, type ConnectorDeps, connectorError, type PmsConnector } from "../types";
import { parseId, toAppointment, toPatient } from "./mappers";
import type { SandboxProviderRow, SandboxStorage } from "./storage";

const MINUTE = 60_000;

const patientNotFound = () => err(connectorError("patient_not_found", "No patient with that id at this practice."));
const appointmentNotFound = () => err(connectorError("appointment_not_found", "No appointment with that id at this practice."));

const toScheduleProvider = (p: SandboxProviderRow): ScheduleProvider => ({
  id: String(p.id),
  name: p.name,
  operatoryIds: [String(p.operatoryId)],
  appointmentTypes: p.appointmentTypes ?? null,
});

/**
 * The built-in demo PMS. It keeps a whole practice in the gateway's own database and behaves like a
 * real PMS: availability comes from office hours minus bookings, bookings can collide, ids persist.
 */
export class SandboxConnector implements PmsConnector {
  constructor(
    private readonly store: SandboxStorage,
    private readonly practice: PracticeSettings,
    private readonly deps: ConnectorDeps,
  ) {}

  private get accountId() {
    return this.practice.accountId;
  }

  async findSlots(query: Parameters<PmsConnector["findSlots"]>[0]) {
    const { fromMs, toMs } = clinicDaysSpan(query.startDate, query.endDate, this.practice.timezone);
    const [providers, booked] = await Promise.all([
      this.store.providers(this.accountId),
      this.store.scheduledBetween(this.accountId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()),
    ]);
    const busy: BusyInterval[] = booked.map((a) => ({
      providerId: String(a.providerId),
      operatoryId: String(a.operatoryId),
      start: Date.parse(a.startUtc),
      end: Date.parse(a.endUtc),
    }));
    return ok({ slots: freeSlots({ practice: this.practice, providers: providers.map(toScheduleProvider), busy, query, now: this.deps.clock.now() }) });
  }

  async getAppointment(appointmentId: string) {
    const id = parseId(appointmentId);
    const row = id === null ? undefined : await this.store.appointment(this.accountId, id);
    return row ? ok(toAppointment(row, this.practice.timezone)) : appointmentNotFound();
  }

  async bookAppointment(request: Parameters<PmsConnector["bookAppointment"]>[0]) {
    const patientId = parseId(request.patientId);
    if (patientId === null) return patientNotFound();
    const checked = this.checkPlacement(request.start, request.durationMinutes);
    if (!checked.ok) return checked;
    const candidates = await this.candidateProviders(request.providerId, request.appointmentType);
    if (!candidates.ok) return candidates;
    for (const provider of candidates.value) {
      const row = await this.store.insertAppointmentIfFree({
        accountId: this.accountId,
        patientId,
        providerId: provider.id,
        operatoryId: provider.operatoryId,
        startUtc: request.start.toISOString(),
        endUtc: new Date(request.start.getTime() + request.durationMinutes * MINUTE).toISOString(),
        type: request.appointmentType ?? "general",
        notes: request.notes ?? null,
      });
      if (row) return ok(toAppointment(row, this.practice.timezone));
    }
    // Nothing booked: the insert also requires the patient, so say which it was.
    if (!(await this.store.patient(this.accountId, patientId))) return patientNotFound();
    return err(connectorError("slot_unavailable", "That time is no longer free."));
  }

  async rescheduleAppointment(request: Parameters<PmsConnector["rescheduleAppointment"]>[0]) {
    const id = parseId(request.appointmentId);
    const current = id === null ? undefined : await this.store.appointment(this.accountId, id);
    if (!current || id === null) return appointmentNotFound();
    if (current.status === "cancelled") {
      return err(connectorError("invalid_request", "That appointment is cancelled; book a new one instead."));
    }
    const duration = request.durationMinutes ?? Math.round((Date.parse(current.endUtc) - Date.parse(current.startUtc)) / MINUTE);
    const checked = this.checkPlacement(request.start, duration);
    if (!checked.ok) return checked;
    // Keep the same provider unless the caller asks for another one.
    // Only a real appointment type restricts who may see it ("general" marks a booking made without one).
    const type = this.practice.appointmentTypes.some((t) => t.name === current.type) ? current.type : null;
    const candidates = await this.candidateProviders(request.providerId ?? String(current.providerId), type);
    if (!candidates.ok) return candidates;
    for (const provider of candidates.value) {
      const moved = await this.store.moveAppointmentIfFree(this.accountId, id, {
        providerId: provider.id,
        operatoryId: provider.operatoryId,
        startUtc: request.start.toISOString(),
        endUtc: new Date(request.start.getTime() + duration * MINUTE).toISOString(),
      });
      if (moved) return this.getAppointment(String(id));
    }
    return err(connectorError("slot_unavailable", "That time is no longer free."));
  }

  async cancelAppointment(request: Parameters<PmsConnector["cancelAppointment"]>[0]) {
    const id = parseId(request.appointmentId);
    const current = id === null ? undefined : await this.store.appointment(this.accountId, id);
    if (!current || id === null) return appointmentNotFound();
    if (current.status !== "cancelled") await this.store.cancelAppointment(this.accountId, id, request.reason ?? null);
    return this.getAppointment(String(id));
  }

  async searchPatients(search: Parameters<PmsConnector["searchPatients"]>[0]) {
    const { names: namePrefixes, phone, dateOfBirth, invalidPhone } = parseSpokenQuery(search);
    if (invalidPhone) return ok([]);
    const rows = await this.store.searchPatients(
      this.accountId,
      {
        namePrefixes,
        ...(search.firstName ? { firstName: search.firstName } : {}),
        ...(search.lastName ? { lastName: search.lastName } : {}),
        ...(phone ? { phone } : {}),
        ...(dateOfBirth ? { dateOfBirth } : {}),
      },
      MAX_SEARCH_RESULTS,
    );
    return ok(rows.map(toPatient));
  }

  async getPatient(patientId: string) {
    const id = parseId(patientId);
    const row = id === null ? undefined : await this.store.patient(this.accountId, id);
    return row ? ok(toPatient(row)) : patientNotFound();
  }

  async createPatient(patient: Parameters<PmsConnector["createPatient"]>[0]) {
    const phone = toE164(patient.phone);
    if (!phone) return err(connectorError("invalid_request", "That phone number is not valid."));
    const row = await this.store.insertPatient({
      accountId: this.accountId,
      firstName: patient.firstName.trim(),
      lastName: patient.lastName.trim(),
      dateOfBirth: patient.dateOfBirth,
      phone,
      email: patient.email ?? null,
    });
    return ok(toPatient(row));
  }

  async addNote(note: Parameters<PmsConnector["addNote"]>[0]) {
    const patientId = parseId(note.patientId);
    if (patientId === null || !(await this.store.patient(this.accountId, patientId))) return patientNotFound();
    const createdAt = formatInClinicZone(this.deps.clock.now(), this.practice.timezone);
    const row = await this.store.insertNote({ accountId: this.accountId, patientId, type: note.type, text: note.text, createdAt });
    return ok({ id: String(row.id), patientId: String(patientId), createdAt });
  }

  async getBalance(patientId: string) {
    const id = parseId(patientId);
    const row = id === null ? undefined : await this.store.patient(this.accountId, id);
    if (!row) return patientNotFound();
    return ok({
      patientId: String(row.id),
      total: fromCents(row.patientBalanceCents + row.insuranceBalanceCents),
      patientPortion: fromCents(row.patientBalanceCents),
      insurancePortion: fromCents(row.insuranceBalanceCents),
      currency: this.practice.currency,
      asOf: formatInClinicZone(this.deps.clock.now(), this.practice.timezone),
    });
  }

  async getInsurance(patientId: string) {
    const id = parseId(patientId);
    if (id === null || !(await this.store.patient(this.accountId, id))) return patientNotFound();
    const plans = await this.store.insurance(this.accountId, id);
    return ok(
      plans.map((p) => ({
        carrier: p.carrier,
        memberIdLast4: last4(p.memberId),
        groupNumber: p.groupNumber,
        relationship: p.relationship,
        priority: p.priority,
      })),
    );
  }

  async postPayment(payment: Parameters<PmsConnector["postPayment"]>[0]) {
    const patientId = parseId(payment.patientId);
    if (patientId === null || !(await this.store.patient(this.accountId, patientId))) return patientNotFound();
    const row = await this.store.insertPayment({
      accountId: this.accountId,
      patientId,
      amountCents: payment.amountCents,
      currency: this.practice.currency,
      method: payment.method,
      reference: payment.reference ?? null,
      status: "posted",
      createdAt: formatInClinicZone(this.deps.clock.now(), this.practice.timezone),
    });
    return ok({
      id: String(row.id),
      patientId: String(patientId),
      amount: fromCents(row.amountCents),
      currency: row.currency,
      status: row.status,
      method: row.method,
    });
  }

  private checkPlacement(start: Date, durationMinutes: number) {
    if (start.getTime() < this.deps.clock.now().getTime()) {
      return err(connectorError("slot_unavailable", "That time is in the past."));
    }
    if (!withinOfficeHours(this.practice, start, durationMinutes)) {
      return err(connectorError("slot_unavailable", "That time is outside office hours."));
    }
    return ok(undefined);
  }

  /** Providers who may take this appointment type, the requested one only if named. */
  private async candidateProviders(providerId: string | undefined, appointmentType: string | null) {
    const all = await this.store.providers(this.accountId);
    const eligible = all.filter(
      (p) => (!providerId || String(p.id) === providerId) && (appointmentType === null || !p.appointmentTypes || p.appointmentTypes.includes(appointmentType)),
    );
    if (providerId && !all.some((p) => String(p.id) === providerId)) {
      return err(connectorError("invalid_request", "No provider with that id at this practice."));
    }
    if (eligible.length === 0) {
      return err(connectorError("slot_unavailable", "No provider at this practice sees that appointment type."));
    }
    return ok(eligible);
  }
}

export function createSandboxDefinition(store: SandboxStorage): ConnectorDefinition<"sandbox"> {
  return {
    id: "sandbox",
    displayName: "Built-in sandbox PMS",
    credentialsSchema: Type.Object({}, { additionalProperties: false }),
    create: ({ practice, deps }) => new SandboxConnector(store, practice, deps),
  };
}
