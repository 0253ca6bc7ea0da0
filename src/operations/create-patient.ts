import { t } from "elysia";
import { DateTime } from "luxon";
import { clinicToday } from "../domain/time";
import { PatientResult } from "./get-patient";
import { defineOperation, fromConnector, invalid } from "./operation";
import { IsoDate } from "./schema-parts";
import { spokenName } from "./speech";

const Name = t.String({ minLength: 1, maxLength: 80, pattern: "\\S" });

export const createPatient = defineOperation({
  name: "create_patient",
  title: "Create a patient",
  description: "Creates a new patient record. Search first: only create when no existing patient matches.",
  input: t.Object({
    firstName: Name,
    lastName: Name,
    dateOfBirth: IsoDate,
    phone: t.String({ minLength: 7, maxLength: 32, description: "Phone number; stored in E.164" }),
    email: t.Optional(t.String({ format: "email", maxLength: 254 })),
  }),
  write: true,
  phi: true,
  successStatus: 201,
  gate: "none",
  rest: { method: "POST", path: "/patients" },
  output: PatientResult,
  tag: "Patients",
  vapi: { startMessage: "One moment while I set up your record.", modelNote: "Creating a patient verifies them for the rest of the call." },
  intent: (args, _at, low) => `create:${low(args.firstName)}:${low(args.lastName)}:${args.dateOfBirth}`,
  example: { firstName: "Sam", lastName: "Lee", dateOfBirth: "1990-02-03", phone: "+12025550144", email: "sam@example.org" },
  async run({ practice, connector, clock }, args) {
    const dob = DateTime.fromISO(args.dateOfBirth);
    if (!dob.isValid || args.dateOfBirth > clinicToday(clock.now(), practice.timezone) || dob.year < 1900) {
      return invalid("dateOfBirth: not a plausible date of birth");
    }
    const created = await connector.createPatient(args);
    if (!created.ok) return fromConnector(created.error);
    const patient = created.value;
    return {
      ok: true,
      value: {
        data: { patient },
        summary: `${spokenName(patient.firstName, patient.lastName)} is now registered as a patient.`,
        patientId: patient.id,
      },
    };
  },
});
