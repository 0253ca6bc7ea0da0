import { t } from "elysia";
import { InsurancePlanSchema } from "../domain/insurance";
import { defineOperation, fromConnector } from "./operation";
import { PatientId } from "./schema-parts";
import { listOf } from "./speech";

export const InsuranceResult = t.Object({ insurance: t.Array(InsurancePlanSchema) });

export const getPatientInsurance = defineOperation({
  name: "get_patient_insurance",
  title: "Get a patient's insurance",
  description: "Reads the patient's insurance plans on file (carrier, last four of the member id, group).",
  input: t.Object({ patientId: PatientId }),
  write: false,
  phi: true,
  successStatus: 200,
  gate: "patient",
  rest: { method: "GET", path: "/patients/:id/insurance", pathParam: "patientId" },
  output: InsuranceResult,
  tag: "Patients",
  vapi: { startMessage: "Let me check the insurance on file.", modelNote: "Only for the patient verified in this call." },
  example: { patientId: "1" },
  async run({ connector }, args) {
    const found = await connector.getInsurance(args.patientId);
    if (!found.ok) return fromConnector(found.error);
    const plans = found.value;
    const summary =
      plans.length === 0 ? "There is no insurance on file for this patient." : `On file: ${listOf(plans.map((p) => `${p.carrier} (${p.priority})`))}.`;
    return { ok: true, value: { data: { insurance: plans }, summary, patientId: args.patientId } };
  },
});
