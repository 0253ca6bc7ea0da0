// biome-ignore-all lint/style/noNonNullAssertion: an INSERT ... RETURNING of one row returns that row, and or() of two conditions is never empty.
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import type { Placement, SandboxStorage } from "../../connectors/sandbox/storage";
import { MAX_APPOINTMENT_MINUTES } from "../../domain/appointment";
import type { Database } from "../client";
import { sandboxAppointments, sandboxInsurancePlans, sandboxNotes, sandboxOperatories, sandboxPatients, sandboxPayments, sandboxProviders } from "../schema";

type SandboxPatientRow = typeof sandboxPatients.$inferSelect;
type SandboxAppointmentRow = typeof sandboxAppointments.$inferSelect;
type SandboxProviderRow = typeof sandboxProviders.$inferSelect;

/** Practices whose rosters are remembered at most (each is a couple of rows). */
const MAX_ROSTERS = 10_000;

/**
 * Persistence of the sandbox practice. Every query is scoped by the account id, so one clinic's
 * sandbox can never read another's rows even though ids are global integers.
 */
export class SandboxStore implements SandboxStorage {
  private readonly hot;
  private readonly rosters = new Map<string, SandboxProviderRow[]>();

  constructor(private readonly db: Database) {
    this.hot = hotQueries(db);
  }

  /**
   * A practice's providers. The roster is laid down once, when the practice is seeded, and never changed
   * afterwards, so it is read once and remembered (a booking asks for it every time); an empty roster
   * (a practice still being seeded) is never remembered.
   */
  async providers(accountId: string): Promise<SandboxProviderRow[]> {
    const known = this.rosters.get(accountId);
    if (known) return known;
    const roster = await this.hot.providers.all({ accountId });
    if (roster.length > 0) {
      if (this.rosters.size >= MAX_ROSTERS) this.rosters.clear();
      this.rosters.set(accountId, roster);
    }
    return roster;
  }

  scheduledBetween(accountId: string, fromUtc: string, toUtc: string): Promise<SandboxAppointmentRow[]> {
    return this.hot.scheduledBetween.all({ accountId, fromUtc, toUtc, earliestStart: earliestOverlappingStart(fromUtc) });
  }

  async appointment(accountId: string, id: number): Promise<SandboxAppointmentRow | undefined> {
    const rows = await this.db
      .select()
      .from(sandboxAppointments)
      .where(and(eq(sandboxAppointments.accountId, accountId), eq(sandboxAppointments.id, id)));
    return rows[0];
  }

  async patient(accountId: string, id: number): Promise<SandboxPatientRow | undefined> {
    return (await this.hot.patient.all({ accountId, id }))[0];
  }

  searchPatients(
    accountId: string,
    criteria: { namePrefixes: string[]; firstName?: string; lastName?: string; phone?: string; dateOfBirth?: string },
    limit: number,
  ): Promise<SandboxPatientRow[]> {
    const conditions = [eq(sandboxPatients.accountId, accountId)];
    // Each spoken word must prefix the first or the last name ("jane do" finds Jane Doe).
    for (const word of criteria.namePrefixes) {
      const pattern = `${escapeLike(word)}%`;
      conditions.push(
        or(sql`lower(${sandboxPatients.firstName}) like ${pattern} escape '\\'`, sql`lower(${sandboxPatients.lastName}) like ${pattern} escape '\\'`)!,
      );
    }
    if (criteria.firstName) conditions.push(sql`lower(${sandboxPatients.firstName}) like ${`${escapeLike(criteria.firstName)}%`} escape '\\'`);
    if (criteria.lastName) conditions.push(sql`lower(${sandboxPatients.lastName}) like ${`${escapeLike(criteria.lastName)}%`} escape '\\'`);
    if (criteria.phone) conditions.push(eq(sandboxPatients.phone, criteria.phone));
    if (criteria.dateOfBirth) conditions.push(eq(sandboxPatients.dateOfBirth, criteria.dateOfBirth));
    return this.db
      .select()
      .from(sandboxPatients)
      .where(and(...conditions))
      .orderBy(sandboxPatients.lastName, sandboxPatients.firstName, sandboxPatients.id)
      .limit(limit);
  }

  async insertPatient(row: typeof sandboxPatients.$inferInsert): Promise<SandboxPatientRow> {
    const [inserted] = await this.db.insert(sandboxPatients).values(row).returning();
    return inserted!;
  }

  /**
   * Books only if the patient exists and neither the provider nor the operatory has an overlapping
   * scheduled appointment. One INSERT … SELECT … WHERE EXISTS … AND NOT EXISTS statement, so two
   * concurrent bookings of the same slot cannot both succeed (SQLite runs a statement atomically); the
   * new row's id is the statement's own, with nothing read back.
   */
  async insertAppointmentIfFree(row: Omit<typeof sandboxAppointments.$inferInsert, "id" | "status">): Promise<SandboxAppointmentRow | undefined> {
    const { accountId, patientId, providerId, operatoryId, startUtc, endUtc } = row;
    const result = await this.db.$client.execute({
      sql: INSERT_APPOINTMENT_IF_FREE,
      args: [
        accountId,
        patientId,
        providerId,
        operatoryId,
        startUtc,
        endUtc,
        row.type,
        row.notes ?? null,
        accountId,
        patientId,
        ...overlapArgs(accountId, row),
      ],
    });
    const id = result.rowsAffected === 1 ? result.lastInsertRowid : undefined;
    if (id === undefined) return undefined;
    // The row as inserted (timestamps are not part of an Appointment).
    return {
      id: Number(id),
      accountId: row.accountId,
      patientId: row.patientId,
      providerId: row.providerId,
      operatoryId: row.operatoryId,
      startUtc: row.startUtc,
      endUtc: row.endUtc,
      type: row.type,
      status: "scheduled",
      notes: row.notes ?? null,
      cancelReason: null,
      createdAt: "",
      updatedAt: "",
    };
  }

  /** Moves a scheduled appointment only if the new placement is free (excluding itself); atomic like booking. */
  async moveAppointmentIfFree(accountId: string, id: number, to: Placement): Promise<boolean> {
    const result = await this.db.$client.execute({
      sql: MOVE_APPOINTMENT_IF_FREE,
      args: [to.startUtc, to.endUtc, to.providerId, to.operatoryId, accountId, id, ...overlapArgs(accountId, to), id],
    });
    return result.rowsAffected > 0;
  }

  async cancelAppointment(accountId: string, id: number, reason: string | null): Promise<void> {
    await this.db
      .update(sandboxAppointments)
      .set({ status: "cancelled", cancelReason: reason, updatedAt: sql`(strftime('%Y-%m-%d %H:%M:%f', 'now'))` })
      .where(and(eq(sandboxAppointments.accountId, accountId), eq(sandboxAppointments.id, id)));
  }

  insurance(accountId: string, patientId: number) {
    return this.db
      .select()
      .from(sandboxInsurancePlans)
      .where(and(eq(sandboxInsurancePlans.accountId, accountId), eq(sandboxInsurancePlans.patientId, patientId)))
      .orderBy(sandboxInsurancePlans.priority);
  }

  async insertNote(row: typeof sandboxNotes.$inferInsert) {
    const [inserted] = await this.db.insert(sandboxNotes).values(row).returning();
    return inserted!;
  }

  /** Records the payment and lowers the patient's balance in one atomic batch. */
  async insertPayment(row: typeof sandboxPayments.$inferInsert) {
    const [inserted] = await this.db.batch([
      this.db.insert(sandboxPayments).values(row).returning(),
      this.db
        .update(sandboxPatients)
        .set({ patientBalanceCents: sql`${sandboxPatients.patientBalanceCents} - ${row.amountCents}` })
        .where(and(eq(sandboxPatients.accountId, row.accountId), eq(sandboxPatients.id, row.patientId))),
    ]);
    return inserted[0]!;
  }

  async hasPractice(accountId: string): Promise<boolean> {
    const rows = await this.db.select({ id: sandboxOperatories.id }).from(sandboxOperatories).where(eq(sandboxOperatories.accountId, accountId)).limit(1);
    return rows.length > 0;
  }
}

/**
 * No appointment is longer than MAX_APPOINTMENT_MINUTES, so one that overlaps a time starts at most that
 * long before it. Saying so lets SQLite read a range of its (account, start) index instead of every
 * earlier appointment of the practice: the cost of a booking no longer grows with the practice's history.
 */
const earliestOverlappingStart = (isoUtc: string) => new Date(Date.parse(isoUtc) - (MAX_APPOINTMENT_MINUTES + 1) * 60_000).toISOString();

/**
 * A scheduled appointment of the provider or the operatory that overlaps a placement. Its parameters are
 * `overlapArgs`. The statements that use it are written once: a booking sends one every time, and
 * building the text cost more than running it.
 */
const OVERLAPPING = `select 1 from sandbox_appointments
  where account_id = ? and status = 'scheduled'
    and (provider_id = ? or operatory_id = ?)
    and start_utc < ? and end_utc > ?
    and start_utc > ?`;
const overlapArgs = (accountId: string, at: Placement) => [
  accountId,
  at.providerId,
  at.operatoryId,
  at.endUtc,
  at.startUtc,
  earliestOverlappingStart(at.startUtc),
];

/** The new row's values, the patient it requires (account, id), then `OVERLAPPING`'s. */
const INSERT_APPOINTMENT_IF_FREE = `insert into sandbox_appointments
    (account_id, patient_id, provider_id, operatory_id, start_utc, end_utc, type, status, notes, created_at, updated_at)
  select ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now')
  where exists (select 1 from sandbox_patients where account_id = ? and id = ?)
    and not exists (${OVERLAPPING})`;

/** The new placement, the appointment (account, id), then `OVERLAPPING`'s and the appointment's own id, left out. */
const MOVE_APPOINTMENT_IF_FREE = `update sandbox_appointments
     set start_utc = ?, end_utc = ?, provider_id = ?, operatory_id = ?, updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
   where account_id = ? and id = ? and status = 'scheduled'
     and not exists (${OVERLAPPING} and id <> ?)`;

const escapeLike = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The reads every availability question and booking makes, built once with placeholders: building
 * the SQL text costs more than running it.
 */
function hotQueries(db: Database) {
  return {
    patient: db
      .select()
      .from(sandboxPatients)
      .where(and(eq(sandboxPatients.accountId, sql.placeholder("accountId")), eq(sandboxPatients.id, sql.placeholder("id"))))
      .prepare(),
    providers: db
      .select()
      .from(sandboxProviders)
      .where(eq(sandboxProviders.accountId, sql.placeholder("accountId")))
      .orderBy(sandboxProviders.id)
      .prepare(),
    scheduledBetween: db
      .select()
      .from(sandboxAppointments)
      .where(
        and(
          eq(sandboxAppointments.accountId, sql.placeholder("accountId")),
          eq(sandboxAppointments.status, "scheduled"),
          lt(sandboxAppointments.startUtc, sql.placeholder("toUtc")),
          gt(sandboxAppointments.endUtc, sql.placeholder("fromUtc")),
          gt(sandboxAppointments.startUtc, sql.placeholder("earliestStart")),
        ),
      )
      .prepare(),
  };
}
