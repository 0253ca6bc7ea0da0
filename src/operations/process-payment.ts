import { t } from "elysia";
import { PaymentMethods, PaymentSchema, toCents } from "../domain/billing";
import { defineOperation, fromConnector, invalid } from "./operation";
import { PatientId } from "./schema-parts";
import { spokenMoney } from "./speech";

export const PaymentResult = t.Object({ payment: PaymentSchema });

export const processPayment = defineOperation({
  name: "process_payment",
  title: "Record a payment",
  description:
    "Posts a payment to the patient's account. Never ask for or pass card numbers or security codes: " +
    "card payments carry a paymentToken from the payment processor.",
  input: t.Object({
    patientId: PatientId,
    amount: t.Number({ exclusiveMinimum: 0, maximum: 100000, description: "Amount, at most 2 decimals" }),
    method: t.Union(PaymentMethods.map((m) => t.Literal(m))),
    paymentToken: t.Optional(t.String({ minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9_:.-]+$" })),
    reference: t.Optional(t.String({ maxLength: 100 })),
  }),
  write: true,
  phi: true,
  successStatus: 201,
  gate: "patient",
  rest: { method: "POST", path: "/payments" },
  output: PaymentResult,
  tag: "Patients",
  vapi: { startMessage: "One moment while I record the payment.", modelNote: "Only for the patient verified in this call." },
  intent: (args) => `pay:${args.patientId}:${args.amount}:${args.method}`,
  example: { patientId: "1", amount: 25, method: "card", paymentToken: "tok_visa_4242" },
  async run({ connector, requestKey }, args) {
    const cents = toCents(args.amount);
    if (Math.abs(cents - args.amount * 100) > 1e-6) return invalid("amount: at most 2 decimals");
    const posted = await connector.postPayment({
      patientId: args.patientId,
      amountCents: cents,
      method: args.method,
      ...(args.paymentToken ? { paymentToken: args.paymentToken } : {}),
      ...(args.reference ? { reference: args.reference } : {}),
      ...(requestKey ? { requestKey } : {}),
    });
    if (!posted.ok) return fromConnector(posted.error);
    const payment = posted.value;
    return {
      ok: true,
      value: {
        data: { payment },
        summary: `A payment of ${spokenMoney(payment.amount, payment.currency)} was recorded.`,
        patientId: payment.patientId,
      },
    };
  },
});
