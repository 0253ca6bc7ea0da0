import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { sqlNow } from "./columns";

// The built-in sandbox PMS: a small practice per clinic, persisted like a real PMS would persist it.
const accountId = () =>
  text("account_id")
    .notNull()
    .references(() => accounts.id);

export const sandboxOperatories = sqliteTable("sandbox_operatories", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  accountId: accountId(),
  name: text("name").notNull(),
});

export const sandboxProviders = sqliteTable("sandbox_providers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  accountId: accountId(),
  name: text("name").notNull(),
  /** Appointment type names this provider sees; null means all. */
  appointmentTypes: text("appointment_types", { mode: "json" }).$type<string[] | null>(),
  operatoryId: integer("operatory_id").notNull(),
});

export const sandboxPatients = sqliteTable(
  "sandbox_patients",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: accountId(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    dateOfBirth: text("date_of_birth").notNull(),
    phone: text("phone"),
    email: text("email"),
    patientBalanceCents: integer("patient_balance_cents").notNull().default(0),
    insuranceBalanceCents: integer("insurance_balance_cents").notNull().default(0),
    createdAt: text("created_at").notNull().default(sqlNow),
  },
  (t) => [index("sandbox_patients_account_last_name").on(t.accountId, t.lastName)],
);

export const sandboxAppointments = sqliteTable(
  "sandbox_appointments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: accountId(),
    patientId: integer("patient_id").notNull(),
    providerId: integer("provider_id").notNull(),
    operatoryId: integer("operatory_id").notNull(),
    /** UTC instants as ISO 8601 text, so range comparisons are plain string comparisons. */
    startUtc: text("start_utc").notNull(),
    endUtc: text("end_utc").notNull(),
    type: text("type").notNull(),
    status: text("status", { enum: ["scheduled", "cancelled"] }).notNull(),
    notes: text("notes"),
    cancelReason: text("cancel_reason"),
    createdAt: text("created_at").notNull().default(sqlNow),
    updatedAt: text("updated_at").notNull().default(sqlNow),
  },
  // The overlap check a booking makes reads every appointment of the hours before its start: with the
  // columns it compares in the index, it reads the index alone instead of each row's table page.
  (t) => [index("sandbox_appointments_account_start").on(t.accountId, t.startUtc, t.endUtc, t.providerId, t.operatoryId, t.status)],
);

export const sandboxInsurancePlans = sqliteTable("sandbox_insurance_plans", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  accountId: accountId(),
  patientId: integer("patient_id").notNull(),
  carrier: text("carrier").notNull(),
  memberId: text("member_id").notNull(),
  groupNumber: text("group_number"),
  relationship: text("relationship", { enum: ["self", "spouse", "child", "other"] }).notNull(),
  priority: text("priority", { enum: ["primary", "secondary"] }).notNull(),
});

export const sandboxNotes = sqliteTable("sandbox_notes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  accountId: accountId(),
  patientId: integer("patient_id").notNull(),
  type: text("type").notNull(),
  text: text("text").notNull(),
  createdAt: text("created_at").notNull(),
});

export const sandboxPayments = sqliteTable("sandbox_payments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  accountId: accountId(),
  patientId: integer("patient_id").notNull(),
  amountCents: integer("amount_cents").notNull(),
  currency: text("currency").notNull(),
  method: text("method").notNull(),
  reference: text("reference"),
  status: text("status").notNull(),
  createdAt: text("created_at").notNull(),
});
