import { t } from "elysia";
import { PatientSchema } from "../domain/patient";
import { defineOperation, fromConnector, invalid } from "./operation";
import { IsoDate } from "./schema-parts";
import { spokenName } from "./speech";

const Name = t.String({ minLength: 1, maxLength: 80 });

export const PatientsResult = t.Object({
  patients: t.Array(PatientSchema),
  verified: t.Optional(t.Boolean({ description: "With a Vapi credential: whether the caller is verified in this call" })),
});

export const searchPatients = defineOperation({
  name: "search_patients",
  title: "Search patients",
  description: "Looks up patients by name, phone number and/or date of birth (at most 10 results). " + "Always search before creating a new patient.",
  input: t.Object({
    query: t.Optional(t.String({ minLength: 1, maxLength: 120, description: "Free text: name, phone or YYYY-MM-DD" })),
    phone: t.Optional(t.String({ minLength: 3, maxLength: 32 })),
    dateOfBirth: t.Optional(IsoDate),
    firstName: t.Optional(Name),
    lastName: t.Optional(Name),
  }),
  write: false,
  phi: true,
  successStatus: 200,
  gate: "none",
  rest: { method: "POST", path: "/patients/search", queryFallback: "query" },
  output: PatientsResult,
  tag: "Patients",
  vapi: {
    startMessage: "Let me look you up.",
    modelNote:
      "In a call this also verifies the caller: pass firstName, lastName and dateOfBirth together " +
      "(or only dateOfBirth to match the caller's own phone number). Until verified, a partial search only says which details are missing.",
  },
  example: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" },
  async run({ connector }, args) {
    if (!args.query && !args.phone && !args.dateOfBirth && !args.firstName && !args.lastName) {
      return invalid("give at least one of query, phone, dateOfBirth, firstName, lastName");
    }
    const found = await connector.searchPatients(args);
    if (!found.ok) return fromConnector(found.error);
    const patients = found.value;
    const summary =
      patients.length === 0
        ? "No patient matches that."
        : patients.length === 1
          ? `Found one patient: ${spokenName(patients[0]?.firstName, patients[0]?.lastName)}.`
          : `Found ${patients.length} patients that match.`;
    return {
      ok: true,
      value: { data: { patients }, summary, patientId: patients.length === 1 ? (patients[0]?.id ?? null) : null },
    };
  },
});
