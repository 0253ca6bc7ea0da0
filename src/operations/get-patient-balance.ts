import { t } from "elysia";
import { BalanceSchema } from "../domain/billing";
import { defineOperation, fromConnector } from "./operation";
import { PatientId } from "./schema-parts";
import { spokenMoney } from "./speech";

export const BalanceResult = t.Object({ balance: BalanceSchema });

export const getPatientBalance = defineOperation({
  name: "get_patient_balance",
  title: "Get a patient's balance",
  description: "Reads what the patient owes, split into the patient's and the insurance's portion.",
  input: t.Object({ patientId: PatientId }),
  write: false,
  phi: true,
  successStatus: 200,
  gate: "patient",
  rest: { method: "GET", path: "/patients/:id/balance", pathParam: "patientId" },
  output: BalanceResult,
  tag: "Patients",
  vapi: { startMessage: "Let me check your balance.", modelNote: "Only for the patient verified in this call." },
  example: { patientId: "1" },
  async run({ connector }, args) {
    const found = await connector.getBalance(args.patientId);
    if (!found.ok) return fromConnector(found.error);
    const b = found.value;
    const summary =
      b.patientPortion <= 0
        ? "The patient has no balance due."
        : `The patient owes ${spokenMoney(b.patientPortion, b.currency)}${
            b.insurancePortion > 0 ? `, and ${spokenMoney(b.insurancePortion, b.currency)} is pending with insurance` : ""
          }.`;
    return { ok: true, value: { data: { balance: b }, summary, patientId: b.patientId } };
  },
});
