import { t } from "elysia";
import { PatientSchema } from "../domain/patient";
import { defineOperation, fromConnector } from "./operation";
import { PatientId } from "./schema-parts";
import { spokenName } from "./speech";

export const PatientResult = t.Object({ patient: PatientSchema });

export const getPatient = defineOperation({
  name: "get_patient",
  title: "Get a patient",
  description: "Reads one patient's contact details (name, date of birth, phone, email).",
  input: t.Object({ patientId: PatientId }),
  write: false,
  phi: true,
  successStatus: 200,
  gate: "patient",
  rest: { method: "GET", path: "/patients/:id", pathParam: "patientId" },
  output: PatientResult,
  tag: "Patients",
  vapi: { startMessage: "One moment.", modelNote: "Only for the patient verified in this call." },
  example: { patientId: "1" },
  async run({ connector }, args) {
    const found = await connector.getPatient(args.patientId);
    if (!found.ok) return fromConnector(found.error);
    const patient = found.value;
    return {
      ok: true,
      value: { data: { patient }, summary: `This is ${spokenName(patient.firstName, patient.lastName)}'s record.`, patientId: patient.id },
    };
  },
});
