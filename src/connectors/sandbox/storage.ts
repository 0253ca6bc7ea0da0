/**
 * What the sandbox connector needs from its storage. The sandbox PMS keeps its practice in the
 * gateway's database, but connectors never touch the database: the implementation (under db/) is
 * injected, and every method is scoped by the clinic's account id.
 */
export type SandboxPatientRow = {
  id: number;
  accountId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  phone: string | null;
  email: string | null;
  patientBalanceCents: number;
  insuranceBalanceCents: number;
  createdAt: string;
};

export type SandboxAppointmentRow = {
  id: number;
  accountId: string;
  patientId: number;
  providerId: number;
  operatoryId: number;
  startUtc: string;
  endUtc: string;
  type: string;
  status: "scheduled" | "cancelled";
  notes: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
};

export type SandboxProviderRow = { id: number; accountId: string; name: string; appointmentTypes: string[] | null; operatoryId: number };

export type SandboxInsuranceRow = {
  id: number;
  accountId: string;
  patientId: number;
  carrier: string;
  memberId: string;
  groupNumber: string | null;
  relationship: "self" | "spouse" | "child" | "other";
  priority: "primary" | "secondary";
};

export type SandboxNoteRow = { id: number; accountId: string; patientId: number; type: string; text: string; createdAt: string };
export type SandboxPaymentRow = {
  id: number;
  accountId: string;
  patientId: number;
  amountCents: number;
  currency: string;
  method: string;
  reference: string | null;
  status: string;
  createdAt: string;
};

export type Placement = { startUtc: string; endUtc: string; providerId: number; operatoryId: number };

export interface SandboxStorage {
  providers(accountId: string): Promise<SandboxProviderRow[]>;
  scheduledBetween(accountId: string, fromUtc: string, toUtc: string): Promise<SandboxAppointmentRow[]>;
  appointment(accountId: string, id: number): Promise<SandboxAppointmentRow | undefined>;
  patient(accountId: string, id: number): Promise<SandboxPatientRow | undefined>;
  searchPatients(
    accountId: string,
    criteria: { namePrefixes: string[]; firstName?: string; lastName?: string; phone?: string; dateOfBirth?: string },
    limit: number,
  ): Promise<SandboxPatientRow[]>;
  insertPatient(row: Omit<SandboxPatientRow, "id" | "createdAt" | "patientBalanceCents" | "insuranceBalanceCents">): Promise<SandboxPatientRow>;
  /**
   * Books only if the patient exists and neither the provider nor the operatory is taken then (one
   * atomic statement); undefined when it did not book, for either reason.
   */
  insertAppointmentIfFree(
    row: Omit<SandboxAppointmentRow, "id" | "status" | "notes" | "cancelReason" | "createdAt" | "updatedAt"> & { notes?: string | null },
  ): Promise<SandboxAppointmentRow | undefined>;
  moveAppointmentIfFree(accountId: string, id: number, to: Placement): Promise<boolean>;
  cancelAppointment(accountId: string, id: number, reason: string | null): Promise<void>;
  insurance(accountId: string, patientId: number): Promise<SandboxInsuranceRow[]>;
  insertNote(row: Omit<SandboxNoteRow, "id">): Promise<SandboxNoteRow>;
  /** Records the payment and lowers the patient's balance together. */
  insertPayment(row: Omit<SandboxPaymentRow, "id">): Promise<SandboxPaymentRow>;
  hasPractice(accountId: string): Promise<boolean>;
}
