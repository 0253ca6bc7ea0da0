import { type Static, Type } from "@sinclair/typebox";

export const BalanceSchema = Type.Object({
  patientId: Type.String(),
  total: Type.Number(),
  patientPortion: Type.Number(),
  insurancePortion: Type.Number(),
  currency: Type.String(),
  asOf: Type.String(),
});
export type Balance = Static<typeof BalanceSchema>;

export const PaymentMethods = ["card", "cash", "check", "other"] as const;
export type PaymentMethod = (typeof PaymentMethods)[number];

export const PaymentSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.String(),
  amount: Type.Number(),
  currency: Type.String(),
  status: Type.String(),
  method: Type.String(),
});
export type Payment = Static<typeof PaymentSchema>;

export type PaymentRequest = {
  patientId: string;
  amountCents: number;
  method: PaymentMethod;
  paymentToken?: string;
  reference?: string;
  /** The gateway's deduplication key for this payment, for vendors that carry a transaction id. */
  requestKey?: string;
};

/** Money crosses the API as a number with at most 2 decimals; inside, it is integer cents. */
export const toCents = (amount: number): number => Math.round(amount * 100);
export const fromCents = (cents: number): number => cents / 100;
