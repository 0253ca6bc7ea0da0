import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AppointmentTypeSetting, OfficeHours } from "../../domain/practice";
import { timestamps } from "./columns";

/** A clinic: the tenant every other row belongs to. */
export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull(),
  currency: text("currency").notNull().default("USD"),
  officeHours: text("office_hours", { mode: "json" }).$type<OfficeHours>().notNull(),
  defaultDurationMinutes: integer("default_duration_minutes").notNull().default(30),
  slotStepMinutes: integer("slot_step_minutes").notNull().default(15),
  appointmentTypes: text("appointment_types", { mode: "json" }).$type<AppointmentTypeSetting[]>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Opt-in: write each call's end-of-call summary as a PMS note on the patient verified in that call. */
  callSummaryNotes: integer("call_summary_notes", { mode: "boolean" }).notNull().default(false),
  /** E.164 number a caller is transferred to when the assistant hands over to a person. */
  frontDeskNumber: text("front_desk_number"),
  /** Payments may be taken on the Vapi server URL at all (staff on REST are never limited by it). */
  phonePayments: integer("phone_payments", { mode: "boolean" }).notNull().default(false),
  /** A phone payment may exceed the balance due (a deposit or prepayment). */
  allowPrepayment: integer("allow_prepayment", { mode: "boolean" }).notNull().default(false),
  /** The caller gate also applies to REST requests made with a Vapi credential. */
  restCallerGate: integer("rest_caller_gate", { mode: "boolean" }).notNull().default(true),
  ...timestamps,
});

/**
 * Vapi phone-number ids, E.164 numbers and assistant ids a clinic registered. A separate table (not a JSON column) so that
 * an inbound call with no metadata resolves its clinic by index, and one id can never belong to two clinics.
 */
export const vapiBindings = sqliteTable(
  "vapi_bindings",
  {
    kind: text("kind", { enum: ["phone_number", "phone_e164", "assistant"] }).notNull(),
    externalId: text("external_id").notNull(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%d %H:%M:%f', 'now'))`),
  },
  (t) => [uniqueIndex("vapi_bindings_kind_external_id").on(t.kind, t.externalId)],
);
