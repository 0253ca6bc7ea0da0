import type { ScheduleProvider, TakenRange } from "./availability";

/**
 * The unchanging part of a practice's schedule: who can be booked, in which chairs, and when. Held in
 * the gateway's schedule mirror; the bookings themselves are kept apart as `BookedRange`s.
 */
export type ScheduleFrame = {
  /** Bookable providers; `workingHours` per provider when the vendor reports them (else office hours). */
  providers: ScheduleProvider[];
  operatoryIds: string[];
  /** The vendor's appointment types, when it has any (names and lengths): informative. */
  appointmentTypes: Array<{ id: string; name: string; minutes: number | null }>;
  /**
   * Set when availability cannot be computed from this copy (e.g. the PMS publishes its own open slots
   * or uses a schedule rule the gateway does not read): such a practice is always answered live.
   */
  liveOnly: string | null;
  /** A caveat the vendor gave with the data (e.g. still loading); said with answers from this copy. */
  notice: string | null;
  /** Starts step by the appointment's length from each working hour's start, as the vendor's own slots do. */
  stepByDuration: boolean;
};

/** A booked appointment as a time range: no more of the patient than their id. */
export type BookedRange = TakenRange & { id: string; patientId: string | null };

/** One change the vendor's feed reported: a booking added or moved, or gone (deleted or cancelled). */
export type ScheduleChange = { kind: "upsert"; range: BookedRange } | { kind: "remove"; id: string };
