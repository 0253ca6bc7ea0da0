import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sqlNow, timestamps } from "./columns";

/**
 * Every running instance, with its last heartbeat: rate limits are shared out among the live ones.
 */
export const gatewayInstances = sqliteTable("gateway_instances", {
  id: text("id").primaryKey(),
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
});

/** A PMS request token (Sikka's request_key + refresh_key), sealed like credentials, per clinic. */
export const pmsTokens = sqliteTable("pms_tokens", {
  accountId: text("account_id").primaryKey(),
  provider: text("provider").notNull(),
  keyId: text("key_id").notNull(),
  ciphertext: text("ciphertext").notNull(),
  expiresAt: integer("expires_at").notNull(),
  ...timestamps,
});

/** Writes a PMS accepted but had not confirmed within the call; finished by the background poller. */
export const pmsWritebacks = sqliteTable(
  "pms_writebacks",
  {
    reference: text("reference").primaryKey(),
    accountId: text("account_id").notNull(),
    provider: text("provider").notNull(),
    /** Empty while a write whose answer was lost (timeout, 502, 504) is still being looked for. */
    writebackId: text("writeback_id").notNull(),
    /** Hash of the write's canonical request body, to find it again among the app's writebacks. */
    requestFingerprint: text("request_fingerprint"),
    action: text("action").notNull(),
    patientId: text("patient_id"),
    status: text("status", { enum: ["pending", "completed", "failed"] }).notNull(),
    createdId: text("created_id"),
    attempts: integer("attempts").notNull().default(0),
    /** Epoch ms of the next background check (exponential backoff between checks). */
    nextCheckAt: integer("next_check_at").notNull().default(0),
    /** The instance checking this write now, and until when (a lease: a dead instance's lapses). */
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until").notNull().default(0),
    createdAt: text("created_at").notNull().default(sqlNow),
    completedAt: text("completed_at"),
  },
  (t) => [index("pms_writebacks_status").on(t.status, t.createdAt)],
);

/**
 * Slots the gateway itself booked (or is moving an appointment to) that the vendor's synced copy may
 * not show yet. Subtracted from availability and checked atomically before every booking, so two
 * callers can never both be sent to the same chair. Shared by every instance through the database.
 */
export const pmsBookingHolds = sqliteTable(
  "pms_booking_holds",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id"),
    operatoryId: text("operatory_id"),
    /** Epoch ms. */
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    /** The pending writeback this hold belongs to, once it is tracked. */
    reference: text("reference"),
    status: text("status", { enum: ["pending", "confirmed"] }).notNull(),
    /** Epoch ms after which the hold no longer counts (the vendor's copy has caught up by then). */
    expiresAt: integer("expires_at").notNull(),
    createdAt: text("created_at").notNull().default(sqlNow),
  },
  (t) => [index("pms_booking_holds_account_time").on(t.accountId, t.startMs), index("pms_booking_holds_reference").on(t.reference)],
);

/**
 * Vendor webhook deliveries already applied, by the vendor's identity of the event: a redelivery is
 * answered 200 and changes nothing.
 */
export const pmsWebhookEvents = sqliteTable(
  "pms_webhook_events",
  {
    provider: text("provider").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    event: text("event").notNull(),
    /** How many pending writes it settled. */
    settled: integer("settled").notNull(),
    receivedAt: text("received_at").notNull().default(sqlNow),
  },
  (t) => [primaryKey({ columns: [t.provider, t.dedupeKey] })],
);
