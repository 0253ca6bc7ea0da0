import type { TSchema } from "@sinclair/typebox";
import type { Appointment, BookingRequest, CancelRequest, RescheduleRequest } from "../domain/appointment";
import type { TakenRange } from "../domain/availability";
import type { Balance, Payment, PaymentRequest } from "../domain/billing";
import type { InsurancePlan } from "../domain/insurance";
import type { NewNote, Note } from "../domain/note";
import type { NewPatient, Patient, PatientSearch } from "../domain/patient";
import type { PracticeSettings } from "../domain/practice";
import type { BookedRange, ScheduleChange, ScheduleFrame } from "../domain/schedule";
import type { Slot, SlotQuery } from "../domain/slot";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import type { Result } from "../lib/result";

/**
 * Expected PMS failures, as values. `message` is safe to show a caller and to log: it never holds PHI,
 * credentials or a vendor response body.
 */
export type ConnectorErrorCode =
  | "patient_not_found"
  | "appointment_not_found"
  | "slot_unavailable"
  | "invalid_request"
  | "unavailable"
  | "timeout"
  | "unsupported"
  | "auth_failed"
  | "upstream_error";

export type ConnectorError = { code: ConnectorErrorCode; message: string; retryable: boolean };
export type PmsResult<T> = Result<T, ConnectorError>;

export const connectorError = (code: ConnectorErrorCode, message: string, retryable = false): ConnectorError => ({
  code,
  message,
  retryable,
});

/**
 * Open slots, and why they may be incomplete: the PMS's data was still loading, or the schedule comes
 * from a copy that may be behind. The assistant says so rather than promise a time that may be gone.
 */
export type SlotSearch = { slots: Slot[]; mayBeIncomplete?: string };

/** Everything pms-gateway asks of a practice-management system, in vendor-neutral terms. */
export interface PmsConnector {
  findSlots(query: SlotQuery): Promise<PmsResult<SlotSearch>>;
  getAppointment(appointmentId: string): Promise<PmsResult<Appointment>>;
  bookAppointment(request: BookingRequest): Promise<PmsResult<Appointment>>;
  rescheduleAppointment(request: RescheduleRequest): Promise<PmsResult<Appointment>>;
  cancelAppointment(request: CancelRequest): Promise<PmsResult<Appointment>>;
  searchPatients(search: PatientSearch): Promise<PmsResult<Patient[]>>;
  getPatient(patientId: string): Promise<PmsResult<Patient>>;
  createPatient(patient: NewPatient): Promise<PmsResult<Patient>>;
  addNote(note: NewNote): Promise<PmsResult<Note>>;
  getBalance(patientId: string): Promise<PmsResult<Balance>>;
  getInsurance(patientId: string): Promise<PmsResult<InsurancePlan[]>>;
  postPayment(payment: PaymentRequest): Promise<PmsResult<Payment>>;
  /** For PMSs whose writes complete asynchronously: where a tracked write stands now. */
  checkWriteback?(writebackId: string): Promise<PmsResult<WritebackState>>;
  /** Finds a write whose answer was lost, by its request fingerprint, among those sent since a time. */
  findWriteback?(requestFingerprint: string, sentAfter: Date): Promise<PmsResult<string | null>>;
  /** Withdraws a write still pending past its deadline: "cancelled", or "not_pending" when it already ran. */
  cancelWriteback?(writebackId: string): Promise<PmsResult<"cancelled" | "not_pending">>;
  /** For PMSs with a change feed: what the gateway's schedule mirror reads to stay current. */
  scheduleFeed?(): ScheduleFeed;
}

/**
 * A practice's schedule as a mirror needs it: the frame (providers, chairs, hours), every booking in a
 * window of days, and the bookings changed since a time, from the vendor's own change feed.
 */
export interface ScheduleFeed {
  /** Names the practice at the vendor, to match the vendor's change events to the mirrors they touch. */
  readonly practiceKey: string;
  frame(): Promise<PmsResult<ScheduleFrame>>;
  /** Every booking (not cancelled) starting between two clinic-local days, inclusive. */
  booked(fromDate: string, toDate: string): Promise<PmsResult<BookedRange[]>>;
  /**
   * Bookings changed since `sinceMs` (epoch ms). `complete: false` when the feed cannot reach that far
   * back or reported a change it could not read: only a full reload is then safe.
   */
  changesSince(sinceMs: number, fromDate: string, toDate: string): Promise<PmsResult<{ changes: ScheduleChange[]; complete: boolean }>>;
}

export type WritebackState =
  | { state: "pending" }
  | { state: "completed"; createdId: string | null }
  /** `slotTaken`: the PMS refused because the time or chair was taken meanwhile (e.g. at the front desk). */
  | { state: "failed"; message: string; slotTaken?: boolean };

/** A write to track: whose, which vendor, the vendor's id for it ("" while unknown), what it did. */
export type TrackedWriteInput = {
  accountId: string;
  provider: string;
  writebackId: string;
  action: string;
  patientId: string | null;
  requestFingerprint?: string;
};

/** Writes a PMS accepted but has not confirmed within the call; a background poller finishes them. */
export interface WritebackTracker {
  /**
   * Returns the gateway's reference for the pending write (never the vendor's writeback id). A write
   * whose answer was lost has no writeback id yet (""): its request fingerprint lets the poller find it.
   */
  track(input: TrackedWriteInput): Promise<string>;
  /** Where a tracked write stands now: a vendor event may have settled it while the caller waits. */
  state(reference: string): Promise<"pending" | "completed" | "failed">;
  /** The write was seen completed during the call: settled now, so no background check is needed. */
  complete(reference: string, createdId: string | null): Promise<void>;
}

/** A time the gateway itself booked on a provider and chair. */
export type BookingHold = TakenRange;

/**
 * The gateway's own bookings that the vendor's synced copy may not show yet, shared by every instance.
 * Availability subtracts them; a booking takes one atomically first, so two callers are never sent to
 * the same provider or chair at the same time.
 */
export interface BookingHolds {
  /** Holds of a practice that overlap [fromMs, toMs) and still count. */
  active(accountId: string, fromMs: number, toMs: number): Promise<BookingHold[]>;
  /** Takes a hold unless a live one overlaps it on the same provider or chair: null when taken. */
  take(accountId: string, hold: BookingHold): Promise<string | null>;
  /** The write certainly did not happen: the slot is free again. */
  release(holdId: string): Promise<void>;
  /** The write is pending under this tracking reference (settled with it by the poller). */
  attach(holdId: string, reference: string): Promise<void>;
  /** The write completed: the hold stays until the vendor's copy shows the booking. */
  confirm(holdId: string): Promise<void>;
}

/** What a connector may use. Never the database handle, the config or the environment. */
export type ConnectorDeps = { fetch: typeof fetch; clock: Clock; logger: Logger };

/** Secrets a connector shares across instances and restarts, sealed in the database by the caller. */
export interface SealedValues {
  get<T>(name: string): Promise<T | null>;
  put(name: string, value: unknown, expiresAt?: number): Promise<void>;
}

/**
 * Refused with a reason, or accepted with warnings for the clinic's IT and, optionally, facts learned
 * from the vendor to keep with the credentials (e.g. which PMS the location runs).
 */
export type CredentialCheck = { ok: false; reason: string } | { ok: true; warnings: string[]; remember?: Record<string, string> };

/** A pending write a vendor's event settles, by the connector's writeback id. */
export type WebhookOutcome = { writebackId: string; state: Exclude<WritebackState, { state: "pending" }> };
/**
 * A verified vendor event: a key that identifies redeliveries, its name, what it settles, and the
 * practices (by `ScheduleFeed.practiceKey`) whose schedule it says changed.
 */
export type WebhookDelivery = { dedupeKey: string; event: string; outcomes: WebhookOutcome[]; scheduleChanged?: string[] };

export interface ConnectorDefinition<Id extends string = string> {
  id: Id;
  displayName: string;
  /** Validates the credentials object of `PUT /api/admin/accounts/:id/pms`. */
  credentialsSchema: TSchema;
  create(input: { practice: PracticeSettings; credentials: unknown; deps: ConnectorDeps }): PmsConnector;
  /** Its connectors offer `scheduleFeed()`: the gateway mirrors these practices' schedules. */
  offersScheduleFeed?: boolean;
  /**
   * Checks credentials against the vendor before they are stored: refused with a reason that says what
   * is wrong, or accepted with warnings for the clinic's IT (e.g. the vendor's time zone disagrees).
   */
  validateCredentials?(credentials: unknown, deps: ConnectorDeps, practice: PracticeSettings): Promise<CredentialCheck>;
  /**
   * For vendors that report write results by webhook (`POST /api/connectors/:id/webhook`): the delivery
   * if its signature verifies, else null (answered 401, nothing recorded).
   */
  receiveWebhook?(input: { headers: Headers; body: Uint8Array; now: Date }): Promise<WebhookDelivery | null>;
}
