// biome-ignore-all lint/style/noNonNullAssertion: this demo practice inserts fixed rows and reads back exactly those; every index is one it just wrote.
import { DateTime } from "luxon";
import { withinOfficeHours } from "../../domain/availability";
import type { PracticeSettings } from "../../domain/practice";
import type { Database } from "../client";
import { sandboxAppointments, sandboxInsurancePlans, sandboxOperatories, sandboxPatients, sandboxProviders } from "../schema";

// Invented people with 555-01xx numbers (reserved for fiction): demo data must never look like real PHI.
const DEMO_PATIENTS = [
  ["Jane", "Doe", "1985-04-12", "+12025550101", "jane.doe@example.com", 12000, 4500],
  ["John", "Smith", "1979-11-03", "+12025550102", null, 0, 0],
  ["Maria", "Garcia", "1992-07-21", "+12025550103", "maria.garcia@example.com", 8550, 0],
  ["Wei", "Chen", "2001-02-14", "+12025550104", null, 0, 21000],
  ["Aisha", "Khan", "1968-09-30", "+12025550105", "aisha.khan@example.com", 3000, 0],
  ["Lucas", "Martin", "2015-06-08", "+12025550106", null, 0, 0],
  ["Emma", "Johnson", "1990-01-25", "+12025550107", "emma.j@example.com", 15075, 6000],
  ["Noah", "Williams", "1955-12-17", "+12025550108", null, 0, 0],
  ["Olivia", "Brown", "1988-03-09", "+12025550109", null, 2500, 0],
  ["Liam", "Jones", "2010-10-10", "+12025550107", null, 0, 0],
  ["Sofia", "Rossi", "1996-08-19", "+12025550110", "sofia.rossi@example.com", 0, 0],
  ["Jane", "Doerr", "1985-04-13", "+12025550111", null, 0, 0],
] as const;

/**
 * Lays down a small working practice for a clinic on the sandbox PMS: two operatories, a dentist and a
 * hygienist, patients with balances and insurance, and bookings over the next two weeks, so that the
 * demo answers look like a real office's (some slots taken, some free).
 */
export async function seedSandboxPractice(db: Database, practice: PracticeSettings, now: Date): Promise<void> {
  const accountId = practice.accountId;
  const [op1, op2] = await db
    .insert(sandboxOperatories)
    .values([
      { accountId, name: "Operatory 1" },
      { accountId, name: "Hygiene Room" },
    ])
    .returning();
  const [dentist, hygienist] = await db
    .insert(sandboxProviders)
    .values([
      { accountId, name: "Dr. Avery Stone", appointmentTypes: null, operatoryId: op1!.id },
      { accountId, name: "Riley Park, RDH", appointmentTypes: ["cleaning", "exam"], operatoryId: op2!.id },
    ])
    .returning();
  const patients = await db
    .insert(sandboxPatients)
    .values(
      DEMO_PATIENTS.map(([firstName, lastName, dateOfBirth, phone, email, patientCents, insuranceCents]) => ({
        accountId,
        firstName,
        lastName,
        dateOfBirth,
        phone,
        email,
        patientBalanceCents: patientCents,
        insuranceBalanceCents: insuranceCents,
      })),
    )
    .returning();
  await db.insert(sandboxInsurancePlans).values([
    {
      accountId,
      patientId: patients[0]!.id,
      carrier: "Delta Dental",
      memberId: "DD000111222",
      groupNumber: "G-1001",
      relationship: "self",
      priority: "primary",
    },
    {
      accountId,
      patientId: patients[0]!.id,
      carrier: "MetLife Dental",
      memberId: "ML998877",
      groupNumber: null,
      relationship: "spouse",
      priority: "secondary",
    },
    {
      accountId,
      patientId: patients[2]!.id,
      carrier: "Cigna Dental",
      memberId: "CG55501234",
      groupNumber: "G-2044",
      relationship: "self",
      priority: "primary",
    },
    {
      accountId,
      patientId: patients[5]!.id,
      carrier: "Delta Dental",
      memberId: "DD000333444",
      groupNumber: "G-1001",
      relationship: "child",
      priority: "primary",
    },
    { accountId, patientId: patients[6]!.id, carrier: "Aetna Dental", memberId: "AE12340000", groupNumber: "G-7", relationship: "self", priority: "primary" },
  ]);

  // Deterministic bookings: on each of the next 10 days, a few fixed local times per provider.
  const plan: Array<[number, string, number, "cleaning" | "exam" | "consultation"]> = [
    [0, "09:00", 60, "cleaning"],
    [1, "10:30", 30, "exam"],
    [0, "13:00", 60, "cleaning"],
    [1, "14:00", 30, "consultation"],
    [1, "08:00", 30, "exam"],
  ];
  const rows: Array<typeof sandboxAppointments.$inferInsert> = [];
  const today = DateTime.fromJSDate(now, { zone: practice.timezone }).startOf("day");
  for (let d = 0; d < 10; d++) {
    const day = today.plus({ days: d });
    plan.forEach(([providerIndex, time, minutes, type], i) => {
      if ((d + i) % 3 === 2) return; // leave some days lighter than others
      const start = DateTime.fromISO(`${day.toISODate()}T${time}`, { zone: practice.timezone }).toJSDate();
      if (start < now || !withinOfficeHours(practice, start, minutes)) return;
      const provider = providerIndex === 0 ? hygienist! : dentist!;
      const patient = patients[(d * plan.length + i) % patients.length]!;
      rows.push({
        accountId,
        patientId: patient.id,
        providerId: provider.id,
        operatoryId: provider.operatoryId,
        startUtc: start.toISOString(),
        endUtc: new Date(start.getTime() + minutes * 60_000).toISOString(),
        type,
        status: "scheduled",
      });
    });
  }
  if (rows.length > 0) await db.insert(sandboxAppointments).values(rows);
}
