import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Each connected practice's schedule as last read from its PMS (providers, chairs, hours: the frame),
 * with when it was read, who refreshes it now (a lease), and when it is due again. Shared by every
 * instance: one refreshes, all read.
 */
export const scheduleMirrors = sqliteTable("schedule_mirrors", {
  accountId: text("account_id").primaryKey(),
  provider: text("provider").notNull(),
  /** The vendor's name for the practice (`ScheduleFeed.practiceKey`): matches vendor events to it. */
  practiceKey: text("practice_key").notNull().default(""),
  /** JSON `ScheduleFrame`; null until the first full load. */
  frame: text("frame"),
  /** Clinic-local days whose bookings are mirrored (inclusive). */
  windowFrom: text("window_from"),
  windowTo: text("window_to"),
  /** Epoch ms: when the mirror last matched the vendor (the start of the last good refresh). */
  syncedAt: integer("synced_at"),
  fullSyncedAt: integer("full_synced_at"),
  frameSyncedAt: integer("frame_synced_at"),
  /** The last refresh's failure, as a connector error code (never a vendor message); null when it worked. */
  lastError: text("last_error"),
  /** Epoch ms when the next refresh is due; a vendor event or a booking conflict brings it forward. */
  nextRefreshAt: integer("next_refresh_at").notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseUntil: integer("lease_until").notNull().default(0),
});

/** Booked appointments of mirrored practices as time ranges: no patient detail beyond the id. */
export const scheduleMirrorBookings = sqliteTable(
  "schedule_mirror_bookings",
  {
    accountId: text("account_id").notNull(),
    appointmentId: text("appointment_id").notNull(),
    patientId: text("patient_id"),
    providerId: text("provider_id"),
    operatoryId: text("operatory_id"),
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.appointmentId] }), index("schedule_mirror_bookings_time").on(t.accountId, t.startMs)],
);
