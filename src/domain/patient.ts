import { type Static, Type } from "@sinclair/typebox";

/** The minimum necessary: never SSNs, member ids, notes or history. */
export const PatientSchema = Type.Object({
  /** Null only while a PMS has not confirmed a new patient yet (`confirmation: "pending"`). */
  id: Type.Union([Type.String(), Type.Null()]),
  firstName: Type.String(),
  lastName: Type.String(),
  dateOfBirth: Type.String({ format: "date" }),
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  confirmation: Type.Optional(Type.Literal("pending")),
  reference: Type.Optional(Type.String({ description: "Gateway tracking id while pending" })),
});
export type Patient = Static<typeof PatientSchema>;

export type PatientSearch = {
  query?: string;
  phone?: string;
  dateOfBirth?: string;
  firstName?: string;
  lastName?: string;
};

export type NewPatient = { firstName: string; lastName: string; dateOfBirth: string; phone: string; email?: string };

export const MAX_SEARCH_RESULTS = 10;
