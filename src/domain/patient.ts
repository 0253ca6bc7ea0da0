import { type Static, Type } from "@sinclair/typebox";

/** The minimum necessary: never SSNs, member ids, notes or history. */
export const PatientSchema = Type.Object({
  id: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  dateOfBirth: Type.String({ format: "date" }),
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
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
